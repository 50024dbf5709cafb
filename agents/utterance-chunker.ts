// Cuts one utterance into pieces the recognizer can transcribe while the speaker is still talking, so that when the
// VAD ends the utterance only the tail after the last cut is left to decode (issue 7: end of utterance -> flag).
//
// It follows the Silero VAD stream of @livekit/agents 1.9: START_OF_SPEECH carries the plugin's speech buffer so far
// (prefix padding + first windows), every later INFERENCE_DONE while speaking carries one more window, and
// END_OF_SPEECH carries the whole buffer — which therefore begins with what this chunker rebuilt. A cut is made in
// the middle of a short pause (a run of low-probability windows; past `anyPauseAfterMs` the shortest dip will do),
// never inside a word unless the speaker talks for `maxChunkMs` without one (then the next piece starts `overlapMs`
// before that cut and the texts are merged on their shared words), and only once `minChunkMs` of audio has
// gathered (short pieces give the model too little context). A cut made in the pause that turns out to be the
// utterance's closing silence leaves no tail at all: the whole text is decoded during the closing silence.
export interface ChunkingOptions {
  /** Audio since the last cut before a pause may cut again (ms). */
  minChunkMs: number;
  /** Low-probability run inside speech that counts as a pause to cut in (ms). */
  pauseMs: number;
  /** Past this much audio since the last cut, any low-probability window (a comma's breath) is a pause (ms). */
  anyPauseAfterMs: number;
  /** Speech this long without a pause is cut at its quietest window of the last second (ms). */
  maxChunkMs: number;
  /**
   * After such a forced cut (likely inside a word), the next piece starts this much before the cut, and the two texts
   * are merged on the words they share (agents/transcript-merge.ts); 0: pieces meet at the cut (ms).
   */
  overlapMs: number;
  /** A window below this speech probability is pause. */
  pauseProbability: number;
  /** A window at or above this probability is speech (the VAD's activation threshold). */
  speechProbability: number;
}

/**
 * Chosen with bench/stt-chunking.ts (bench/results/stt-chunking-2026-12-07.json): on the speech eval set WER 3.31 %
 * against 5.96 % for whole utterances (flite sentences 1.59 % against 3.17 %); pieces of at least 3 s had the same
 * words but left 17 times the tail to decode. No forced cut before 10 s and no overlap: a forced cut after 5 s with a
 * 1 s overlap kept the speech set's 3.31 % but cost flite two words (4.76 %, a word misheard inside the cut piece),
 * and in the real stack it did not beat this default at 8.5 s (p95 0.80 s against 0.33 s, same load;
 * bench/results/stt-chunking-2026-12-07-overlap.json, moderation-latency-2026-12-07-overlap*.json).
 */
export const DEFAULT_CHUNKING: ChunkingOptions = { minChunkMs: 1500, pauseMs: 200, anyPauseAfterMs: 3000, maxChunkMs: 10_000, overlapMs: 0, pauseProbability: 0.35, speechProbability: 0.5 };

export function validateChunking(o: ChunkingOptions): ChunkingOptions {
  for (const k of ['minChunkMs', 'pauseMs', 'anyPauseAfterMs', 'maxChunkMs'] as const) {
    if (!Number.isFinite(o?.[k]) || o[k] <= 0) throw new TypeError(`chunking: ${k} must be a positive number of milliseconds`);
  }
  if (o.maxChunkMs < o.minChunkMs) throw new TypeError('chunking: maxChunkMs must be at least minChunkMs');
  if (!Number.isFinite(o.overlapMs) || o.overlapMs < 0) throw new TypeError('chunking: overlapMs must be a non-negative number of milliseconds');
  if (o.overlapMs >= o.minChunkMs) throw new TypeError('chunking: overlapMs must be less than minChunkMs');
  for (const k of ['pauseProbability', 'speechProbability'] as const) {
    if (!(o[k] > 0 && o[k] < 1)) throw new TypeError(`chunking: ${k} must be between 0 and 1`);
  }
  if (o.pauseProbability > o.speechProbability) throw new TypeError('chunking: pauseProbability must not exceed speechProbability');
  return o;
}

/** What is left to decode when the utterance ends. */
export interface UtteranceEnd {
  /** Audio after the last cut, or undefined when only pause follows it (nothing left to decode). */
  tail: Int16Array | undefined;
  /** Pieces cut while the speaker talked. */
  chunks: number;
  /** The tail starts before the last cut (a forced cut with overlap): merge its text with the last piece's. */
  tailOverlapsPrevious: boolean;
}

/** A piece cut while the speaker talks. */
export interface ChunkPiece {
  samples: Int16Array;
  /** It starts `overlapMs` before the previous piece's end (a forced cut): merge its text with the previous one's. */
  overlapsPrevious: boolean;
}

const RECENT_MS = 1000;

export class UtteranceChunker {
  readonly #o: ChunkingOptions;
  readonly #rate: number;
  #buf = new Int16Array(0);
  #len = 0;
  #active = false;
  /** Start of the audio not yet cut off. */
  #cursor = 0;
  #chunks = 0;
  #quietSamples = 0;
  #cutInThisPause = false;
  #speechSinceCut = false;
  /** The last cut was forced and the audio after the cursor repeats the end of the last piece. */
  #overlapping = false;
  /** The last second of windows: where each ends and its probability (for a cut without a pause). */
  #recent: { end: number; p: number }[] = [];

  constructor(options: ChunkingOptions, sampleRate: number) {
    this.#o = validateChunking(options);
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new TypeError('UtteranceChunker: sampleRate must be a positive integer');
    this.#rate = sampleRate;
  }

  get active(): boolean {
    return this.#active;
  }

  /** START_OF_SPEECH: the VAD's speech buffer so far. */
  start(buffered: Int16Array): void {
    this.#len = 0;
    this.#append(buffered);
    this.#active = true;
    this.#cursor = 0;
    this.#chunks = 0;
    this.#quietSamples = 0;
    this.#cutInThisPause = false;
    this.#speechSinceCut = true;
    this.#overlapping = false;
    this.#recent = [];
  }

  /** One more window while speaking; returns a piece to transcribe now, or undefined. */
  window(samples: Int16Array, probability: number): ChunkPiece | undefined {
    if (!this.#active) return undefined;
    this.#append(samples);
    this.#recent.push({ end: this.#len, p: probability });
    while (this.#recent.length > 1 && this.#samplesToMs(this.#len - this.#recent[0]!.end) > RECENT_MS) this.#recent.shift();
    if (probability >= this.#o.speechProbability) this.#speechSinceCut = true;
    if (probability < this.#o.pauseProbability) {
      this.#quietSamples += samples.length;
    } else {
      this.#quietSamples = 0;
      this.#cutInThisPause = false;
    }
    const pendingMs = this.#samplesToMs(this.#len - this.#cursor);
    const pauseMs = pendingMs >= this.#o.anyPauseAfterMs ? 0 : this.#o.pauseMs;
    if (this.#quietSamples > 0 && !this.#cutInThisPause && this.#samplesToMs(this.#quietSamples) >= pauseMs && pendingMs >= this.#o.minChunkMs) {
      this.#cutInThisPause = true;
      return this.#cut(this.#len - Math.floor(this.#quietSamples / 2), false);
    }
    if (pendingMs >= this.#o.maxChunkMs) {
      // No pause for too long: cut after the quietest recent window rather than let the tail grow without bound.
      let best: { end: number; p: number } = { end: this.#len, p: Infinity };
      for (const w of this.#recent) if (w.end > this.#cursor && w.p < best.p) best = w;
      return this.#cut(best.end, true);
    }
    return undefined;
  }

  /** END_OF_SPEECH: the VAD's whole utterance buffer. */
  end(utterance: Int16Array): UtteranceEnd {
    const chunks = this.#chunks;
    const cursor = this.#cursor;
    const speech = this.#speechSinceCut;
    const overlapping = this.#overlapping;
    this.#active = false;
    this.#len = 0;
    this.#recent = [];
    if (chunks === 0) return { tail: utterance, chunks, tailOverlapsPrevious: false };
    // The plugin stops buffering at its maximum (60 s): past it, nothing after the cursor exists.
    if (!speech || cursor >= utterance.length) return { tail: undefined, chunks, tailOverlapsPrevious: false };
    return { tail: utterance.subarray(cursor), chunks, tailOverlapsPrevious: overlapping };
  }

  #cut(at: number, forced: boolean): ChunkPiece {
    const piece: ChunkPiece = { samples: this.#buf.slice(this.#cursor, at), overlapsPrevious: this.#overlapping };
    // A forced cut may slice a word: the next piece starts overlapMs earlier so that word is whole in one of them.
    const back = forced ? Math.min(Math.round((this.#o.overlapMs / 1000) * this.#rate), at - this.#cursor) : 0;
    this.#cursor = at - back;
    this.#overlapping = back > 0;
    this.#chunks += 1;
    // After a cut in a pause, the audio up to now is pause; after a forced cut it may hold speech (what is only in
    // the overlap was decoded with the piece, so it does not count).
    this.#speechSinceCut = forced ? this.#recent.some((w) => w.end > at && w.p >= this.#o.speechProbability) : false;
    return piece;
  }

  #append(samples: Int16Array): void {
    if (this.#len + samples.length > this.#buf.length) {
      const grown = new Int16Array(Math.max(this.#buf.length * 2, this.#len + samples.length, this.#rate * 4));
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    this.#buf.set(samples, this.#len);
    this.#len += samples.length;
  }

  #samplesToMs(n: number): number {
    return (n / this.#rate) * 1000;
  }
}
