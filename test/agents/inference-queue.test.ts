// The shared inference process's backpressure and its wire format: calls beyond the concurrency wait their turn,
// one past the waiting bound is refused at once (retryable), and audio survives the trip through JSON bit for bit.
import test from 'ava';
import { BoundedQueue, QueueFullError } from '../../agents/inference/bounded-queue.js';
import { decodePcm, encodePcm } from '../../agents/inference/protocol.js';

test('at most `concurrency` run; waiting ones run in order; past maxWaiting a call is refused, retryable', async (t) => {
  const q = new BoundedQueue({ concurrency: 1, maxWaiting: 2 });
  const order: number[] = [];
  let release!: () => void;
  const first = q.run(() => new Promise<void>((r) => (release = () => (order.push(1), r()))));
  const second = q.run(async () => void order.push(2));
  const third = q.run(async () => void order.push(3));
  t.is(q.running, 1);
  t.is(q.waiting, 2);
  const refused = await t.throwsAsync(q.run(async () => undefined), { instanceOf: QueueFullError });
  t.true(refused!.retryable);
  release();
  await Promise.all([first, second, third]);
  t.deepEqual(order, [1, 2, 3]);
  t.is(q.running, 0);
});

test('a failing task frees its place', async (t) => {
  const q = new BoundedQueue({ concurrency: 1, maxWaiting: 0 });
  await t.throwsAsync(q.run(async () => Promise.reject(new Error('model failed'))), { message: 'model failed' });
  t.is(await q.run(async () => 42), 42);
});

test('bad options are TypeErrors', (t) => {
  t.throws(() => new BoundedQueue({ concurrency: 0, maxWaiting: 1 }), { instanceOf: TypeError, message: /concurrency/ });
  t.throws(() => new BoundedQueue({ concurrency: 1, maxWaiting: -1 }), { instanceOf: TypeError, message: /maxWaiting/ });
});

test('PCM goes over the JSON channel as base64 and comes back identical, from any offset', (t) => {
  const backing = new Float32Array([9, 0.5, -0.25, 1e-7, -1, 0.999]);
  const view = backing.subarray(1); // not at offset 0 of its buffer
  const wire = JSON.parse(JSON.stringify({ pcm: encodePcm(view) })).pcm as string;
  t.deepEqual([...decodePcm(wire)], [...view]);
});
