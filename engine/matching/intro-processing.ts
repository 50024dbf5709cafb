// A recorded intro from the uploaded bytes: its container told apart by content (WAV, FLAC, Ogg, WebM — what
// browsers' MediaRecorder and recorders produce), its duration read from the file with music-metadata, decoded to
// 16 kHz mono (WAV in-process; FLAC, Ogg/Opus and WebM/Opus by the audio-only FFmpeg that ships inside npm
// `@livekit/av`, which @livekit/agents already installs; FLAC falls back to Debian's `flac`), transcribed by the
// local recognizer and scored by the harm classifier. A flagged intro is refused with its categories; nothing is
// stored here.
import { spawn } from 'node:child_process';
import { getFfmpegPath } from '@livekit/av';
import { parseBuffer } from 'music-metadata';
import { STT_SAMPLE_RATE, int16ToFloat32 } from '../../models/audio/pcm.js';
import { to16kMono } from '../../models/audio/read-audio-file.js';
import { decodeWav } from '../../models/audio/wav.js';
import { MediaError } from './media-error.js';

export const INTRO_MEDIA_TYPES = ['audio/wav', 'audio/flac', 'audio/ogg', 'audio/webm'] as const;
export type IntroMediaType = (typeof INTRO_MEDIA_TYPES)[number];

const ALIASES: Record<string, IntroMediaType> = {
  'audio/wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/flac': 'audio/flac',
  'audio/x-flac': 'audio/flac',
  'audio/ogg': 'audio/ogg',
  'audio/opus': 'audio/ogg',
  'audio/webm': 'audio/webm',
};

/** What the intro needs from the models: loaded once per process by the caller, lazily. */
export interface IntroModels {
  transcribe(pcm16k: Float32Array): Promise<{ text: string; model: string }>;
  classify(text: string): Promise<{ flagged: boolean; categories: string[]; scores: Record<string, number>; modelVersion: string; taxonomyVersion: string }>;
  close?(): Promise<void>;
}

export interface IntroLimits {
  maxSeconds: number;
}

export interface ProcessedIntro {
  mediaType: IntroMediaType;
  durationMs: number;
  /** null: this server has no decoder for the audio, so it was not transcribed (and not classified). */
  transcript: string | null;
  scores: Record<string, number> | null;
  sttModel: string | null;
  classifierModel: string | null;
  taxonomyVersion: string | null;
}

/** The container by its magic bytes, or null. */
export function sniffAudio(b: Buffer): IntroMediaType | null {
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WAVE') return 'audio/wav';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'fLaC') return 'audio/flac';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'OggS') return 'audio/ogg';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'audio/webm';
  return null;
}

export function introMediaType(declared: string): IntroMediaType | null {
  return ALIASES[declared.split(';')[0]!.trim().toLowerCase()] ?? null;
}

export async function processIntro(input: Buffer, declaredType: string, models: IntroModels, limits: IntroLimits): Promise<ProcessedIntro> {
  const type = introMediaType(declaredType);
  if (!type) {
    throw new MediaError('unsupported_type', 'unsupported_media_type', `an intro must be sent as ${INTRO_MEDIA_TYPES.join(', ')}; got ${declaredType || 'no Content-Type'}`, 'header.Content-Type');
  }
  if (input.length === 0) throw new MediaError('invalid', 'invalid_audio', 'the request body is empty: send the audio bytes');
  const actual = sniffAudio(input);
  if (actual !== type) throw new MediaError('invalid', 'invalid_audio', `the body is ${actual ?? 'not WAV, FLAC, Ogg or WebM audio'}, not ${type}`);

  let seconds: number | undefined;
  try {
    const meta = await parseBuffer(input, { mimeType: type, size: input.length }, { duration: true, skipCovers: true });
    if (meta.format.numberOfChannels === 0 || (meta.format.container === undefined && meta.format.codec === undefined)) throw new Error('no audio stream');
    if (typeof meta.format.duration === 'number' && Number.isFinite(meta.format.duration) && meta.format.duration > 0) seconds = meta.format.duration;
  } catch (err) {
    throw new MediaError('invalid', 'invalid_audio', `the audio could not be read: ${(err as Error).message}`);
  }
  if (seconds !== undefined) refuseTooLong(seconds, limits.maxSeconds);

  const pcm = await decode16kMono(input, type);
  // A WebM from MediaRecorder has no duration in its header: then the decoded audio says how long it is.
  if (seconds === undefined && pcm) seconds = pcm.length / STT_SAMPLE_RATE;
  if (seconds === undefined) throw new MediaError('invalid', 'invalid_audio', 'the audio file does not say how long it is, and this server cannot decode it to measure');
  refuseTooLong(seconds, limits.maxSeconds);
  if (pcm && pcm.length / STT_SAMPLE_RATE > limits.maxSeconds + 0.5) refuseTooLong(pcm.length / STT_SAMPLE_RATE, limits.maxSeconds);
  const durationMs = Math.max(1, Math.round(seconds * 1000));
  if (pcm === null) {
    return { mediaType: type, durationMs, transcript: null, scores: null, sttModel: null, classifierModel: null, taxonomyVersion: null };
  }

  const stt = await models.transcribe(pcm);
  const transcript = stt.text.replace(/\s+/g, ' ').trim();
  const verdict = await models.classify(transcript);
  if (verdict.flagged) {
    throw new MediaError(
      'unprocessable',
      'intro_refused',
      `this intro was refused by the safety classifier (${verdict.categories.join(', ')}): record one without ${verdict.categories.length > 1 ? 'such content' : describeCategory(verdict.categories[0]!)}`,
      'body',
      { categories: verdict.categories },
    );
  }
  return {
    mediaType: type,
    durationMs,
    transcript,
    scores: verdict.scores,
    sttModel: stt.model,
    classifierModel: verdict.modelVersion,
    taxonomyVersion: verdict.taxonomyVersion,
  };
}

function describeCategory(c: string): string {
  return c === 'personal_data' ? 'personal data such as phone numbers or addresses' : c === 'spam' ? 'promotions or links' : `${c.replace('_', ' ')} content`;
}

function refuseTooLong(seconds: number, max: number): void {
  if (seconds > max) {
    throw new MediaError('unprocessable', 'intro_too_long', `the intro is ${seconds.toFixed(1)} s long; at most ${max} s are accepted`, 'body', { durationMs: Math.round(seconds * 1000), maxSeconds: max });
  }
}

/** 16 kHz mono samples, or null when no decoder for this container exists on this machine. */
async function decode16kMono(input: Buffer, type: IntroMediaType): Promise<Float32Array | null> {
  if (type === 'audio/wav') {
    try {
      return to16kMono(decodeWav(input));
    } catch (err) {
      throw new MediaError('invalid', 'invalid_audio', `the WAV file could not be decoded: ${(err as Error).message}`);
    }
  }
  const ffmpeg = getFfmpegPath();
  if (ffmpeg) {
    const raw = await run(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', 'pipe:0', '-vn', '-ac', '1', '-ar', String(STT_SAMPLE_RATE), '-f', 's16le', 'pipe:1'], input);
    if (raw.length % 2 !== 0 || raw.length === 0) throw new MediaError('invalid', 'invalid_audio', 'the audio decoded to nothing');
    return int16ToFloat32(new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)));
  }
  if (type === 'audio/flac') {
    const wav = await run('flac', ['--decode', '--stdout', '--silent', '-'], input);
    try {
      return to16kMono(decodeWav(wav));
    } catch (err) {
      throw new MediaError('invalid', 'invalid_audio', `the FLAC file could not be decoded: ${(err as Error).message}`);
    }
  }
  return null;
}

const DECODE_TIMEOUT_MS = 30_000;

function run(cmd: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), DECODE_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 2000) err += b.toString('utf8');
    });
    // A decoder that stops reading early (bad data) closes stdin; that is reported by its exit code.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new MediaError('invalid', 'invalid_audio', `the audio could not be decoded (${signal ? `timed out` : err.trim().split('\n').slice(-1)[0] || `exit ${code}`})`));
    });
    child.stdin.end(input);
  });
}
