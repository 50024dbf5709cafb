// The shared inference process's batcher, on a scripted double of the model run: which segments share a batch, in
// what order batches run, backpressure, and failures. (The real model's batched text: stt-batcher-model.test.ts.)
import test from 'ava';
import { QueueFullError } from '../../agents/inference/bounded-queue.js';
import { SttBatcher, type SttBatcherOptions } from '../../agents/inference/stt-batcher.js';

/** A model double: records every batch (item sizes) and answers when the test releases it. */
function scriptedModel() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  let failNext: Error | undefined;
  const runBatch = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      const fail = failNext;
      failNext = undefined;
      releases.push(() => (fail ? reject(fail) : resolve(items.map((n) => `text-${n}`))));
    });
  return {
    batches,
    runBatch,
    release: () => releases.shift()!(),
    failNextWith: (e: Error) => (failNext = e),
    /** Resolves once `n` batches have started (no fixed sleeps). */
    started: async (n: number) => {
      while (batches.length < n) await new Promise((r) => setImmediate(r));
    },
  };
}

function batcher(model: ReturnType<typeof scriptedModel>, over: Partial<SttBatcherOptions<number, string>> = {}) {
  return new SttBatcher<number, string>({ runBatch: model.runBatch, sizeOf: (n) => n, maxBatch: 4, maxWaitMs: 1, maxLengthRatio: 1.5, maxWaiting: 100, ...over });
}

test('segments arriving together share one run, and each caller gets its own result', async (t) => {
  const model = scriptedModel();
  const b = batcher(model, { maxWaitMs: 60_000 }); // only a full batch can start it
  const answers = [100, 110, 120, 130].map((n) => b.submit(n));
  await model.started(1);
  model.release();
  t.deepEqual(await Promise.all(answers), ['text-100', 'text-110', 'text-120', 'text-130']);
  t.deepEqual(model.batches, [[100, 110, 120, 130]]);
});

test('an idle batcher runs a lone segment after the gathering wait', async (t) => {
  const model = scriptedModel();
  const b = batcher(model, { maxWaitMs: 5 });
  const answer = b.submit(100);
  await model.started(1);
  model.release();
  t.is(await answer, 'text-100');
  t.deepEqual(b.batchSizes, [1]);
});

test('segments of very different lengths are not padded together; the oldest always leads the next batch', async (t) => {
  const model = scriptedModel();
  const b = batcher(model);
  const first = b.submit(1000);
  await model.started(1); // [1000] runs; the rest queue behind it
  const rest = [100, 1200, 140, 1400, 1000, 120, 130].map((n) => b.submit(n));
  t.is(b.waiting, 7);
  model.release();
  await model.started(2);
  // Led by 100 (oldest): 140, 120, 130 are within 1.5x of it; 1200, 1400, 1000 are not.
  t.deepEqual(model.batches[1], [100, 140, 120, 130]);
  model.release();
  await model.started(3);
  t.deepEqual(model.batches[2], [1200, 1400, 1000]);
  model.release();
  await Promise.all([first, ...rest]);
  t.deepEqual(b.batchSizes, [1, 4, 3]);
});

test('a batch holds at most maxBatch segments', async (t) => {
  const model = scriptedModel();
  const b = batcher(model, { maxBatch: 2 });
  const answers = [10, 10, 10, 10, 10].map((n) => b.submit(n));
  for (let i = 1; i <= 3; i++) {
    await model.started(i);
    model.release();
  }
  await Promise.all(answers);
  t.deepEqual(b.batchSizes, [2, 2, 1]);
});

test('past maxWaiting a segment is refused at once, retryable; the waiting ones still run', async (t) => {
  const model = scriptedModel();
  const b = batcher(model, { maxWaiting: 2, maxWaitMs: 0 });
  const running = b.submit(10);
  await model.started(1);
  const waiting = [b.submit(10), b.submit(10)];
  t.is(b.waiting, 2);
  const refused = await t.throwsAsync(b.submit(10), { instanceOf: QueueFullError });
  t.true(refused!.retryable);
  model.release();
  await model.started(2);
  model.release();
  t.deepEqual(await Promise.all([running, ...waiting]), ['text-10', 'text-10', 'text-10']);
  t.deepEqual(b.batchSizes, [1, 2]);
});

test('a failed run rejects exactly its own segments; the next batch still runs', async (t) => {
  const model = scriptedModel();
  const b = batcher(model);
  model.failNextWith(new Error('onnxruntime failed'));
  const failing = [100, 110].map((n) => b.submit(n));
  await model.started(1);
  const later = b.submit(2000);
  model.release();
  for (const f of failing) await t.throwsAsync(f, { message: 'onnxruntime failed' });
  await model.started(2);
  model.release();
  t.is(await later, 'text-2000');
  t.deepEqual(model.batches, [[100, 110], [2000]]);
});

test('a run that answers the wrong number of results fails its batch instead of misrouting text', async (t) => {
  const b = new SttBatcher<number, string>({
    runBatch: async (items) => items.slice(1).map(String),
    sizeOf: (n) => n,
    maxBatch: 4,
    maxWaitMs: 0,
    maxLengthRatio: 2,
    maxWaiting: 10,
  });
  await t.throwsAsync(b.submit(5), { message: /returned 0 results for 1 items/ });
});

test('bad options are TypeErrors naming the option', (t) => {
  const model = scriptedModel();
  t.throws(() => batcher(model, { maxBatch: 0 }), { instanceOf: TypeError, message: /maxBatch/ });
  t.throws(() => batcher(model, { maxWaitMs: -1 }), { instanceOf: TypeError, message: /maxWaitMs/ });
  t.throws(() => batcher(model, { maxLengthRatio: 0.5 }), { instanceOf: TypeError, message: /maxLengthRatio/ });
  t.throws(() => batcher(model, { maxWaiting: -1 }), { instanceOf: TypeError, message: /maxWaiting/ });
});
