// Evidence clips: 16 kHz mono Int16 PCM of a flagged utterance, compressed losslessly for storage in evidence_clips.
//
// Why FLAC through Debian's `flac` CLI: the bootstrap already installs it (scripts/apt-packages.txt, and
// read-audio-file.ts decodes the bench's clips with it), it is lossless — evidence must be exactly what was heard,
// not a perceptual re-encoding — and it roughly halves speech PCM. No npm encoder is in node_modules, and adding a
// native/WASM codec dependency for a few seconds of audio per flagged utterance is not worth it. The child process
// reads raw PCM on stdin and writes FLAC on stdout, so no temporary file is ever created or left behind.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { STT_SAMPLE_RATE } from './pcm.js';
import { decodeWav } from './wav.js';

export const FLAC_MEDIA_TYPE = 'audio/flac';

export interface EncodedClip {
  mediaType: typeof FLAC_MEDIA_TYPE;
  bytes: Buffer;
  durationMs: number;
}

export interface DecodedClip {
  sampleRate: number;
  samples: Int16Array;
}

export interface FlacOptions {
  /** Sample rate of the PCM; default 16 kHz (what the agent's ring buffer keeps). */
  sampleRate?: number;
  /** FLAC compression level 0..8; default 8 (clips are seconds long, so the slowest level still takes milliseconds). */
  compressionLevel?: number;
  /** The child process is killed after this long; default 30 s. */
  timeoutMs?: number;
  /** The program to run; default `flac` on PATH. */
  flacPath?: string;
}

/** Lossless FLAC of mono 16-bit PCM. */
export async function encodeEvidenceClip(samples: Int16Array, options: FlacOptions = {}): Promise<EncodedClip> {
  if (!(samples instanceof Int16Array)) throw new TypeError('encodeEvidenceClip: samples must be an Int16Array');
  if (samples.length === 0) throw new TypeError('encodeEvidenceClip: samples must not be empty');
  const sampleRate = options.sampleRate ?? STT_SAMPLE_RATE;
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 655_350) throw new TypeError(`encodeEvidenceClip: sampleRate must be a positive integer, got ${sampleRate}`);
  const level = options.compressionLevel ?? 8;
  if (!Number.isInteger(level) || level < 0 || level > 8) throw new TypeError(`encodeEvidenceClip: compressionLevel must be an integer 0..8, got ${level}`);
  const pcm = int16ToLittleEndian(samples);
  const bytes = await runFlac(
    [
      '--silent',
      `-${level}`,
      '--force-raw-format',
      '--endian=little',
      '--sign=signed',
      '--channels=1',
      '--bps=16',
      `--sample-rate=${sampleRate}`,
      // Known up front, so STREAMINFO carries the total sample count even though stdout cannot be seeked back.
      `--input-size=${pcm.length}`,
      // The default 8 KiB padding block is for later tag edits; a stored clip never gets any.
      '--no-padding',
      '--no-seektable',
      '--stdout',
      '-',
    ],
    pcm,
    options,
  );
  return { mediaType: FLAC_MEDIA_TYPE, bytes, durationMs: Math.round((samples.length * 1000) / sampleRate) };
}

/** Decodes a FLAC clip (from encodeEvidenceClip or any mono 16-bit FLAC) back to PCM; for verification and playback. */
export async function decodeEvidenceClip(flac: Uint8Array, options: Pick<FlacOptions, 'timeoutMs' | 'flacPath'> = {}): Promise<DecodedClip> {
  if (!(flac instanceof Uint8Array) || flac.length === 0) throw new TypeError('decodeEvidenceClip: flac must be a non-empty Buffer or Uint8Array');
  const wav = await runFlac(['--silent', '--decode', '--stdout', '-'], Buffer.from(flac.buffer, flac.byteOffset, flac.byteLength), options);
  const decoded = decodeWav(wav);
  if (decoded.channels !== 1) throw new TypeError(`decodeEvidenceClip: expected a mono clip, got ${decoded.channels} channels`);
  // 16-bit PCM read as x / 32768 maps back exactly.
  const samples = new Int16Array(decoded.samples.length);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.max(-32768, Math.min(32767, Math.round(decoded.samples[i]! * 32768)));
  return { sampleRate: decoded.sampleRate, samples };
}

/** Float samples in [-1, 1] to Int16 (clamped), for callers holding float PCM. */
export function float32ToInt16(samples: Float32Array): Int16Array {
  if (!(samples instanceof Float32Array)) throw new TypeError('float32ToInt16: samples must be a Float32Array');
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768)));
  return out;
}

function int16ToLittleEndian(samples: Int16Array): Buffer {
  if (os.endianness() === 'LE') return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

function runFlac(args: string[], input: Buffer, options: Pick<FlacOptions, 'timeoutMs' | 'flacPath'>): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(timeoutMs > 0)) throw new TypeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const program = options.flacPath ?? 'flac';
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    let settled = false;
    const finish = (err: Error | undefined, out?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(out!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`${program} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 4096) stderr += b.toString('utf8');
    });
    // EPIPE when flac exits early (bad input): the exit code and stderr explain it, not the pipe.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => finish(new Error(`evidence clips need the \`${program}\` program (Debian package "flac"): ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      if (code === 0) finish(undefined, Buffer.concat(chunks));
      else finish(new Error(`${program} exited with ${code ?? signal}: ${stderr.trim() || 'no message'}`));
    });
    child.stdin.end(input);
  });
}
