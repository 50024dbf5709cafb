// A harmful intro is refused before anyone hears it: transcribed locally, flagged by the harm classifier, answered
// 422 intro_refused naming the categories, and not stored.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { signUp, speechWav, upload } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('"I will kill you if you do not hire me" is refused as a threat', async (t) => {
  const m = await signUp(env, 'Tom Threat');
  const res = await upload(m, '/v1/me/matching/intro', await speechWav('I will kill you if you do not hire me.'), 'audio/wav');
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.error.code, 'intro_refused');
  t.regex(res.body.error.message, /refused by the safety classifier \(threat\)/);
  t.deepEqual(res.body.error.details, [{ field: 'body', message: 'flagged: threat' }]);
  const { rows } = await env.stack.database.pool.query('SELECT 1 FROM member_intros WHERE member_id = $1', [m.memberId]);
  t.is(rows.length, 0, 'a refused intro is not stored');
  const status = await m.client.get('/v1/me/matching/status');
  t.false(status.body.criteria.find((c: { criterion: string }) => c.criterion === 'intro').met);
});
