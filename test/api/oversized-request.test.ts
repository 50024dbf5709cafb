// A request Node's HTTP parser refuses before the API sees it (headers over 16 KiB) is still answered in the one
// error shape, with a JSON content type — found by the fuzzer as an empty 431.
import http from 'node:http';
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(async () => {
  await env?.stop();
});

test('a request line over 16 KiB is 431 in the error shape', async (t) => {
  const url = new URL(`/v1/moderation/evidence/1?reason=${'%F2%AD%87%A7'.repeat(2000)}`, env.stack.apiUrl);
  const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    http
      .get(url, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body }));
      })
      .on('error', reject);
  });
  t.is(res.status, 431);
  t.regex(res.type, /^application\/json/);
  t.deepEqual(JSON.parse(res.body), { error: { code: 'request_too_large', message: 'the request line and headers must fit in 16 KiB', details: [] } });
});
