// Room lifecycle as a pure function: scheduled -> live -> ended, and scheduled -> ended (a cancellation).
// Times are milliseconds since epoch, always passed in.
import type { RoomState } from '../access/index.js';
import { DomainError } from './domain-error.js';
import { requireRecord, requireTime } from './guards.js';

export interface RoomLifecycle {
  state: RoomState;
  /** When a scheduled room is meant to start; null for rooms started at once. */
  scheduledFor: number | null;
  startedAt: number | null;
  /** Set when ended; startedAt === null with endedAt set means it was cancelled before going live. */
  endedAt: number | null;
}

export type RoomLifecycleEvent = { type: 'start' } | { type: 'end' } | { type: 'reschedule'; scheduledFor: number };

/** How far ahead a room may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3600 * 1000;

function checkScheduledFor(value: unknown, now: number): number {
  // Any finite instant is a request: one before 1970 is simply in the past, a refusal rather than a bad argument.
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError('scheduledFor must be a finite number of milliseconds since epoch');
  const at = value;
  if (at <= now) throw new DomainError('start_not_in_future', 'scheduledFor must be in the future', 'scheduledFor');
  if (at - now > MAX_SCHEDULE_AHEAD_MS) throw new DomainError('start_too_far', 'scheduledFor must be at most a year ahead', 'scheduledFor');
  return at;
}

/** A new room: scheduled when `scheduledFor` is given (it must be in the future), otherwise live from `now`. */
export function createRoomLifecycle(input: { scheduledFor?: number | null }, now: number): RoomLifecycle {
  const at = requireTime(now, 'now');
  const { scheduledFor } = requireRecord(input, 'input');
  if (scheduledFor === undefined || scheduledFor === null) return { state: 'live', scheduledFor: null, startedAt: at, endedAt: null };
  return { state: 'scheduled', scheduledFor: checkScheduledFor(scheduledFor, at), startedAt: null, endedAt: null };
}

function checkRoom(value: unknown): RoomLifecycle {
  const room = requireRecord(value, 'room');
  const { state, scheduledFor, startedAt, endedAt } = room;
  if (state !== 'scheduled' && state !== 'live' && state !== 'ended') throw new TypeError('room.state must be scheduled, live or ended');
  const optionalTime = (v: unknown, field: string): number | null => (v === null || v === undefined ? null : requireTime(v, field));
  const checked: RoomLifecycle = {
    state,
    scheduledFor: optionalTime(scheduledFor, 'room.scheduledFor'),
    startedAt: optionalTime(startedAt, 'room.startedAt'),
    endedAt: optionalTime(endedAt, 'room.endedAt'),
  };
  if (state === 'live' && checked.startedAt === null) throw new TypeError('room.startedAt must be set for a live room');
  if (state === 'ended' && checked.endedAt === null) throw new TypeError('room.endedAt must be set for an ended room');
  return checked;
}

/** The room after `event`, or a DomainError when the lifecycle does not allow it. Never mutates `room`. */
export function transitionRoom(room: RoomLifecycle, event: RoomLifecycleEvent, now: number): RoomLifecycle {
  const current = checkRoom(room);
  const at = requireTime(now, 'now');
  const { type } = requireRecord(event, 'event');
  if (current.state === 'ended') {
    if (type === 'end') throw new DomainError('already_ended', 'the room has already ended');
    if (type === 'start' || type === 'reschedule') throw new DomainError('room_ended', 'the room has ended');
  }
  switch (type) {
    case 'start':
      if (current.state === 'live') throw new DomainError('already_live', 'the room is already live');
      // Starting before the scheduled time is allowed: hosts often open the room a few minutes early.
      return { ...current, state: 'live', startedAt: at };
    case 'end':
      // Clamped so a slightly skewed clock on another server never records an end before the start.
      return { ...current, state: 'ended', endedAt: Math.max(at, current.startedAt ?? at) };
    case 'reschedule':
      if (current.state !== 'scheduled') throw new DomainError('not_scheduled', 'only a scheduled room can be rescheduled');
      return { ...current, scheduledFor: checkScheduledFor((event as { scheduledFor?: unknown }).scheduledFor, at) };
    default:
      throw new TypeError('event.type must be start, end or reschedule');
  }
}
