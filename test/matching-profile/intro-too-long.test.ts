// An intro over 20 s, measured from the file itself, is refused with 422 intro_too_long saying its duration; a body
// over the byte cap is 413. Nothing is stored.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { signUp, speechWav, toOggOpus, upload } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('a 25-second WAV is refused naming its duration', async (t) => {
  const m = await signUp(env, 'Lou Long');
  const wav = await speechWav('Hello, I talk for a long time about everything I have ever done.', 25);
  const res = await upload(m, '/v1/me/matching/intro', wav, 'audio/wav');
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.error.code, 'intro_too_long');
  t.regex(res.body.error.message, /25\.0 s long; at most 20 s/);
  const { rows } = await env.stack.database.pool.query('SELECT 1 FROM member_intros WHERE member_id = $1', [m.memberId]);
  t.is(rows.length, 0);
});

test('a 25-second Ogg/Opus is refused the same way', async (t) => {
  const m = await signUp(env, 'Lou Opus');
  const ogg = await toOggOpus(await speechWav('Hello again, still talking for far too long.', 25));
  const res = await upload(m, '/v1/me/matching/intro', ogg, 'audio/ogg');
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.error.code, 'intro_too_long');
  t.regex(res.body.error.message, /2[45]\.\d s long/);
});

test('a body over the 2 MB cap is 413', async (t) => {
  const m = await signUp(env, 'Lou Large');
  // 70 s of 16-bit mono at 16 kHz is 2.2 MB.
  const wav = await speechWav('Hello.', 70);
  t.true(wav.length > 2 * 1024 * 1024);
  const res = await upload(m, '/v1/me/matching/intro', wav, 'audio/wav');
  t.is(res.status, 413, JSON.stringify(res.body));
  t.is(res.body.error.code, 'payload_too_large');
});
