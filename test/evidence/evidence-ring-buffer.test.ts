import test from 'ava';
import { EvidenceRingBuffer, SpeakerAudioRing, toInt16Mono } from '../../agents/evidence-ring-buffer.js';

const RATE = 16_000;
const T0 = Date.parse('2026-11-01T10:00:00Z');

/** A frame whose every sample is its absolute index (mod 32768), so positions in a clip are checkable. */
function frame(firstIndex: number, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = (firstIndex + i) % 32768;
  return out;
}

/** Pushes `seconds` of 20 ms frames without timestamps (continuous timeline from the clock). */
function feed(ring: { push(s: Int16Array): void }, startIndex: number, seconds: number): number {
  const per = RATE / 50;
  let index = startIndex;
  for (let i = 0; i < seconds * 50; i++, index += per) ring.push(frame(index, per));
  return index;
}

test('a clip is the utterance plus the requested lead, sample-exact, on the timeline that started at now()', (t) => {
  const ring = new SpeakerAudioRing({ seconds: 30, now: () => T0 });
  feed(ring, 0, 10);
  const clip = ring.clip(new Date(T0 + 5000), new Date(T0 + 7000), 3000)!;
  t.is(clip.samples.length, 5 * RATE);
  t.is(clip.samples[0], (2 * RATE) % 32768, 'starts at 2 s (5 s minus 3 s of lead)');
  t.is(clip.samples.at(-1), (7 * RATE - 1) % 32768);
  t.is(clip.leadMs, 3000);
  t.is(clip.requestedLeadMs, 3000);
  t.true(clip.complete);
  t.true(clip.utteranceComplete);
  t.is(clip.gapMs, 0);
  t.deepEqual(clip.startedAt, new Date(T0 + 2000));
  t.deepEqual(clip.endedAt, new Date(T0 + 7000));

  // An utterance ending after the newest audio gets what there is.
  const tail = ring.clip(T0 + 9000, T0 + 12_000, 0)!;
  t.is(tail.samples.length, RATE);
  t.false(tail.utteranceComplete);
  // Entirely outside the buffer: nothing.
  t.is(ring.clip(T0 + 20_000, T0 + 21_000), null);
  t.is(ring.clip(T0 - 9000, T0 - 5000, 1000), null);
});

test('wrap-around: the ring keeps only the last N seconds and reads across the seam', (t) => {
  const ring = new SpeakerAudioRing({ seconds: 4, now: () => T0 });
  t.is(ring.capacity, 4 * RATE);
  feed(ring, 0, 10.5); // 10.5 s into a 4 s ring: the seam is at 10.5 s mod 4 s
  t.is(ring.retainedMs, 4000);
  const clip = ring.clip(T0 + 8000, T0 + 10_000, 1500)!; // 6.5 s .. 10 s crosses the seam at 8.0 s (2 rotations)
  t.is(clip.samples.length, 3.5 * RATE);
  for (let i = 0; i < clip.samples.length; i++) {
    if (clip.samples[i] !== (6.5 * RATE + i) % 32768) return t.fail(`sample ${i} is ${clip.samples[i]}`);
  }
  t.true(clip.complete);

  // An oversized frame keeps only its last `capacity` samples.
  const big = new SpeakerAudioRing({ seconds: 1, now: () => T0 });
  big.push(frame(0, 2.5 * RATE));
  const all = big.clip(T0, T0 + 2500, 0)!;
  t.is(all.samples.length, RATE);
  t.is(all.samples[0], 1.5 * RATE);
  t.false(all.utteranceComplete);
});

test('a request older than the buffer returns what is left and says how much lead it really has', (t) => {
  const ring = new SpeakerAudioRing({ seconds: 5, now: () => T0 });
  feed(ring, 0, 12); // holds 7 s .. 12 s
  const shortLead = ring.clip(T0 + 8000, T0 + 9000, 3000)!;
  t.is(shortLead.leadMs, 1000);
  t.is(shortLead.requestedLeadMs, 3000);
  t.false(shortLead.complete);
  t.true(shortLead.utteranceComplete);
  t.is(shortLead.samples.length, 2 * RATE);
  t.is(shortLead.samples[0], (7 * RATE) % 32768);
  t.deepEqual(shortLead.startedAt, new Date(T0 + 7000));

  const partUtterance = ring.clip(T0 + 6000, T0 + 8000, 3000)!;
  t.is(partUtterance.leadMs, 0);
  t.false(partUtterance.utteranceComplete);
  t.is(partUtterance.samples.length, RATE);
});

test('timestamped frames: jitter continues the timeline, a real gap becomes silence of its true length', (t) => {
  const ring = new SpeakerAudioRing({ seconds: 30, now: () => 0 });
  const per = RATE / 50;
  let index = 0;
  // 2 s of frames stamped with ±15 ms of arrival jitter.
  for (let i = 0; i < 100; i++, index += per) ring.push(frame(index, per), T0 + i * 20 + (i % 2 ? 15 : -15));
  // The mic was muted for 1.5 s, then 1 s more.
  for (let i = 0; i < 50; i++, index += per) ring.push(frame(index, per), T0 + 3500 + i * 20);
  const clip = ring.clip(T0 + 1000, T0 + 4500, 0)!;
  t.is(clip.samples.length, 3.5 * RATE, 'the clip keeps its wall-clock length');
  // The first frame (stamped 15 ms early) anchored the timeline: the 2 s piece spans T0-15 ms .. T0+1985 ms.
  t.is(clip.gapMs, 1515);
  t.is(clip.samples[0], RATE + 15 * 16);
  t.is(clip.samples[Math.round(1.2 * RATE)], 0, 'silence in the gap');
  t.is(clip.samples[2.5 * RATE], 2 * RATE, 'audio after the gap starts where it was pushed');
  t.true(clip.complete);
});

test('per speaker: separate rings, forget, and TypeErrors on bad arguments', (t) => {
  let now = T0;
  const rings = new EvidenceRingBuffer({ seconds: 2, now: () => now });
  rings.push('alice', frame(0, RATE));
  now = T0 + 500;
  rings.push('bob', frame(100, RATE));
  t.deepEqual(rings.speakers.sort(), ['alice', 'bob']);
  t.is(rings.clip('alice', T0, T0 + 1000, 0)!.samples[0], 0);
  t.is(rings.clip('bob', T0, T0 + 1000, 0)!.samples[0], 100, 'bob started half a second later');
  t.is(rings.clip('carol', T0, T0 + 1000), null);
  t.true(rings.forget('alice'));
  t.is(rings.clip('alice', T0, T0 + 1000), null);

  t.throws(() => new EvidenceRingBuffer({ seconds: 0 }), { instanceOf: TypeError, message: /seconds/ });
  t.throws(() => new EvidenceRingBuffer({ sampleRate: 44.1 }), { instanceOf: TypeError, message: /sampleRate/ });
  t.throws(() => new EvidenceRingBuffer({ gapToleranceMs: -1 }), { instanceOf: TypeError, message: /gapToleranceMs/ });
  t.throws(() => rings.push('', frame(0, 10)), { instanceOf: TypeError, message: /speakerIdentity/ });
  t.throws(() => rings.push('bob', new Float32Array(10) as never), { instanceOf: TypeError, message: /Int16Array/ });
  t.throws(() => rings.push('dave', [1, 2] as never), { instanceOf: TypeError, message: /Int16Array/ });
  t.throws(() => rings.push('bob', frame(0, 10), new Date('nope')), { instanceOf: TypeError, message: /at/ });
  t.throws(() => rings.push('erin', frame(0, 10), Number.NaN), { instanceOf: TypeError, message: /at/ });
  t.false(rings.speakers.includes('erin'), 'a refused first frame allocates nothing');
  t.throws(() => rings.clip('bob', T0 + 10, T0), { instanceOf: TypeError, message: /endedAt/ });
  t.throws(() => rings.clip('carol', T0 + 10, T0), { instanceOf: TypeError, message: /endedAt/ });
  t.throws(() => rings.clip('bob', T0, T0 + 1, -5), { instanceOf: TypeError, message: /leadMs/ });
  t.throws(() => rings.clip('bob', Number.NaN, T0), { instanceOf: TypeError, message: /startedAt/ });
});

test('frames at 48 kHz stereo become 16 kHz mono', (t) => {
  const stereo48k = new Int16Array(480 * 2).fill(1000);
  const mono = toInt16Mono(stereo48k, 48_000, 2);
  t.is(mono.length, 160);
  t.true(mono.every((v) => Math.abs(v - 1000) <= 1));
  const same = new Int16Array(160);
  t.is(toInt16Mono(same, 16_000, 1), same);
  t.throws(() => toInt16Mono(same, 16_000, 0), { instanceOf: TypeError });
});
