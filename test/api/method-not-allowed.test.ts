// A method a path does not have is the client's mistake: 405 with `Allow` listing the path's methods, in the one
// error shape, also for methods the router knows nowhere (TRACE, which it used to answer 501, a server error).
import test from 'ava';
import http from 'node:http';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

const cases: [method: string, path: string, allow: string[]][] = [
  ['TRACE', '/healthz', ['GET', 'HEAD']],
  ['DELETE', '/healthz', ['GET', 'HEAD']],
  ['PUT', '/v1/auth/login', ['POST']],
  ['TRACE', '/v1/rooms', ['GET', 'HEAD', 'POST']],
  ['PATCH', '/v1/rooms/00000000-0000-4000-8000-000000000000/rsvp', ['DELETE', 'PUT']],
];

/** node:http, not fetch: fetch refuses to send TRACE at all. */
function request(method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, env.stack.apiUrl), { method }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the assertions on the body say so
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

for (const [method, path, allow] of cases) {
  test(`${method} ${path} -> 405, Allow: ${allow.join(', ')}`, async (t) => {
    const res = await request(method, path);
    t.is(res.status, 405);
    t.deepEqual(res.headers.allow?.split(/,\s*/).sort(), allow);
    t.regex(res.headers['content-type'] ?? '', /^application\/json/);
    t.deepEqual(Object.keys(res.body?.error ?? {}).sort(), ['code', 'details', 'message']);
    t.is(res.body?.error?.code, 'method_not_allowed');
    t.regex(String(res.body?.error?.message), new RegExp(`${method} is not allowed`));
  });
}

test('a path that does not exist is still a 404, whatever the method', async (t) => {
  const res = await request('TRACE', '/v1/nowhere');
  t.is(res.status, 404);
  t.is(res.body.error.code, 'route_not_found');
});
