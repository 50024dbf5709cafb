// A suspended or banned member is refused joining a room (the join policy's account_restricted), creating,
// scheduling and starting one; a warning restricts nothing.
import test from 'ava';
import { flagCase, liveRoom, member, segment, staff, type Member } from './_fixtures.js';
import { useStack } from './_fixtures.js';

const s = useStack();

async function decide(reviewer: Member, speaker: Member, roomId: string, body: Record<string, unknown>): Promise<void> {
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'words' }) });
  const res = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, body);
  if (res.status !== 200) throw new Error(`decide: ${res.status} ${JSON.stringify(res.body)}`);
}

test('suspended: join, create, schedule and start are refused; a warned member is not restricted', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const warned = await member(s.env, 'Wes Warned');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  // Scheduled before the suspension, to be started after it.
  const scheduled = await speaker.client.post('/v1/rooms', { title: 'Later', scheduledFor: new Date(Date.now() + 3600_000).toISOString() });
  t.is(scheduled.status, 201);

  await decide(reviewer, warned, roomId, { decision: 'warn', reason: 'mind your words' });
  await decide(reviewer, speaker, roomId, { decision: 'suspend', reason: 'threat', durationSeconds: 3600 });

  const join = await speaker.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(join.status, 403, JSON.stringify(join.body));
  t.is(join.body.error.code, 'account_restricted');
  t.regex(join.body.error.message, /suspended until/);
  const create = await speaker.client.post('/v1/rooms', { title: 'Mine' });
  t.is(create.status, 403, JSON.stringify(create.body));
  t.is(create.body.error.code, 'account_restricted');
  const schedule = await speaker.client.post('/v1/rooms', { title: 'Mine later', scheduledFor: new Date(Date.now() + 7200_000).toISOString() });
  t.is(schedule.status, 403);
  t.is(schedule.body.error.code, 'account_restricted');
  const start = await speaker.client.post(`/v1/rooms/${scheduled.body.id}/start`);
  t.is(start.status, 403, JSON.stringify(start.body));
  t.is(start.body.error.code, 'account_restricted');
  const rooms = await s.pool.query('SELECT count(*)::int AS n FROM rooms WHERE host_member_id = $1', [speaker.memberId]);
  t.is(rooms.rows[0].n, 1, 'only the room scheduled before the suspension');

  // A warning is a record, not a restriction.
  t.is((await warned.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true })).status, 200);
  t.is((await warned.client.post('/v1/rooms', { title: 'Warned but welcome' })).status, 201);
});

test('banned: refused the same way, with no end date', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Bea Banned');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  await decide(reviewer, speaker, roomId, { decision: 'ban', reason: 'severe abuse' });
  const join = await speaker.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(join.status, 403);
  t.is(join.body.error.code, 'account_restricted');
  t.regex(join.body.error.message, /banned/);
  t.is((await speaker.client.post('/v1/rooms', { title: 'Mine' })).body.error.code, 'account_restricted');
});
