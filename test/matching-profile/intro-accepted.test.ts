// A spoken intro of about 5 s (flite) is accepted: its duration read from the file, transcribed by the local
// recognizer, classified, stored and served. The same speech as Ogg/Opus (what MediaRecorder produces) is decoded
// by the FFmpeg inside @livekit/av and transcribed too.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { download, signUp, speechWav, toOggOpus, upload } from './_fixtures.js';

const TEXT = 'Hello, I am Ada. I manage engineering teams, and I can help you with hiring and mentoring.';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('a 5-second WAV intro is accepted with its transcript and served to another member', async (t) => {
  const ada = await signUp(env, 'Ada Intro');
  const bea = await signUp(env, 'Bea Listener');
  const wav = await speechWav(TEXT);
  const started = Date.now();
  const res = await upload(ada, '/v1/me/matching/intro', wav, 'audio/wav');
  t.log(`intro upload (first: loads the recognizer and classifier): ${Date.now() - started} ms`);
  t.is(res.status, 201, JSON.stringify(res.body));
  t.true(res.body.durationMs > 3000 && res.body.durationMs < 10_000, `${res.body.durationMs} ms`);
  t.is(res.body.mediaType, 'audio/wav');
  const words = String(res.body.transcript).toLowerCase();
  t.log(`transcript: ${res.body.transcript}`);
  for (const w of ['help', 'hiring', 'mentoring']) t.true(words.includes(w), `transcript has "${w}": ${words}`);

  const { rows } = await env.stack.database.pool.query('SELECT duration_ms, transcript, classifier_scores, stt_model, classifier_model FROM member_intros WHERE member_id = $1', [ada.memberId]);
  t.is(rows.length, 1);
  t.is(rows[0].stt_model, 'moonshine-base-en');
  t.truthy(rows[0].classifier_model);
  t.is(typeof rows[0].classifier_scores.threat, 'number');

  const served = await download(bea, `/v1/members/${ada.memberId}/intro`);
  t.is(served.status, 200);
  t.is(served.headers.get('content-type'), 'audio/wav');
  t.true(served.bytes.equals(wav), 'the intro is served as uploaded');

  const profile = await ada.client.get('/v1/me/matching/profile');
  t.is(profile.body.intro.transcript, res.body.transcript);
  const status = await ada.client.get('/v1/me/matching/status');
  t.true(status.body.criteria.find((c: { criterion: string }) => c.criterion === 'intro').met);
});

test('the same intro as Ogg/Opus is accepted and transcribed', async (t) => {
  const cy = await signUp(env, 'Cy Opus');
  const ogg = await toOggOpus(await speechWav(TEXT));
  const res = await upload(cy, '/v1/me/matching/intro', ogg, 'audio/ogg; codecs=opus');
  t.is(res.status, 201, JSON.stringify(res.body));
  t.is(res.body.mediaType, 'audio/ogg');
  t.true(res.body.durationMs > 3000 && res.body.durationMs < 10_000, `${res.body.durationMs} ms`);
  t.log(`transcript: ${res.body.transcript}`);
  t.true(String(res.body.transcript).toLowerCase().includes('hiring'), res.body.transcript);
});

test('audio that is not what it says is refused: 400 invalid_audio, or 415 for an unsupported type', async (t) => {
  const dee = await signUp(env, 'Dee Broken');
  const garbage = await upload(dee, '/v1/me/matching/intro', Buffer.from('RIFF0000WAVEjunkjunkjunk'), 'audio/wav');
  t.is(garbage.status, 400, JSON.stringify(garbage.body));
  t.is(garbage.body.error.code, 'invalid_audio');
  const mislabelled = await upload(dee, '/v1/me/matching/intro', await speechWav('hello'), 'audio/flac');
  t.is(mislabelled.status, 400, JSON.stringify(mislabelled.body));
  t.regex(mislabelled.body.error.message, /audio\/wav, not audio\/flac/);
  const mp3 = await upload(dee, '/v1/me/matching/intro', Buffer.from('ID3xxxx'), 'audio/mpeg');
  t.is(mp3.status, 415, JSON.stringify(mp3.body));
  t.is(mp3.body.error.details[0].field, 'header.Content-Type');
  const { rows } = await env.stack.database.pool.query('SELECT 1 FROM member_intros WHERE member_id = $1', [dee.memberId]);
  t.is(rows.length, 0);
});
