import fs from 'node:fs';
import os from 'node:os';
import test from 'ava';
import { decodeEvidenceClip, encodeEvidenceClip, float32ToInt16 } from '../../models/audio/evidence-clip.js';
import { synthesizeSpeech } from '../support/tts.js';

function tone(seconds: number, hz = 440, rate = 16_000): Int16Array {
  const out = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

test('a synthesised voice clip round-trips losslessly through FLAC and is much smaller than raw PCM', async (t) => {
  const voice = float32ToInt16(await synthesizeSpeech('If you say that again I will find out where you live.'));
  t.true(voice.length > 16_000, 'flite made at least a second of speech');
  const clip = await encodeEvidenceClip(voice);
  t.is(clip.mediaType, 'audio/flac');
  t.is(clip.bytes.subarray(0, 4).toString('latin1'), 'fLaC');
  t.is(clip.durationMs, Math.round((voice.length * 1000) / 16_000));
  const raw = voice.byteLength;
  t.log(`voice: ${voice.length} samples, ${raw} B raw PCM -> ${clip.bytes.length} B FLAC (ratio ${(raw / clip.bytes.length).toFixed(2)}:1)`);
  t.true(clip.bytes.length < raw * 0.75, `FLAC ${clip.bytes.length} B vs raw ${raw} B`);

  const back = await decodeEvidenceClip(clip.bytes);
  t.is(back.sampleRate, 16_000);
  t.is(back.samples.length, voice.length);
  t.deepEqual(back.samples, voice, 'lossless: every sample is the same');
});

test.serial('a tone round-trips with the same number of samples; an odd length and a custom rate are kept', async (t) => {
  const samples = tone(2.6).subarray(0, 40_001);
  const tmpBefore = fs.readdirSync(os.tmpdir()).sort();
  const clip = await encodeEvidenceClip(samples);
  t.log(`tone: ${samples.byteLength} B raw -> ${clip.bytes.length} B FLAC`);
  t.true(clip.bytes.length < samples.byteLength / 2);
  const back = await decodeEvidenceClip(clip.bytes);
  t.is(back.samples.length, 40_001);
  t.deepEqual(back.samples, samples);
  // Other processes may use the temp directory meanwhile; nothing audio-like may appear there.
  const added = fs.readdirSync(os.tmpdir()).filter((f) => !tmpBefore.includes(f));
  t.deepEqual(added.filter((f) => /flac|\.wav|\.raw|\.pcm/i.test(f)), [], 'stdin/stdout only: no temporary files');

  const at8k = await encodeEvidenceClip(tone(1, 300, 8000), { sampleRate: 8000 });
  t.is(at8k.durationMs, 1000);
  t.is((await decodeEvidenceClip(at8k.bytes)).sampleRate, 8000);
});

test('bad input is a TypeError; a broken stream or a missing program is an Error', async (t) => {
  await t.throwsAsync(encodeEvidenceClip(new Float32Array(10) as never), { instanceOf: TypeError });
  await t.throwsAsync(encodeEvidenceClip(new Int16Array(0)), { instanceOf: TypeError, message: /empty/ });
  await t.throwsAsync(encodeEvidenceClip(tone(0.1), { compressionLevel: 9 }), { instanceOf: TypeError, message: /compressionLevel/ });
  await t.throwsAsync(encodeEvidenceClip(tone(0.1), { sampleRate: 0 }), { instanceOf: TypeError, message: /sampleRate/ });
  await t.throwsAsync(decodeEvidenceClip(Buffer.alloc(0)), { instanceOf: TypeError });
  await t.throwsAsync(decodeEvidenceClip(Buffer.from('definitely not flac')), { message: /flac exited/ });
  await t.throwsAsync(encodeEvidenceClip(tone(0.1), { flacPath: '/nonexistent/flac' }), { message: /Debian package "flac"/ });
});
