// Login throttling per (ip, e-mail) with an injected clock.
import test from 'ava';
import { LoginRateLimiter } from '../../engine/identity/index.js';

function limiter(maxAttempts = 3, windowSeconds = 60, maxKeys?: number) {
  const clock = { ms: 1_700_000_000_000 };
  const l = new LoginRateLimiter({ maxAttempts, windowSeconds, now: () => clock.ms, ...(maxKeys === undefined ? {} : { maxKeys }) });
  return { l, clock };
}

test('allows maxAttempts in a window, counting down, then refuses with retryAfterSeconds', (t) => {
  const { l, clock } = limiter();
  t.deepEqual(l.consume('1.2.3.4', 'a@x.io'), { allowed: true, remaining: 2 });
  clock.ms += 10_000;
  t.deepEqual(l.consume('1.2.3.4', 'a@x.io'), { allowed: true, remaining: 1 });
  t.deepEqual(l.consume('1.2.3.4', 'a@x.io'), { allowed: true, remaining: 0 });
  // The first attempt leaves the window 60 s after it was made: 50 s from now.
  t.deepEqual(l.consume('1.2.3.4', 'a@x.io'), { allowed: false, retryAfterSeconds: 50 });
});

test('the window slides: slots free one by one as old attempts age out', (t) => {
  const { l, clock } = limiter();
  l.consume('ip', 'a@x.io');
  clock.ms += 10_000;
  l.consume('ip', 'a@x.io');
  l.consume('ip', 'a@x.io');
  clock.ms += 50_000; // first attempt is now exactly 60 s old: out of the window
  t.deepEqual(l.consume('ip', 'a@x.io'), { allowed: true, remaining: 0 });
  t.deepEqual(l.consume('ip', 'a@x.io'), { allowed: false, retryAfterSeconds: 10 });
});

test('refused attempts are not recorded, so waiting retryAfterSeconds is enough', (t) => {
  const { l, clock } = limiter(1, 30);
  l.consume('ip', 'a@x.io');
  for (let i = 0; i < 5; i++) t.false(l.consume('ip', 'a@x.io').allowed);
  clock.ms += 30_000;
  t.true(l.consume('ip', 'a@x.io').allowed);
});

test('keys are (ip, e-mail), with e-mail case and spaces ignored', (t) => {
  const { l } = limiter(1);
  l.consume('ip1', 'A@X.io ');
  t.false(l.consume('ip1', 'a@x.io').allowed);
  t.true(l.consume('ip2', 'a@x.io').allowed);
  t.true(l.consume('ip1', 'b@x.io').allowed);
});

test('reset after a successful login clears the key', (t) => {
  const { l } = limiter(1);
  l.consume('ip', 'a@x.io');
  l.reset('ip', 'a@x.io');
  t.true(l.consume('ip', 'a@x.io').allowed);
});

test('peek reports without recording', (t) => {
  const { l } = limiter(1);
  t.deepEqual(l.peek('ip', 'a@x.io'), { allowed: true, remaining: 1 });
  t.deepEqual(l.peek('ip', 'a@x.io'), { allowed: true, remaining: 1 });
  l.consume('ip', 'a@x.io');
  t.deepEqual(l.peek('ip', 'a@x.io'), { allowed: false, retryAfterSeconds: 60 });
});

test('memory is bounded: stale keys are swept, then the least recently used dropped', (t) => {
  const { l, clock } = limiter(5, 60, 2);
  l.consume('ip', 'old@x.io');
  clock.ms += 61_000;
  l.consume('ip', 'a@x.io');
  l.consume('ip', 'b@x.io');
  t.is(l.size, 2); // old@ was stale and swept
  l.consume('ip', 'a@x.io');
  l.consume('ip', 'c@x.io');
  t.is(l.size, 2); // b@ was least recently used
  t.deepEqual(l.peek('ip', 'b@x.io'), { allowed: true, remaining: 5 });
  t.deepEqual(l.peek('ip', 'a@x.io'), { allowed: true, remaining: 3 });
});

test('bad options and arguments are TypeErrors naming the field', (t) => {
  const now = () => 0;
  t.throws(() => new LoginRateLimiter({ maxAttempts: 0, windowSeconds: 60, now }), { instanceOf: TypeError, message: /maxAttempts/ });
  t.throws(() => new LoginRateLimiter({ maxAttempts: 1, windowSeconds: -1, now }), { instanceOf: TypeError, message: /windowSeconds/ });
  t.throws(() => new LoginRateLimiter({ maxAttempts: 1, windowSeconds: 1, now: 5 as unknown as () => number }), {
    instanceOf: TypeError,
    message: /options.now/,
  });
  const { l } = limiter();
  t.throws(() => l.consume('', 'a@x.io'), { instanceOf: TypeError, message: /ip/ });
  t.throws(() => l.consume('ip', undefined as unknown as string), { instanceOf: TypeError, message: /email/ });
  const broken = new LoginRateLimiter({ maxAttempts: 1, windowSeconds: 1, now: () => Number.NaN });
  t.throws(() => broken.consume('ip', 'a@x.io'), { instanceOf: TypeError, message: /now\(\)/ });
});
