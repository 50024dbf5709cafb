import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { downmixInterleaved, int16ToFloat32, resampleLinear } from '../../models/audio/pcm.js';
import { readAudioFile16kMono } from '../../models/audio/read-audio-file.js';
import { WavFormatError } from '../../models/audio/wav-format-error.js';
import { decodeWav, encodeWav16 } from '../../models/audio/wav.js';
import { defaultSpeechEvalDir } from '../../bench/lib/speech-eval-set.js';

const speech = defaultSpeechEvalDir();

function sine(freq: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** Zero crossings per second / 2 = frequency of a clean sine. */
function estimateFrequency(x: Float32Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) crossings++;
  return crossings / 2 / (x.length / rate);
}

test('16-bit WAV round-trips within one quantisation step', (t) => {
  const x = sine(440, 16000, 0.1);
  const d = decodeWav(encodeWav16(x, 16000));
  t.is(d.sampleRate, 16000);
  t.is(d.channels, 1);
  t.is(d.samples.length, x.length);
  t.true(d.samples.every((v, i) => Math.abs(v - x[i]!) <= 1 / 32768 + 1e-7));
});

test('24-bit stereo and float WAVs decode', (t) => {
  const header = (format: number, channels: number, bits: number, dataBytes: number) => {
    const b = Buffer.alloc(44);
    b.write('RIFF', 0, 'ascii');
    b.writeUInt32LE(36 + dataBytes, 4);
    b.write('WAVEfmt ', 8, 'ascii');
    b.writeUInt32LE(16, 16);
    b.writeUInt16LE(format, 20);
    b.writeUInt16LE(channels, 22);
    b.writeUInt32LE(8000, 24);
    b.writeUInt32LE((8000 * channels * bits) / 8, 28);
    b.writeUInt16LE((channels * bits) / 8, 32);
    b.writeUInt16LE(bits, 34);
    b.write('data', 36, 'ascii');
    b.writeUInt32LE(dataBytes, 40);
    return b;
  };
  const pcm24 = Buffer.from([0x00, 0x00, 0x40, 0x00, 0x00, 0xc0]); // +0.5, -0.5
  const d24 = decodeWav(Buffer.concat([header(1, 2, 24, 6), pcm24]));
  t.deepEqual([...d24.samples], [0.5, -0.5]);
  t.is(d24.channels, 2);
  const f = Buffer.alloc(8);
  f.writeFloatLE(0.25, 0);
  f.writeFloatLE(-1, 4);
  t.deepEqual([...decodeWav(Buffer.concat([header(3, 1, 32, 8), f])).samples], [0.25, -1]);
});

test('non-WAV input is a WavFormatError; a non-buffer a TypeError', (t) => {
  t.throws(() => decodeWav(Buffer.from('OggS not a wav file')), { instanceOf: WavFormatError });
  t.throws(() => decodeWav('x' as unknown as Uint8Array), { instanceOf: TypeError });
});

test('downmix averages channels', (t) => {
  t.deepEqual([...downmixInterleaved(Float32Array.of(1, 0, 0.5, 0.5), 2)], [0.5, 0.5]);
  t.throws(() => downmixInterleaved(new Float32Array(2), 0), { instanceOf: TypeError, message: /channels/ });
});

test('int16 to float32 maps full scale to [-1, 1)', (t) => {
  t.deepEqual([...int16ToFloat32(Int16Array.of(-32768, 0, 16384))], [-1, 0, 0.5]);
  t.throws(() => int16ToFloat32([1, 2] as unknown as Int16Array), { instanceOf: TypeError });
});

test('resampling keeps duration and pitch', (t) => {
  const x = sine(440, 48000, 1);
  const y = resampleLinear(x, 48000, 16000);
  t.is(y.length, 16000);
  t.true(Math.abs(estimateFrequency(y, 16000) - 440) < 3);
  const up = resampleLinear(sine(300, 8000, 0.5), 8000, 16000);
  t.is(up.length, 8000);
  t.true(Math.abs(estimateFrequency(up, 16000) - 300) < 3);
  t.is(resampleLinear(x, 16000, 16000), x);
  t.throws(() => resampleLinear(x, 0, 16000), { instanceOf: TypeError, message: /fromRate/ });
});

test('downsampling attenuates tones above the new Nyquist frequency', (t) => {
  // 7.9 kHz at 48 kHz -> 16 kHz sits just below 8 kHz; 12 kHz would alias down to 4 kHz without the low-pass.
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  const aliased = resampleLinear(sine(12000, 48000, 0.5), 48000, 16000);
  t.true(rms(aliased) < 0.5 * rms(sine(12000, 48000, 0.5)));
});

test('reads the eval WAV and FLAC files as 16 kHz mono', async (t) => {
  const wav = await readAudioFile16kMono(path.join(speech, 'jfk', 'jfk.wav'));
  t.is(wav.length, 176000);
  const flac = await readAudioFile16kMono(path.join(speech, 'librispeech-test-clean', '1089-134691-0000.flac'));
  t.true(flac.length > 16000 && flac.length < 16000 * 5);
  t.true(flac.some((v) => Math.abs(v) > 0.05), 'decoded speech is not silence');
});

test('a 48 kHz stereo file comes back at 16 kHz mono', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-audio-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const mono = sine(440, 48000, 0.5);
  const stereo = new Float32Array(mono.length * 2);
  mono.forEach((v, i) => {
    stereo[2 * i] = v;
    stereo[2 * i + 1] = v;
  });
  // encodeWav16 writes mono; patch the header to 2 channels at the same byte layout.
  const wav = encodeWav16(stereo, 48000);
  wav.writeUInt16LE(2, 22);
  wav.writeUInt32LE(48000 * 4, 28);
  wav.writeUInt16LE(4, 32);
  await fs.writeFile(path.join(dir, 's.wav'), wav);
  const out = await readAudioFile16kMono(path.join(dir, 's.wav'));
  t.is(out.length, 8000);
  t.true(Math.abs(estimateFrequency(out, 16000) - 440) < 4);
});

test('unsupported extensions are TypeErrors naming the file', async (t) => {
  await t.throwsAsync(readAudioFile16kMono('/x/clip.mp3'), { instanceOf: TypeError, message: /clip\.mp3/ });
});
