// The whole stack on the embedded PGlite under concurrent requests: every one answered correctly (the
// pglite-socket server crossed concurrent prepared statements and answered some of these with 500s).
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ db: 'embedded', workers: 0 });
});
test.after.always(() => env?.stop());

test('twenty members sign up, create rooms and read them back at the same time', async (t) => {
  const results = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const m = await env.api.signUp(`Concurrent ${i}`);
      const created = await m.client.post('/v1/rooms', { title: `Room ${i}`, topics: [`t${i}`] });
      const read = await m.client.get(`/v1/rooms/${created.body.id}`);
      return { created: created.status, title: read.body.title, i };
    }),
  );
  for (const r of results) {
    t.is(r.created, 201);
    t.is(r.title, `Room ${r.i}`);
  }
  t.is(env.stack.database.kind, 'embedded');
});
