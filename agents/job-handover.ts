// The job side of a drain hand-over (agents/worker.ts runs the worker side). A draining worker dispatches a
// replacement agent into each of its rooms with `{handoverFrom}` in the dispatch metadata; the replacement
// transcribes at once but holds its segments, and tells LiveKit (a participant attribute) which tracks it hears.
// Once it hears every speaker, the worker tells the old agent to hand over; the old agent picks a cut time in a
// pause of the speakers, sends it to the replacement, and from then on each utterance belongs to exactly one agent
// by its start: before the cut the old agent's, from the cut on the replacement's. The old agent ends its audio in
// that pause (the transcriber closes the utterance in progress losslessly), stores what it owes and leaves.
// Messages go through LiveKit's server API (sendData to one identity), which reaches hidden agents.
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from '../core/logger.js';
import type { SegmentSink } from './speaker-transcriber.js';

export const HANDOVER_TOPIC = 'roundtable.handover';
/** Set by a replacement agent on itself: the JSON array of track sids it transcribes (audio flowing). */
export const TRANSCRIBING_ATTRIBUTE = 'roundtable.transcribing';

export type HandoverMessage =
  /** Worker → old agent: the replacement hears every speaker; hand the room to it. */
  | { type: 'hand_over'; to: string }
  /** Old agent → replacement: segments starting at or after cutMs (epoch ms) are the replacement's. */
  | { type: 'cut'; cutMs: number; from: string };

export interface HandoverDispatchMetadata {
  handoverFrom: string;
}

/** The old agent's identity when this job replaces one (its dispatch metadata says so). */
export function handoverSourceOf(jobMetadata: string | undefined): string | undefined {
  if (!jobMetadata) return undefined;
  try {
    const parsed = JSON.parse(jobMetadata) as Partial<HandoverDispatchMetadata>;
    return typeof parsed.handoverFrom === 'string' && parsed.handoverFrom !== '' ? parsed.handoverFrom : undefined;
  } catch {
    return undefined;
  }
}

export function parseHandoverMessage(payload: Uint8Array): HandoverMessage | undefined {
  try {
    const m = JSON.parse(new TextDecoder().decode(payload)) as Partial<{ type: string; to: string; cutMs: number; from: string }>;
    if (m.type === 'hand_over' && typeof m.to === 'string' && m.to !== '') return { type: 'hand_over', to: m.to };
    if (m.type === 'cut' && Number.isFinite(m.cutMs) && typeof m.from === 'string') return { type: 'cut', cutMs: m.cutMs!, from: m.from };
  } catch {
    // not ours
  }
  return undefined;
}

/** Sends a hand-over message to one participant through LiveKit's server API. */
export async function sendHandoverMessage(rooms: RoomServiceClient, room: string, to: string, message: HandoverMessage): Promise<void> {
  await rooms.sendData(room, new TextEncoder().encode(JSON.stringify(message)), DataPacket_Kind.RELIABLE, { topic: HANDOVER_TOPIC, destinationIdentities: [to] });
}

/**
 * Which segments this agent stores, by start time: [from, until). A replacement starts holding (from unknown) and
 * stores nothing until release(); an agent handing over sets until with endAt().
 */
export class HandoverGate {
  #fromMs: number | undefined;
  #untilMs = Infinity;
  readonly #released: Promise<void>;
  #release!: () => void;

  private constructor(fromMs: number | undefined) {
    this.#fromMs = fromMs;
    this.#released = new Promise((resolve) => (this.#release = resolve));
    if (fromMs !== undefined) this.#release();
  }

  static open(): HandoverGate {
    return new HandoverGate(-Infinity);
  }

  static holding(): HandoverGate {
    return new HandoverGate(undefined);
  }

  get holding(): boolean {
    return this.#fromMs === undefined;
  }

  release(fromMs: number): void {
    if (!Number.isFinite(fromMs)) throw new TypeError('fromMs must be a finite number');
    if (this.#fromMs !== undefined) return;
    this.#fromMs = fromMs;
    this.#release();
  }

  endAt(untilMs: number): void {
    if (!Number.isFinite(untilMs)) throw new TypeError('untilMs must be a finite number');
    this.#untilMs = Math.min(this.#untilMs, untilMs);
  }

  /** Undoes endAt (the cut could not be sent, so this agent keeps the room). */
  reopen(): void {
    this.#untilMs = Infinity;
  }

  /** Waits while holding; then whether a segment starting at `startedAt` is this agent's to store. */
  async admits(startedAt: Date): Promise<boolean> {
    await this.#released;
    const t = startedAt.getTime();
    return t >= this.#fromMs! && t < this.#untilMs;
  }

  /** The sink this agent's transcribers write to: segments outside the gate are dropped (the other agent's). */
  wrap(sink: SegmentSink, log: Logger): SegmentSink {
    return {
      append: async (segment) => {
        if (await this.admits(segment.startedAt)) return sink.append(segment);
        log.info({ startedAt: segment.startedAt.toISOString(), speaker: segment.speakerIdentity }, 'hand-over: segment belongs to the other agent; not stored here');
        return true;
      },
    };
  }
}

/** Int16 RMS above this counts as sound (about -36 dBFS): speech, not the silence between utterances. */
const LOUD_RMS = 500;

/**
 * When each speaker last made sound, on the transcriber's own clock (the wall clock at its first frame plus the
 * audio since), so a cut chosen here compares exactly with the start times of its segments.
 */
export class SpeechActivity {
  readonly #tracks = new Map<string, { clockMs: number; lastLoudMs: number; ended: boolean }>();

  /** Records one frame of a track (mono or interleaved 16-bit PCM). */
  observe(trackSid: string, samples: Int16Array, sampleRate: number, channels: number): void {
    let t = this.#tracks.get(trackSid);
    if (!t) {
      t = { clockMs: Date.now(), lastLoudMs: -Infinity, ended: false };
      this.#tracks.set(trackSid, t);
    }
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
    const rms = samples.length > 0 ? Math.sqrt(sum / samples.length) : 0;
    t.clockMs += (samples.length / channels / sampleRate) * 1000;
    if (rms >= LOUD_RMS) t.lastLoudMs = t.clockMs;
  }

  ended(trackSid: string): void {
    const t = this.#tracks.get(trackSid);
    if (t) t.ended = true;
  }

  /** The clock of the least advanced live track, and how long every live track has been quiet. */
  snapshot(): { clockMs: number; quietMs: number } {
    const live = [...this.#tracks.values()].filter((t) => !t.ended);
    if (live.length === 0) return { clockMs: Date.now(), quietMs: Infinity };
    return {
      clockMs: Math.min(...live.map((t) => t.clockMs)),
      quietMs: Math.min(...live.map((t) => t.clockMs - t.lastLoudMs)),
    };
  }
}

/** Quiet long enough that the utterance before has ended (VAD: 600 ms of silence) and the cut sits mid-pause. */
const CUT_QUIET_MS = 1200;
/** The cut lies this far back in the pause: the next utterance's start (300 ms of padding before its speech) and
 * the clock offset between the two agents stay on the replacement's side. */
const CUT_BACK_MS = 700;

/**
 * A cut time in a pause of every speaker, waiting up to `maxWaitMs` for one; without a pause, now (the utterance
 * in progress then started before it and stays the old agent's; it ends the audio only at the next pause).
 */
export async function chooseCut(activity: SpeechActivity, maxWaitMs: number): Promise<{ cutMs: number; inPause: boolean }> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const s = activity.snapshot();
    if (s.quietMs >= CUT_QUIET_MS) return { cutMs: s.clockMs - Math.min(CUT_BACK_MS, s.quietMs / 2), inPause: true };
    if (Date.now() >= deadline) return { cutMs: s.clockMs, inPause: false };
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for a pause of every speaker (the VAD has closed the utterance in progress), up to `maxWaitMs`. */
export async function waitForPause(activity: SpeechActivity, maxWaitMs: number): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  while (activity.snapshot().quietMs < 800) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Frames of one track until stop() is called (then the transcriber closes the utterance in progress and
 * finishes), observed for speech activity on the way.
 */
export class StoppableAudio {
  #stop!: () => void;
  readonly #stopped = new Promise<'stop'>((resolve) => (this.#stop = () => resolve('stop')));

  stop(): void {
    this.#stop();
  }

  async *frames<F extends { data: Int16Array; samplesPerChannel: number; channels: number; sampleRate: number }>(
    audio: AsyncIterable<F>,
    onFrame: (frame: F) => void,
  ): AsyncGenerator<F> {
    const it = audio[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await Promise.race([it.next(), this.#stopped]);
        if (next === 'stop' || next.done) return;
        onFrame(next.value);
        yield next.value;
      }
    } finally {
      // Not awaited: a read may be pending on the native stream; closing the room releases it.
      void Promise.resolve(it.return?.()).catch(() => undefined);
    }
  }
}
