// scheduled -> live -> ended, with the start time validated and ended rooms final.
import test from 'ava';
import { DomainError, MAX_SCHEDULE_AHEAD_MS, createRoomLifecycle, transitionRoom, type RoomLifecycle } from '../../engine/stage/index.js';
import { at } from './_fixtures.js';

const scheduled = (): RoomLifecycle => createRoomLifecycle({ scheduledFor: at(3600) }, at(0));

test('a room without a start time is live at once', (t) => {
  t.deepEqual(createRoomLifecycle({}, at(0)), { state: 'live', scheduledFor: null, startedAt: at(0), endedAt: null });
});

test('a scheduled start must be in the future, and within a year', (t) => {
  t.deepEqual(scheduled(), { state: 'scheduled', scheduledFor: at(3600), startedAt: null, endedAt: null });
  for (const when of [at(0), at(-1)]) {
    const err = t.throws(() => createRoomLifecycle({ scheduledFor: when }, at(0)), { instanceOf: DomainError });
    t.is(err?.code, 'start_not_in_future');
    t.is(err?.field, 'scheduledFor');
  }
  t.is(t.throws(() => createRoomLifecycle({ scheduledFor: at(0) + MAX_SCHEDULE_AHEAD_MS + 1 }, at(0)), { instanceOf: DomainError })?.code, 'start_too_far');
});

test('scheduled -> live -> ended', (t) => {
  const live = transitionRoom(scheduled(), { type: 'start' }, at(3500));
  t.deepEqual(live, { state: 'live', scheduledFor: at(3600), startedAt: at(3500), endedAt: null });
  t.deepEqual(transitionRoom(live, { type: 'end' }, at(7200)), { state: 'ended', scheduledFor: at(3600), startedAt: at(3500), endedAt: at(7200) });
});

test('ending a scheduled room cancels it (ended, never started)', (t) => {
  t.deepEqual(transitionRoom(scheduled(), { type: 'end' }, at(10)), { state: 'ended', scheduledFor: at(3600), startedAt: null, endedAt: at(10) });
});

test('an ended room cannot be started, rescheduled or ended again', (t) => {
  const ended = transitionRoom(scheduled(), { type: 'end' }, at(10));
  t.is(t.throws(() => transitionRoom(ended, { type: 'start' }, at(20)), { instanceOf: DomainError })?.code, 'room_ended');
  t.is(t.throws(() => transitionRoom(ended, { type: 'reschedule', scheduledFor: at(9000) }, at(20)), { instanceOf: DomainError })?.code, 'room_ended');
  t.is(t.throws(() => transitionRoom(ended, { type: 'end' }, at(20)), { instanceOf: DomainError })?.code, 'already_ended');
});

test('a live room cannot be started again or rescheduled', (t) => {
  const live = createRoomLifecycle({}, at(0));
  t.is(t.throws(() => transitionRoom(live, { type: 'start' }, at(1)), { instanceOf: DomainError })?.code, 'already_live');
  t.is(t.throws(() => transitionRoom(live, { type: 'reschedule', scheduledFor: at(99) }, at(1)), { instanceOf: DomainError })?.code, 'not_scheduled');
});

test('rescheduling moves the start, again only into the future', (t) => {
  t.is(transitionRoom(scheduled(), { type: 'reschedule', scheduledFor: at(7200) }, at(10)).scheduledFor, at(7200));
  t.is(t.throws(() => transitionRoom(scheduled(), { type: 'reschedule', scheduledFor: at(5) }, at(10)), { instanceOf: DomainError })?.code, 'start_not_in_future');
});

test('an end stamped before the start (clock skew between servers) is clamped to the start', (t) => {
  const live = createRoomLifecycle({}, at(100));
  t.is(transitionRoom(live, { type: 'end' }, at(99)).endedAt, at(100));
});

test('the input room is never mutated', (t) => {
  const room = scheduled();
  const copy = { ...room };
  transitionRoom(room, { type: 'start' }, at(1));
  t.deepEqual(room, copy);
});

test('bad arguments are TypeErrors naming the field', (t) => {
  t.throws(() => transitionRoom(scheduled(), { type: 'pause' } as never, at(1)), { instanceOf: TypeError, message: /event.type/ });
  t.throws(() => transitionRoom({ state: 'live', scheduledFor: null, startedAt: null, endedAt: null }, { type: 'end' }, at(1)), {
    instanceOf: TypeError,
    message: /room.startedAt/,
  });
  t.throws(() => transitionRoom(scheduled(), { type: 'start' }, Number.NaN), { instanceOf: TypeError, message: /now/ });
  t.throws(() => createRoomLifecycle({ scheduledFor: 'tomorrow' as unknown as number }, at(0)), { instanceOf: TypeError, message: /scheduledFor/ });
});

test('a start before 1970 is in the past, a refusal rather than a bad argument', (t) => {
  // Found by the fuzzer: "0161-11-06T07:22:58Z" parses to a negative time, which used to throw a TypeError (a 500).
  const err = t.throws(() => createRoomLifecycle({ scheduledFor: Date.parse('0161-11-06T07:22:58Z') }, at(0)), { instanceOf: DomainError });
  t.is(err?.code, 'start_not_in_future');
  t.is(err?.field, 'scheduledFor');
  t.throws(() => createRoomLifecycle({ scheduledFor: Number.NaN }, at(0)), { instanceOf: TypeError });
});
