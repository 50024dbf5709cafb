// The chunking logic alone, on scripted VAD windows (32 ms at 16 kHz, as the Silero plugin reports them): where it
// cuts, that no sample is lost or repeated between the pieces and the tail, and when nothing is left to decode.
import test from 'ava';
import { DEFAULT_CHUNKING, UtteranceChunker, type ChunkingOptions } from '../../agents/utterance-chunker.js';

const RATE = 16_000;
const WINDOW = 512; // 32 ms

/** A window whose samples count up from `start`, so where a piece begins and ends is visible in its values. */
function windowAt(start: number): Int16Array {
  return Int16Array.from({ length: WINDOW }, (_, i) => (start + i) % 32768);
}

interface Script {
  /** Probabilities of the windows after START_OF_SPEECH. */
  probabilities: number[];
  startSamples?: number;
}

/** Plays a script through a chunker; returns the pieces cut, the end, and the whole utterance the VAD would report. */
function play(script: Script, options: ChunkingOptions = DEFAULT_CHUNKING) {
  const chunker = new UtteranceChunker(options, RATE);
  const startSamples = script.startSamples ?? 4800 + 1600; // 300 ms prefix padding + 100 ms of speech
  const utterance: number[] = [];
  const head = Int16Array.from({ length: startSamples }, (_, i) => i % 32768);
  utterance.push(...head);
  chunker.start(head);
  const pieces: { at: number; samples: Int16Array; overlapsPrevious: boolean }[] = [];
  script.probabilities.forEach((p, i) => {
    const w = windowAt(utterance.length);
    utterance.push(...w);
    const piece = chunker.window(w, p);
    if (piece) pieces.push({ at: i, samples: piece.samples, overlapsPrevious: piece.overlapsPrevious });
  });
  const whole = Int16Array.from(utterance);
  const end = chunker.end(whole);
  return { pieces, end, whole };
}

const windows = (ms: number, p: number): number[] => Array.from({ length: Math.round(ms / 32) }, () => p);

function joined(pieces: Int16Array[], tail: Int16Array | undefined): Int16Array {
  const parts = [...pieces, ...(tail ? [tail] : [])];
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

test('a short pause after enough speech cuts a piece in the middle of the pause; the tail is the rest', (t) => {
  const { pieces, end, whole } = play({ probabilities: [...windows(2000, 0.9), ...windows(224, 0.05), ...windows(1500, 0.9), ...windows(96, 0.1)] });
  t.is(pieces.length, 1);
  const pauseStart = 6400 + Math.round(2000 / 32) * WINDOW;
  const pauseWindows = Math.ceil(200 / 32); // the cut comes at the first window that completes 200 ms of pause
  t.is(pieces[0]!.samples.length, pauseStart + Math.floor((pauseWindows * WINDOW) / 2), 'cut in the middle of the pause so far');
  t.is(end.chunks, 1);
  t.truthy(end.tail);
  t.deepEqual(joined(pieces.map((p) => p.samples), end.tail), whole, 'pieces and tail are the utterance, no sample lost or repeated');
});

test('a pause before minChunkMs of audio does not cut: the utterance is decoded whole', (t) => {
  const { pieces, end, whole } = play({ probabilities: [...windows(800, 0.9), ...windows(300, 0.05), ...windows(800, 0.9)] });
  t.is(pieces.length, 0);
  t.is(end.chunks, 0);
  t.deepEqual(end.tail, whole);
});

test('a cut in what becomes the closing silence leaves nothing to decode at the end', (t) => {
  // Speech, then silence until the VAD ends the utterance (600 ms): the cut at 200 ms holds every word.
  const { pieces, end, whole } = play({ probabilities: [...windows(2500, 0.9), ...windows(608, 0.02)] });
  t.is(pieces.length, 1);
  t.is(end.tail, undefined);
  t.is(end.chunks, 1);
  t.true(pieces[0]!.samples.length < whole.length);
});

test('one cut per pause, however long the pause', (t) => {
  const { pieces } = play({ probabilities: [...windows(2000, 0.9), ...windows(560, 0.05), ...windows(2000, 0.9), ...windows(256, 0.05), ...windows(500, 0.9)] });
  t.is(pieces.length, 2);
});

test('windows between the pause and speech thresholds neither cut nor count as speech after a cut', (t) => {
  // 0.4: not pause (>= 0.35), not speech (< 0.5). After the cut, only such windows follow: nothing left to decode.
  const { pieces, end } = play({ probabilities: [...windows(2000, 0.9), ...windows(224, 0.05), ...windows(320, 0.4), ...windows(608, 0.05)] });
  t.is(pieces.length, 1);
  t.is(end.tail, undefined);
});

test('past anyPauseAfterMs a single quiet window is pause enough: the cut is in its middle', (t) => {
  const probabilities = [...windows(3500, 0.9), 0.2, ...windows(1000, 0.9)];
  const { pieces, end, whole } = play({ probabilities, startSamples: 0 });
  t.is(pieces.length, 1);
  t.is(pieces[0]!.samples.length, Math.round(3500 / 32) * WINDOW + WINDOW / 2);
  t.deepEqual(joined(pieces.map((p) => p.samples), end.tail), whole);
});

test('speech without any pause is cut at maxChunkMs, at the quietest window of the last second', (t) => {
  const probabilities = windows(7000, 0.95);
  probabilities[Math.round(5500 / 32)] = 0.6; // a dip, not a pause
  const options = { ...DEFAULT_CHUNKING, maxChunkMs: 6000, overlapMs: 0 };
  const { pieces, end, whole } = play({ probabilities, startSamples: 0 }, options);
  t.true(pieces.length >= 1);
  t.is(pieces[0]!.samples.length, (Math.round(5500 / 32) + 1) * WINDOW, 'cut right after the dip');
  t.truthy(end.tail, 'speech after the forced cut is decoded at the end');
  t.deepEqual(joined(pieces.map((p) => p.samples), end.tail), whole);
});

test('windows before START_OF_SPEECH are ignored, and each utterance starts afresh', (t) => {
  const chunker = new UtteranceChunker(DEFAULT_CHUNKING, RATE);
  t.false(chunker.active);
  t.is(chunker.window(windowAt(0), 0.9), undefined);
  chunker.start(new Int16Array(1600));
  for (const p of [...windows(2000, 0.9), ...windows(224, 0.05)]) chunker.window(windowAt(0), p);
  t.is(chunker.end(new Int16Array(10)).chunks, 1);
  chunker.start(new Int16Array(1600));
  const second = chunker.end(new Int16Array(1600));
  t.is(second.chunks, 0);
  t.is(second.tail?.length, 1600);
});

test('the VAD stopped buffering (its 60 s cap) before the cut: no tail beyond what it kept', (t) => {
  const chunker = new UtteranceChunker(DEFAULT_CHUNKING, RATE);
  chunker.start(new Int16Array(1600));
  for (const p of [...windows(2000, 0.9), ...windows(224, 0.05), ...windows(500, 0.9)]) chunker.window(windowAt(0), p);
  t.is(chunker.end(new Int16Array(1000)).tail, undefined);
});

test('bad options are refused, naming the field', (t) => {
  t.throws(() => new UtteranceChunker({ ...DEFAULT_CHUNKING, pauseMs: 0 }, RATE), { instanceOf: TypeError, message: /pauseMs/ });
  t.throws(() => new UtteranceChunker({ ...DEFAULT_CHUNKING, anyPauseAfterMs: Number.NaN }, RATE), { instanceOf: TypeError, message: /anyPauseAfterMs/ });
  t.throws(() => new UtteranceChunker({ ...DEFAULT_CHUNKING, maxChunkMs: 1000, minChunkMs: 2000 }, RATE), { instanceOf: TypeError, message: /maxChunkMs/ });
  t.throws(() => new UtteranceChunker({ ...DEFAULT_CHUNKING, pauseProbability: 0.8 }, RATE), { instanceOf: TypeError, message: /pauseProbability/ });
  t.throws(() => new UtteranceChunker({ ...DEFAULT_CHUNKING, speechProbability: 1 }, RATE), { instanceOf: TypeError, message: /speechProbability/ });
  t.throws(() => new UtteranceChunker(DEFAULT_CHUNKING, 0), { instanceOf: TypeError, message: /sampleRate/ });
});

test('a forced cut with overlap: the next piece starts overlapMs before the cut, and says so', (t) => {
  const options = { ...DEFAULT_CHUNKING, maxChunkMs: 5000, overlapMs: 800 };
  const probabilities = windows(8000, 0.95); // flite-like: no quiet window at all
  const dip = Math.round(4500 / 32);
  probabilities[dip] = 0.6; // the quietest window of the last second: the cut comes right after it
  const { pieces, end, whole } = play({ probabilities, startSamples: 0 }, options);
  t.is(pieces.length, 1);
  const first = pieces[0]!;
  t.false(first.overlapsPrevious, 'the first piece overlaps nothing');
  const cutAt = first.samples.length;
  t.is(cutAt, (dip + 1) * WINDOW, 'forced cut right after the dip');
  t.deepEqual(first.samples, whole.subarray(0, cutAt));
  t.truthy(end.tail);
  t.true(end.tailOverlapsPrevious, 'the tail repeats the end of the piece');
  const back = 800 * 16;
  t.is(end.tail!.length, whole.length - (cutAt - back), 'the tail starts 800 ms before the cut');
  t.deepEqual(end.tail, whole.subarray(cutAt - back), 'and runs to the end of the utterance');
});

test('with overlap, every piece after a forced cut overlaps the one before; pause cuts add none', (t) => {
  const options = { ...DEFAULT_CHUNKING, maxChunkMs: 4000, overlapMs: 1000 };
  // 9 s without a quiet window (two forced cuts), a pause (a pause cut), then more speech.
  const probabilities = [...windows(9000, 0.95), ...windows(224, 0.05), ...windows(2000, 0.9)];
  const { pieces, end, whole } = play({ probabilities, startSamples: 0 }, options);
  t.true(pieces.length >= 3, `${pieces.length} pieces`);
  t.deepEqual(pieces.map((p) => p.overlapsPrevious), pieces.map((_, i) => i > 0), 'all but the first start before the previous cut');
  t.false(end.tailOverlapsPrevious, 'the last cut was in a pause');
  // Each overlapping piece begins 1 s of audio before the previous one ended.
  let covered = 0;
  for (const p of pieces) {
    const startAt = p.overlapsPrevious ? covered - 16_000 : covered;
    t.deepEqual(p.samples, whole.subarray(startAt, startAt + p.samples.length));
    covered = startAt + p.samples.length;
  }
  t.deepEqual(end.tail, whole.subarray(covered));
});

test('speech that ends in the overlap leaves nothing new to decode after a forced cut', (t) => {
  const options = { ...DEFAULT_CHUNKING, maxChunkMs: 5000, overlapMs: 800 };
  // The forced cut lands on the last speech window; only closing silence follows.
  const { pieces, end } = play({ probabilities: [...windows(5024, 0.95), ...windows(96, 0.45), ...windows(608, 0.02)], startSamples: 0 }, options);
  t.is(pieces.length, 2, 'the forced cut, then a cut in the closing silence');
  t.is(end.tail, undefined);
});

test('no overlap (overlapMs 0): pieces meet at the forced cut, none overlaps', (t) => {
  const { pieces, end, whole } = play({ probabilities: windows(8000, 0.95), startSamples: 0 }, { ...DEFAULT_CHUNKING, maxChunkMs: 5000, overlapMs: 0 });
  t.false(pieces[0]!.overlapsPrevious);
  t.false(end.tailOverlapsPrevious);
  t.deepEqual(joined(pieces.map((p) => p.samples), end.tail), whole);
});

test('bad overlap is refused, naming the field', (t) => {
  t.throws(() => new UtteranceChunker({ ...DEFAULT_CHUNKING, overlapMs: -1 }, RATE), { instanceOf: TypeError, message: /overlapMs/ });
  t.throws(() => new UtteranceChunker({ ...DEFAULT_CHUNKING, overlapMs: DEFAULT_CHUNKING.minChunkMs }, RATE), { instanceOf: TypeError, message: /overlapMs/ });
});
