// The last few seconds of each speaker's audio, so that when an utterance is flagged its evidence clip can include
// the utterance and a little of what came before it. Pure: no LiveKit, no clock but the injected one, bounded
// memory (one fixed Int16Array ring per speaker, default 30 s at 16 kHz = 960 KB).
//
// Time: every sample has a wall-clock time. A frame pushed without `at` continues the previous frame's timeline
// (the speaker transcriber's model: wall clock at the first frame + stream offset), the first frame starting at
// `now()`. A frame pushed with `at` (wall-clock ms of its first sample) starts a new timeline piece only when it
// arrives later than the continuation by more than `gapToleranceMs` (a muted mic, a dropped connection); a clip
// across such a gap has silence in it, so the audio keeps its true length. Frames arriving early (jitter) continue.
import { downmixInterleaved, int16ToFloat32, resampleLinear, STT_SAMPLE_RATE } from '../models/audio/pcm.js';
import { float32ToInt16 } from '../models/audio/evidence-clip.js';

export interface EvidenceRingOptions {
  /** Audio kept per speaker; default 30 s. */
  seconds?: number;
  /** Default 16 kHz. */
  sampleRate?: number;
  /** A frame given `at` later than the expected continuation by more than this starts after a gap; default 100 ms. */
  gapToleranceMs?: number;
  /** Wall clock in ms (Date.now by default); the first frame of a speaker pushed without `at` starts here. */
  now?: () => number;
}

export interface RingClip {
  samples: Int16Array;
  sampleRate: number;
  /** Wall-clock time of the first and just after the last returned sample. */
  startedAt: Date;
  endedAt: Date;
  /** Audio before the utterance's start actually in the clip: the requested lead, or less when the buffer did not reach that far. */
  leadMs: number;
  requestedLeadMs: number;
  /** The whole of [startedAt - requestedLead, endedAt] was in the buffer. */
  complete: boolean;
  /** The whole utterance (without the lead) was in the buffer. */
  utteranceComplete: boolean;
  /** Silence inserted for gaps in the audio inside the clip. */
  gapMs: number;
}

interface Piece {
  /** Absolute index (count of samples ever pushed) of the piece's first sample. */
  first: number;
  /** Wall-clock ms of that sample. */
  atMs: number;
}

/** One speaker's ring. */
export class SpeakerAudioRing {
  readonly sampleRate: number;
  readonly capacity: number;
  readonly #gapToleranceMs: number;
  readonly #now: () => number;
  readonly #buf: Int16Array;
  #written = 0;
  #pieces: Piece[] = [];
  #head = 0;

  constructor(options: EvidenceRingOptions = {}) {
    const { seconds, sampleRate, gapToleranceMs, now } = resolveOptions(options);
    this.sampleRate = sampleRate;
    this.capacity = Math.max(1, Math.round(seconds * sampleRate));
    this.#gapToleranceMs = gapToleranceMs;
    this.#now = now;
    this.#buf = new Int16Array(this.capacity);
  }

  get capacityMs(): number {
    return (this.capacity * 1000) / this.sampleRate;
  }

  /** Audio currently held, in ms of samples (gaps not counted). */
  get retainedMs(): number {
    return (Math.min(this.#written, this.capacity) * 1000) / this.sampleRate;
  }

  /** Appends a frame. `at`: wall-clock time of its first sample (ms or Date); omitted, it continues the previous frame. */
  push(samples: Int16Array, at?: number | Date): void {
    if (!(samples instanceof Int16Array)) throw new TypeError('EvidenceRingBuffer.push: samples must be an Int16Array of 16-bit mono PCM');
    const atMs = at === undefined ? undefined : toMs(at, 'at');
    if (samples.length === 0) return;
    const last = this.#pieces[this.#pieces.length - 1];
    if (last === undefined) {
      this.#pieces.push({ first: this.#written, atMs: atMs ?? this.#now() });
    } else if (atMs !== undefined && atMs > this.#timeOf(last, this.#written) + this.#gapToleranceMs) {
      this.#pieces.push({ first: this.#written, atMs });
    }
    this.#write(samples);
    this.#dropOverwritten();
  }

  /**
   * The utterance [startedAt, endedAt] and up to `leadMs` before it, as far as the buffer still holds it. Returns
   * null when none of that window is held. The clip is at most the ring's capacity long.
   */
  clip(startedAt: Date | number, endedAt: Date | number, leadMs = 3000): RingClip | null {
    const { s, e } = checkClipArgs(startedAt, endedAt, leadMs);
    const reqStart = s - leadMs;
    const reqEnd = e;
    const retainedStart = Math.max(0, this.#written - this.capacity);
    const spans: { a: number; b: number; tA: number; tB: number }[] = [];
    for (let i = this.#head; i < this.#pieces.length; i++) {
      const piece = this.#pieces[i]!;
      const a = Math.max(piece.first, retainedStart);
      const b = this.#pieces[i + 1]?.first ?? this.#written;
      if (a >= b) continue;
      const tA = this.#timeOf(piece, a);
      const tB = this.#timeOf(piece, b);
      if (tA < reqEnd && tB > reqStart) spans.push({ a, b, tA, tB });
    }
    if (spans.length === 0) return null;
    const winEnd = Math.min(reqEnd, Math.max(...spans.map((x) => x.tB)));
    const winStart = Math.max(reqStart, Math.min(...spans.map((x) => x.tA)), winEnd - this.capacityMs);
    const perMs = this.sampleRate / 1000;
    const n = Math.round((winEnd - winStart) * perMs);
    if (n <= 0) return null;
    const out = new Int16Array(n);
    let copied = 0;
    for (const { a, b, tA, tB } of spans) {
      const from = Math.max(tA, winStart);
      const to = Math.min(tB, winEnd);
      if (to <= from) continue;
      const k0 = a + Math.round((from - tA) * perMs);
      const k1 = Math.min(b, a + Math.round((to - tA) * perMs));
      const offset = Math.round((from - winStart) * perMs);
      const count = Math.min(k1 - k0, n - offset);
      if (count <= 0) continue;
      this.#read(k0, count, out, offset);
      copied += count;
    }
    const eps = 0.5 / perMs; // half a sample
    const lead = Math.min(leadMs, Math.max(0, s - winStart));
    return {
      samples: out,
      sampleRate: this.sampleRate,
      startedAt: new Date(Math.round(winStart)),
      endedAt: new Date(Math.round(winEnd)),
      leadMs: Math.round(lead),
      requestedLeadMs: leadMs,
      complete: winStart <= reqStart + eps && winEnd >= reqEnd - eps,
      utteranceComplete: winStart <= s + eps && winEnd >= e - eps,
      gapMs: Math.round(Math.max(0, n - copied) / perMs),
    };
  }

  #timeOf(piece: Piece, index: number): number {
    return piece.atMs + ((index - piece.first) * 1000) / this.sampleRate;
  }

  #write(samples: Int16Array): void {
    const cap = this.capacity;
    // Only the last `cap` samples of an oversized frame can survive.
    const skip = Math.max(0, samples.length - cap);
    let src = samples.subarray(skip);
    let pos = (this.#written + skip) % cap;
    while (src.length > 0) {
      const n = Math.min(src.length, cap - pos);
      this.#buf.set(src.subarray(0, n), pos);
      src = src.subarray(n);
      pos = (pos + n) % cap;
    }
    this.#written += samples.length;
  }

  #read(from: number, count: number, out: Int16Array, offset: number): void {
    const cap = this.capacity;
    let pos = from % cap;
    let done = 0;
    while (done < count) {
      const n = Math.min(count - done, cap - pos);
      out.set(this.#buf.subarray(pos, pos + n), offset + done);
      done += n;
      pos = (pos + n) % cap;
    }
  }

  /** Forgets timeline pieces whose samples have all been overwritten, so the metadata stays bounded too. */
  #dropOverwritten(): void {
    const retainedStart = Math.max(0, this.#written - this.capacity);
    while (this.#pieces.length - this.#head > 1 && this.#pieces[this.#head + 1]!.first <= retainedStart) this.#head++;
    if (this.#head > 64 && this.#head * 2 > this.#pieces.length) {
      this.#pieces = this.#pieces.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** One ring per speaker identity. */
export class EvidenceRingBuffer {
  readonly #options: EvidenceRingOptions;
  readonly #rings = new Map<string, SpeakerAudioRing>();

  constructor(options: EvidenceRingOptions = {}) {
    resolveOptions(options); // bad options fail here, not at the first frame
    this.#options = { ...options };
  }

  push(speakerIdentity: string, samples: Int16Array, at?: number | Date): void {
    checkSpeaker(speakerIdentity);
    let ring = this.#rings.get(speakerIdentity);
    if (!ring) {
      // Check before allocating, so a bad first frame leaves no empty ring behind.
      if (!(samples instanceof Int16Array)) throw new TypeError('EvidenceRingBuffer.push: samples must be an Int16Array of 16-bit mono PCM');
      if (at !== undefined) toMs(at, 'at');
      ring = new SpeakerAudioRing(this.#options);
      this.#rings.set(speakerIdentity, ring);
    }
    ring.push(samples, at);
  }

  /** See SpeakerAudioRing.clip; null for a speaker never heard (or forgotten). */
  clip(speakerIdentity: string, startedAt: Date | number, endedAt: Date | number, leadMs = 3000): RingClip | null {
    checkSpeaker(speakerIdentity);
    const ring = this.#rings.get(speakerIdentity);
    if (!ring) {
      checkClipArgs(startedAt, endedAt, leadMs); // bad input fails the same way for a speaker never heard
      return null;
    }
    return ring.clip(startedAt, endedAt, leadMs);
  }

  /** Releases a speaker's ring (their track ended or they left the stage). */
  forget(speakerIdentity: string): boolean {
    checkSpeaker(speakerIdentity);
    return this.#rings.delete(speakerIdentity);
  }

  get speakers(): string[] {
    return [...this.#rings.keys()];
  }
}

/** A LiveKit-style frame (interleaved Int16, any rate and channel count) as 16 kHz mono Int16 for the ring. */
export function toInt16Mono(data: Int16Array, sampleRate: number, channels: number, toRate: number = STT_SAMPLE_RATE): Int16Array {
  if (!(data instanceof Int16Array)) throw new TypeError('toInt16Mono: data must be an Int16Array');
  if (!Number.isInteger(channels) || channels < 1) throw new TypeError(`toInt16Mono: channels must be a positive integer, got ${String(channels)}`);
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new TypeError(`toInt16Mono: sampleRate must be positive, got ${String(sampleRate)}`);
  if (channels === 1 && sampleRate === toRate) return data;
  return float32ToInt16(resampleLinear(downmixInterleaved(int16ToFloat32(data), channels), sampleRate, toRate));
}

function resolveOptions(options: EvidenceRingOptions): Required<EvidenceRingOptions> {
  if (!options || typeof options !== 'object') throw new TypeError('EvidenceRingBuffer: options must be an object');
  const seconds = options.seconds ?? 30;
  const sampleRate = options.sampleRate ?? STT_SAMPLE_RATE;
  const gapToleranceMs = options.gapToleranceMs ?? 100;
  if (typeof seconds !== 'number' || !(seconds > 0) || seconds > 600) throw new TypeError(`EvidenceRingBuffer: seconds must be in (0, 600], got ${String(seconds)}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192_000) throw new TypeError(`EvidenceRingBuffer: sampleRate must be an integer in [1000, 192000], got ${String(sampleRate)}`);
  if (typeof gapToleranceMs !== 'number' || !(gapToleranceMs >= 0) || !Number.isFinite(gapToleranceMs)) throw new TypeError(`EvidenceRingBuffer: gapToleranceMs must be a non-negative number, got ${String(gapToleranceMs)}`);
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('EvidenceRingBuffer: now must be a function');
  return { seconds, sampleRate, gapToleranceMs, now: options.now ?? Date.now };
}

function checkClipArgs(startedAt: Date | number, endedAt: Date | number, leadMs: number): { s: number; e: number } {
  const s = toMs(startedAt, 'startedAt');
  const e = toMs(endedAt, 'endedAt');
  if (e < s) throw new TypeError('EvidenceRingBuffer.clip: endedAt must not be before startedAt');
  if (typeof leadMs !== 'number' || !(leadMs >= 0) || !Number.isFinite(leadMs)) throw new TypeError(`EvidenceRingBuffer.clip: leadMs must be a non-negative number, got ${String(leadMs)}`);
  return { s, e };
}

function toMs(value: Date | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`EvidenceRingBuffer: ${name} must be a valid Date or a finite number of ms`);
  return ms;
}

function checkSpeaker(speakerIdentity: string): void {
  if (typeof speakerIdentity !== 'string' || speakerIdentity === '') throw new TypeError('EvidenceRingBuffer: speakerIdentity must be a non-empty string');
}
