// Mutual opt-in through the API: one accept waits for the other; the second accept schedules exactly one private
// invite-only room (host: who said yes first; the other invited) at a common free slot and notifies both.
// Concurrent accepts of the same pair still make one room; two matches of one member accepted at the same time
// never overlap (no double booking).
import test from 'ava';
import { expandWindows } from '../../matcher/availability.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { countRows, FOUNDER, INVESTOR, makeMember, uuid, WEEKDAY_MORNINGS, type TestMember } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

/** Both directions as pending suggestions, straight in the table (setup for the concurrency cases). */
async function suggestBothWays(a: TestMember, b: TestMember): Promise<{ ab: string; ba: string }> {
  const ids = { ab: uuid(), ba: uuid() };
  for (const [id, m, c] of [[ids.ab, a, b], [ids.ba, b, a]] as const) {
    await env.stack.database.pool.query(
      `INSERT INTO match_suggestions (id, member_id, candidate_id, score, reasons, overlap, created_at, expires_at) VALUES ($1, $2, $3, 0.5, '[]', '[]', now(), now() + interval '7 days')`,
      [id, m.memberId, c.memberId],
    );
  }
  return ids;
}

const AFTERNOONS = { parts: ['weekday_afternoons' as const] };

function within(slot: { start: number; end: number }, windows: { start: number; end: number }[]): boolean {
  return windows.some((w) => w.start <= slot.start && slot.end <= w.end);
}

test.serial('both accept → exactly one invite-only room with both in it, at a common slot; both notified', async (t) => {
  const ada = await makeMember(env, { name: 'Ada Mutual', ...FOUNDER, timeZone: 'Europe/Rome', availability: AFTERNOONS });
  const vic = await makeMember(env, { name: 'Vic Mutual', ...INVESTOR, timeZone: 'America/New_York', availability: WEEKDAY_MORNINGS });
  const outsider = await makeMember(env, { name: 'Olga Outside', ...INVESTOR, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS, optIn: false });

  const mine = (await ada.client.get('/v1/me/matching/suggestions')).body.items.find((s: any) => s.candidate.memberId === vic.memberId);
  t.truthy(mine, 'Rome afternoons overlap New York mornings: 14:00–17:00 Rome = 08:00–11:00 New York');
  const first = await ada.client.post(`/v1/me/matching/suggestions/${mine.id}/accept`);
  t.is(first.status, 200, JSON.stringify(first.body));
  t.is(first.body.suggestion.status, 'accepted');
  t.is(first.body.match, null);
  t.is(first.body.waiting, 'other_member');
  // Accepting again is idempotent.
  t.is((await ada.client.post(`/v1/me/matching/suggestions/${mine.id}/accept`)).body.waiting, 'other_member');

  // Vic now has Ada among his suggestions (created on her accept if he had none), with reasons in his zone.
  const theirs = (await vic.client.get('/v1/me/matching/suggestions')).body.items.find((s: any) => s.candidate.memberId === ada.memberId);
  t.truthy(theirs);
  t.is(theirs.status, 'pending');
  const second = await vic.client.post(`/v1/me/matching/suggestions/${theirs.id}/accept`);
  t.is(second.status, 200, JSON.stringify(second.body));
  const match = second.body.match;
  t.truthy(match);
  t.is(second.body.suggestion.status, 'matched');
  t.is(match.partner.memberId, ada.memberId);
  t.false(match.youHost, 'Ada said yes first and hosts');

  const db = env.stack.database.pool;
  const { rows: rooms } = await db.query('SELECT host_member_id, visibility, status, scheduled_for FROM rooms WHERE id = $1', [match.roomId]);
  t.deepEqual({ ...rooms[0], scheduled_for: undefined }, { host_member_id: ada.memberId, visibility: 'invite_only', status: 'scheduled', scheduled_for: undefined });
  const { rows: inv } = await db.query('SELECT member_id, invited_by FROM room_invitations WHERE room_id = $1', [match.roomId]);
  t.deepEqual(inv, [{ member_id: vic.memberId, invited_by: ada.memberId }]);
  t.is(await countRows(env, 'SELECT 1 FROM match_rooms WHERE room_id = $1', [match.roomId]), 1);

  // The slot is free for both, in their own zones, at least an hour ahead, 30 minutes long.
  const slot = { start: Date.parse(match.scheduledFor), end: Date.parse(match.endsAt) };
  t.is(slot.end - slot.start, 30 * 60_000);
  t.true(slot.start >= Date.now() + 55 * 60_000);
  const horizon = [Date.now() - 86_400_000, Date.now() + 15 * 86_400_000] as const;
  t.true(within(slot, expandWindows(AFTERNOONS, 'Europe/Rome', ...horizon)));
  t.true(within(slot, expandWindows(WEEKDAY_MORNINGS, 'America/New_York', ...horizon)));

  // Both see it; the invitee can see the room, someone else cannot; both got a notification.
  for (const m of [ada, vic]) {
    const matches = (await m.client.get('/v1/me/matching/matches')).body.items;
    t.deepEqual(matches.map((x: any) => x.roomId), [match.roomId]);
    const notes = (await m.client.get('/v1/me/notifications')).body;
    t.is(notes.unread, 1);
    t.is(notes.items[0].kind, 'match_scheduled');
    t.is(notes.items[0].payload.roomId, match.roomId);
    t.is((await m.client.get(`/v1/rooms/${match.roomId}`)).status, 200);
    const read = await m.client.post(`/v1/me/notifications/${notes.items[0].id}/read`);
    t.is(read.status, 200);
    t.truthy(read.body.readAt);
    t.is((await outsider.client.post(`/v1/me/notifications/${notes.items[0].id}/read`)).status, 404);
  }
  t.is((await outsider.client.get(`/v1/rooms/${match.roomId}`)).status, 404);
  // Accepting again after the match returns the same match, no new room.
  const again = await ada.client.post(`/v1/me/matching/suggestions/${mine.id}/accept`);
  t.is(again.body.match.roomId, match.roomId);
  t.is(await countRows(env, 'SELECT 1 FROM match_rooms WHERE member_low = least($1::uuid, $2::uuid) AND member_high = greatest($1::uuid, $2::uuid)', [ada.memberId, vic.memberId]), 1);
});

test.serial('concurrent accepts of the same pair → still exactly one room', async (t) => {
  for (let i = 0; i < 3; i++) {
    const p = await makeMember(env, { name: `Pia Pair${i}`, ...FOUNDER, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS, optIn: false });
    const q = await makeMember(env, { name: `Quin Pair${i}`, ...INVESTOR, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS, optIn: false });
    const ids = await suggestBothWays(p, q);
    const [a, b] = await Promise.all([p.client.post(`/v1/me/matching/suggestions/${ids.ab}/accept`), q.client.post(`/v1/me/matching/suggestions/${ids.ba}/accept`)]);
    t.is(a.status, 200, JSON.stringify(a.body));
    t.is(b.status, 200, JSON.stringify(b.body));
    const made = [a.body.match, b.body.match].filter(Boolean);
    t.true(made.length >= 1, 'the second to commit schedules the room');
    t.is(await countRows(env, 'SELECT 1 FROM match_rooms WHERE member_low = least($1::uuid, $2::uuid) AND member_high = greatest($1::uuid, $2::uuid)', [p.memberId, q.memberId]), 1);
    t.is(await countRows(env, 'SELECT 1 FROM rooms WHERE host_member_id = ANY($1::uuid[])', [[p.memberId, q.memberId]]), 1);
  }
});

test.serial('two matches of one member accepted at the same time never overlap (no double booking)', async (t) => {
  // One narrow window each weekday: two 30-minute meetings fit, back to back, only if they are kept apart.
  const narrow = { ranges: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '09:00', end: '10:00' })) } as any;
  const x = await makeMember(env, { name: 'Xena Busy', ...FOUNDER, timeZone: 'UTC', availability: narrow, optIn: false });
  const y = await makeMember(env, { name: 'Yuri One', ...INVESTOR, timeZone: 'UTC', availability: narrow, optIn: false });
  const z = await makeMember(env, { name: 'Zoe Two', ...INVESTOR, timeZone: 'UTC', availability: narrow, optIn: false });
  const xy = await suggestBothWays(x, y);
  const xz = await suggestBothWays(x, z);
  t.is((await y.client.post(`/v1/me/matching/suggestions/${xy.ba}/accept`)).body.waiting, 'other_member');
  t.is((await z.client.post(`/v1/me/matching/suggestions/${xz.ba}/accept`)).body.waiting, 'other_member');
  const [r1, r2] = await Promise.all([x.client.post(`/v1/me/matching/suggestions/${xy.ab}/accept`), x.client.post(`/v1/me/matching/suggestions/${xz.ab}/accept`)]);
  t.truthy(r1.body.match, JSON.stringify(r1.body));
  t.truthy(r2.body.match, JSON.stringify(r2.body));
  const slots = [r1.body.match, r2.body.match].map((m: any) => ({ start: Date.parse(m.scheduledFor), end: Date.parse(m.endsAt) })).sort((p, q) => p.start - q.start);
  t.true(slots[0]!.end <= slots[1]!.start, `overlapping: ${JSON.stringify([r1.body.match.scheduledFor, r2.body.match.scheduledFor])}`);
  const xs = (await x.client.get('/v1/me/matching/matches')).body.items;
  t.is(xs.length, 2);
  t.true(xs.every((m: any) => m.youHost === false));
});
