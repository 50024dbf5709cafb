// Turns one speaker's audio into transcript segments: frames -> Silero VAD utterances -> speech recognizer -> sink.
// One instance per subscribed microphone track; it ends when the track's audio stream ends. With `chunking`, an
// utterance is transcribed in pieces cut at the speaker's short pauses while they talk (agents/utterance-chunker.ts);
// the pieces' texts are joined into the utterance's one segment, so nothing downstream changes shape.
import { EventEmitter } from 'node:events';
import { VADEventType, type VAD } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import type { Logger } from '../core/logger.js';
import type { NewTranscriptSegment } from '../engine/transcripts/transcript-store.js';
import { resampleLinear, STT_SAMPLE_RATE } from '../models/audio/pcm.js';
import type { SpeechRecognizer } from '../models/stt/speech-recognizer.js';
import { mergeOverlappingTexts } from './transcript-merge.js';
import { UtteranceChunker, validateChunking, type ChunkingOptions } from './utterance-chunker.js';

export interface SegmentSink {
  append(segment: NewTranscriptSegment): Promise<boolean>;
}

export interface SpeakerTranscriberOptions {
  roomId: string;
  speakerIdentity: string;
  trackSid: string;
  vad: VAD;
  recognizer: SpeechRecognizer;
  sink: SegmentSink;
  log: Logger;
  /** Wall clock at the first frame, injectable so tests fix time. */
  now?: () => number;
  /** Tries per segment write on transient database errors, and the first back-off (doubling); default 5 and 400 ms. */
  storeAttempts?: number;
  storeRetryDelayMs?: number;
  /** Silence pushed after the audio ends so an utterance in progress is closed; default 1000 ms. */
  endSilenceMs?: number;
  /** Transcribe each utterance in pieces while it is spoken (DEFAULT_CHUNKING); absent or false: whole utterances. */
  chunking?: ChunkingOptions | false;
}

/** An utterance the VAD cut, by wall-clock time. */
export interface Utterance {
  startedAt: Date;
  endedAt: Date;
}

// No 'error' event: EventEmitter throws an 'error' nobody listens to, and a failed utterance must not stop the
// speaker's other utterances from being stored. Failures are logged and reported as 'utterance_failed'.
export interface TranscriberEvents {
  segment: [NewTranscriptSegment];
  /** The recognizer heard no words (noise, a cough): nothing is stored. */
  empty: [Utterance];
  /** Recognition failed, or storing failed after the retries: the utterance is lost (and logged). */
  utterance_failed: [Utterance & { error: Error; stage: 'transcribe' | 'store' }];
}

export class SpeakerTranscriber extends EventEmitter<TranscriberEvents> {
  readonly #o: SpeakerTranscriberOptions;
  #utterances = 0;

  constructor(options: SpeakerTranscriberOptions) {
    super();
    for (const k of ['roomId', 'speakerIdentity', 'trackSid'] as const) {
      if (typeof options?.[k] !== 'string' || options[k] === '') throw new TypeError(`SpeakerTranscriber: ${k} must be a non-empty string`);
    }
    for (const k of ['storeAttempts', 'storeRetryDelayMs'] as const) {
      const v = options[k];
      if (v !== undefined && (!Number.isInteger(v) || v < (k === 'storeAttempts' ? 1 : 0))) {
        throw new TypeError(`SpeakerTranscriber: ${k} must be a ${k === 'storeAttempts' ? 'positive' : 'non-negative'} integer`);
      }
    }
    if (typeof options.sink?.append !== 'function') throw new TypeError('SpeakerTranscriber: sink must have an append function');
    if (options.chunking) validateChunking(options.chunking);
    this.#o = options;
  }

  /**
   * Consumes the audio until it ends; resolves after the last utterance is stored.
   *
   * The end of the audio is handled here, not by the VAD stream's flush()/endInput() (@livekit/agents 1.9): flush()
   * resets the VAD and so drops the utterance in progress, and endInput() closes a writable its own writer holds
   * locked, so the stream never ends and run() would never resolve. Instead a tail of silence longer than the VAD's
   * minimum silence closes any utterance in progress; once the VAD has processed everything pushed, the stream is
   * closed.
   */
  async run(audio: AsyncIterable<AudioFrame>): Promise<number> {
    const { vad, log } = this.#o;
    const now = this.#o.now ?? Date.now;
    const vadStream = vad.stream();
    let startWallMs: number | undefined;
    const pending: Promise<void>[] = [];
    let processedMs = 0;
    let progressed: (() => void) | undefined;
    const chunking = this.#o.chunking || undefined;
    let chunker: UtteranceChunker | undefined;
    /** Texts of the pieces of the utterance in progress, in order (settled, so none rejects unheard). */
    let pieces: Promise<PieceText>[] = [];

    const consume = (async () => {
      for await (const event of vadStream) {
        if (event.type === VADEventType.INFERENCE_DONE) {
          processedMs = Math.max(processedMs, event.timestamp);
          if (chunker?.active && event.speaking) {
            const frame = event.frames[0];
            if (frame) {
              const piece = chunker.window(frameSamples(frame), event.probability);
              if (piece) pieces.push(this.#transcribePiece(int16ToFloat32(piece.samples), frame.sampleRate, piece.overlapsPrevious));
            }
          }
          progressed?.();
          continue;
        }
        if (event.type === VADEventType.START_OF_SPEECH) {
          if (chunking && event.frames.length > 0) {
            chunker ??= new UtteranceChunker(chunking, event.frames[0]!.sampleRate);
            chunker.start(concatSamples(event.frames));
            pieces = [];
          }
          continue;
        }
        if (event.type !== VADEventType.END_OF_SPEECH) continue;
        const pcm = framesToFloat32(event.frames);
        let split: Split | undefined;
        if (chunker?.active) {
          const end = chunker.end(concatSamples(event.frames));
          const tail = end.tail && end.tail.length > 0 ? int16ToFloat32(end.tail) : undefined;
          split = { pieces, tail: tail && { samples: tail, overlapsPrevious: end.tailOverlapsPrevious } };
          pieces = [];
        }
        if (pcm.samples.length === 0 || startWallMs === undefined) continue;
        // The plugin reports milliseconds since the stream's first frame.
        const endedAt = new Date(startWallMs + event.timestamp);
        const startedAt = new Date(endedAt.getTime() - (pcm.samples.length / pcm.sampleRate) * 1000);
        pending.push(this.#transcribeAndStore(pcm, startedAt, endedAt, split));
      }
    })();

    let pushedMs = 0;
    let last: AudioFrame | undefined;
    try {
      for await (const frame of audio) {
        startWallMs ??= now();
        pushedMs += (frame.samplesPerChannel / frame.sampleRate) * 1000;
        last = frame;
        vadStream.pushFrame(frame);
      }
      if (last !== undefined) {
        pushedMs += pushSilence(vadStream, last, this.#o.endSilenceMs ?? END_SILENCE_MS);
        const caughtUp = await waitUntil(() => processedMs >= pushedMs - VAD_WINDOW_SLACK_MS, (wake) => (progressed = wake), VAD_CATCH_UP_TIMEOUT_MS);
        if (!caughtUp) log.warn({ speaker: this.#o.speakerIdentity, pushedMs, processedMs }, 'the VAD did not catch up with the end of the audio; the tail may be lost');
      }
    } finally {
      vadStream.close();
      await consume.catch((err: unknown) => log.warn({ err }, 'VAD stream ended with an error'));
    }
    // allSettled: each utterance reports its own failure; one must not cut the wait for the others short.
    await Promise.allSettled(pending);
    log.debug({ speaker: this.#o.speakerIdentity, utterances: this.#utterances }, 'speaker audio ended');
    return this.#utterances;
  }

  /** A piece cut while the speaker talks, transcribed at once; a failure is kept for the utterance to report. */
  #transcribePiece(samples: Float32Array, sampleRate: number, overlapsPrevious: boolean): Promise<PieceText> {
    // Settled at once (then(ok, fail)): a piece's failure waits for its utterance's end without ever being unhandled.
    return Promise.resolve()
      .then(() => this.#o.recognizer.transcribe(toStt16k({ samples, sampleRate })))
      .then(
        (r): PieceText => ({ text: r.text.trim(), overlapsPrevious }),
        (err: unknown): PieceText => ({ error: asError(err) }),
      );
  }

  /** The utterance's text: decoded whole, or the pieces' texts (decoded while it was spoken) and the tail's. */
  async #recognize(pcm: { samples: Float32Array; sampleRate: number }, split: Split | undefined): Promise<string> {
    if (!split) return (await this.#o.recognizer.transcribe(toStt16k(pcm))).text.trim();
    const all = [...split.pieces, ...(split.tail ? [this.#transcribePiece(split.tail.samples, pcm.sampleRate, split.tail.overlapsPrevious)] : [])];
    let text = '';
    for (const piece of await Promise.all(all)) {
      if ('error' in piece) throw piece.error;
      // A piece that starts before the previous one's forced cut repeats its last words: keep them once.
      text = piece.overlapsPrevious ? mergeOverlappingTexts(text, piece.text) : [text, piece.text].filter((t) => t !== '').join(' ');
    }
    return text;
  }

  async #transcribeAndStore(pcm: { samples: Float32Array; sampleRate: number }, startedAt: Date, endedAt: Date, split?: Split): Promise<void> {
    const { recognizer, sink, log, roomId, speakerIdentity, trackSid } = this.#o;
    const utterance: Utterance = { startedAt, endedAt };
    const ms = endedAt.getTime() - startedAt.getTime();
    let text: string;
    try {
      text = await this.#recognize(pcm, split);
      if (split) log.debug({ room: roomId, speaker: speakerIdentity, ms, pieces: split.pieces.length, tailMs: split.tail ? Math.round((split.tail.samples.length / pcm.sampleRate) * 1000) : 0 }, 'utterance transcribed in pieces');
    } catch (err) {
      log.error({ err, room: roomId, speaker: speakerIdentity, ms }, 'utterance could not be transcribed; it is lost');
      this.#report('utterance_failed', { ...utterance, error: asError(err), stage: 'transcribe' });
      return;
    }
    if (text === '') {
      log.info({ room: roomId, speaker: speakerIdentity, ms, model: recognizer.id }, 'recognizer heard no words in an utterance; nothing stored');
      this.#report('empty', utterance);
      return;
    }
    const segment: NewTranscriptSegment = {
      roomId,
      segmentKey: `${roomId}:${trackSid}:${startedAt.getTime()}`,
      speakerIdentity,
      trackSid,
      startedAt,
      endedAt,
      text,
      model: recognizer.id,
    };
    try {
      await withRetries(() => sink.append(segment), log, this.#o.storeAttempts ?? 5, this.#o.storeRetryDelayMs ?? 400);
    } catch (err) {
      log.error({ err, room: roomId, speaker: speakerIdentity, ms }, 'transcript segment could not be stored; it is lost');
      this.#report('utterance_failed', { ...utterance, error: asError(err), stage: 'store' });
      return;
    }
    this.#utterances += 1;
    log.info({ room: roomId, speaker: speakerIdentity, ms }, 'transcript segment stored');
    this.#report('segment', segment);
  }

  /** Emits without letting a throwing listener break the transcription. */
  #report<E extends keyof TranscriberEvents>(event: E, ...args: TranscriberEvents[E]): void {
    try {
      (this.emit as (e: E, ...a: TranscriberEvents[E]) => boolean)(event, ...args);
    } catch (err) {
      this.#o.log.warn({ err, event }, 'a transcriber listener threw');
    }
  }
}

type PieceText = { text: string; overlapsPrevious: boolean } | { error: Error };

/** An utterance transcribed in pieces: those cut while it was spoken, and what is left after the last cut. */
interface Split {
  pieces: Promise<PieceText>[];
  tail: { samples: Float32Array; overlapsPrevious: boolean } | undefined;
}

/** A mono frame's samples, copied (the plugin's frames are views into buffers it reuses). */
function frameSamples(frame: AudioFrame): Int16Array {
  return Int16Array.from(frame.data.subarray(0, frame.samplesPerChannel));
}

function concatSamples(frames: AudioFrame[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.samplesPerChannel, 0));
  let offset = 0;
  for (const f of frames) {
    out.set(f.data.subarray(0, f.samplesPerChannel), offset);
    offset += f.samplesPerChannel;
  }
  return out;
}

function int16ToFloat32(samples: Int16Array): Float32Array {
  return Float32Array.from(samples, (v) => v / 32768);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Silence after the last frame: longer than the VAD's minimum silence (600 ms, agents/silero-vad.ts). */
const END_SILENCE_MS = 1000;
/** The VAD infers in 32 ms windows; what is left of the last window is never reported. */
const VAD_WINDOW_SLACK_MS = 100;
const VAD_CATCH_UP_TIMEOUT_MS = 10_000;

/** Pushes `ms` of silence shaped like `like`; returns how many milliseconds were pushed. */
function pushSilence(stream: { pushFrame(f: AudioFrame): void }, like: AudioFrame, ms: number): number {
  const samples = Math.max(1, like.samplesPerChannel);
  const frameMs = (samples / like.sampleRate) * 1000;
  let pushed = 0;
  while (pushed < ms) {
    stream.pushFrame(new AudioFrame(new Int16Array(samples * like.channels), like.sampleRate, like.channels, samples));
    pushed += frameMs;
  }
  return pushed;
}

/** Resolves true when `done()` holds (checked whenever `wake` is called), false after `timeoutMs`. */
function waitUntil(done: () => boolean, onWake: (wake: () => void) => void, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      onWake(() => undefined);
      resolve(ok);
    };
    onWake(() => {
      if (done()) finish(true);
    });
    if (done()) finish(true);
  });
}

function toStt16k(pcm: { samples: Float32Array; sampleRate: number }): Float32Array {
  return pcm.sampleRate === STT_SAMPLE_RATE ? pcm.samples : resampleLinear(pcm.samples, pcm.sampleRate, STT_SAMPLE_RATE);
}

/** Concatenates 16-bit PCM frames (mono, one rate) into floats in [-1, 1). */
export function framesToFloat32(frames: AudioFrame[]): { samples: Float32Array; sampleRate: number } {
  const total = frames.reduce((n, f) => n + f.samplesPerChannel * f.channels, 0);
  const samples = new Float32Array(total);
  let offset = 0;
  for (const f of frames) {
    const channels = f.channels;
    for (let i = 0; i < f.samplesPerChannel; i++) {
      // Downmix by averaging channels; the agent subscribes mono, so this is usually a copy.
      let acc = 0;
      for (let c = 0; c < channels; c++) acc += f.data[i * channels + c] ?? 0;
      samples[offset++] = acc / channels / 32768;
    }
  }
  return { samples: samples.subarray(0, offset), sampleRate: frames[0]?.sampleRate ?? 16000 };
}

async function withRetries<T>(fn: () => Promise<T>, log: Logger, attempts: number, firstDelayMs: number): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = (err as { retryable?: boolean }).retryable ?? isTransientDbError(err);
      if (!retryable || i >= attempts) throw err;
      log.warn({ err, attempt: i }, 'storing segment failed; retrying');
      await new Promise((r) => setTimeout(r, firstDelayMs * 2 ** (i - 1)));
    }
  }
}

function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  // Connection failures and PostgreSQL's "cannot connect now"/serialization classes are worth another try.
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P03', '40001', '40P01', '08006', '08003', '08001'].includes(code);
}
