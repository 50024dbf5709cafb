// Turns one speaker's audio into transcript segments: frames -> Silero VAD utterances -> speech recognizer -> sink.
// One instance per subscribed microphone track; it ends when the track's audio stream ends.
import { EventEmitter } from 'node:events';
import { VADEventType, type VAD } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { Logger } from '../core/logger.js';
import type { NewTranscriptSegment } from '../engine/transcripts/transcript-store.js';
import { resampleLinear, STT_SAMPLE_RATE } from '../models/audio/pcm.js';
import type { SpeechRecognizer } from '../models/stt/speech-recognizer.js';

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
}

export interface TranscriberEvents {
  segment: [NewTranscriptSegment];
  error: [Error];
}

export class SpeakerTranscriber extends EventEmitter<TranscriberEvents> {
  readonly #o: SpeakerTranscriberOptions;
  #utterances = 0;

  constructor(options: SpeakerTranscriberOptions) {
    super();
    for (const k of ['roomId', 'speakerIdentity', 'trackSid'] as const) {
      if (typeof options?.[k] !== 'string' || options[k] === '') throw new TypeError(`SpeakerTranscriber: ${k} must be a non-empty string`);
    }
    this.#o = options;
  }

  /** Consumes the audio until it ends; resolves after the last utterance is stored. */
  async run(audio: AsyncIterable<AudioFrame>): Promise<number> {
    const { vad, log } = this.#o;
    const now = this.#o.now ?? Date.now;
    const vadStream = vad.stream();
    let startWallMs: number | undefined;
    const pending: Promise<void>[] = [];

    const consume = (async () => {
      for await (const event of vadStream) {
        if (event.type !== VADEventType.END_OF_SPEECH) continue;
        const pcm = framesToFloat32(event.frames);
        if (pcm.samples.length === 0 || startWallMs === undefined) continue;
        // The plugin reports milliseconds since the stream's first frame.
        const endedAt = new Date(startWallMs + event.timestamp);
        const startedAt = new Date(endedAt.getTime() - (pcm.samples.length / pcm.sampleRate) * 1000);
        pending.push(this.#transcribeAndStore(pcm, startedAt, endedAt));
      }
    })();

    for await (const frame of audio) {
      startWallMs ??= now();
      vadStream.pushFrame(frame);
    }
    vadStream.flush();
    vadStream.endInput();
    await consume;
    await Promise.all(pending);
    log.debug({ speaker: this.#o.speakerIdentity, utterances: this.#utterances }, 'speaker audio ended');
    return this.#utterances;
  }

  async #transcribeAndStore(pcm: { samples: Float32Array; sampleRate: number }, startedAt: Date, endedAt: Date): Promise<void> {
    const { recognizer, sink, log, roomId, speakerIdentity, trackSid } = this.#o;
    try {
      const result = await recognizer.transcribe(toStt16k(pcm));
      const text = result.text.trim();
      if (text === '') return;
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
      await withRetries(() => sink.append(segment), log);
      this.#utterances += 1;
      this.emit('segment', segment);
      log.info({ room: roomId, speaker: speakerIdentity, ms: endedAt.getTime() - startedAt.getTime() }, 'transcript segment stored');
    } catch (err) {
      log.error({ err, room: roomId, speaker: speakerIdentity }, 'utterance could not be transcribed or stored');
      this.emit('error', err as Error);
    }
  }
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

async function withRetries<T>(fn: () => Promise<T>, log: Logger, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = (err as { retryable?: boolean }).retryable ?? isTransientDbError(err);
      if (!retryable || i >= attempts) throw err;
      log.warn({ err, attempt: i }, 'storing segment failed; retrying');
      await new Promise((r) => setTimeout(r, 200 * 2 ** i));
    }
  }
}

function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  // Connection failures and PostgreSQL's "cannot connect now"/serialization classes are worth another try.
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P03', '40001', '40P01', '08006', '08003', '08001'].includes(code);
}
