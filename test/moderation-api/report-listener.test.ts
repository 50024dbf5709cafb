// A listener reports a speaker: a report case opens holding the room's last five minutes of transcript (every
// speaker, nothing older); the answer is the case id only. Reporting yourself is 400, someone not in the room 404,
// someone outside the room (not a participant) 403; a second report by the same listener adds nothing.
import test from 'ava';
import { joinRoom, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('a listener reports a speaker with the last minutes of transcript', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const listener = await member(s.env, 'Lia Listener');
  const outsider = await member(s.env, 'Otto Outsider');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  await joinRoom(speaker, roomId);
  await joinRoom(listener, roomId);
  const old = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'ten minutes ago', at: new Date(Date.now() - 10 * 60_000) });
  const hostSaid = await segment(s.pool, { roomId, speaker: host.memberId, text: 'welcome everyone', at: new Date(Date.now() - 3 * 60_000) });
  const trollSaid = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'you will regret this', at: new Date(Date.now() - 60_000) });

  const res = await listener.client.post(`/v1/rooms/${roomId}/reports`, { memberId: speaker.memberId, reason: 'threat', text: 'He threatened the host.' });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual(Object.keys(res.body), ['caseId']);
  const detail = await reviewer.client.get(`/v1/moderation/cases/${res.body.caseId}`);
  t.is(detail.status, 200);
  t.like(detail.body.case, { kind: 'report', status: 'open', subjectMemberId: speaker.memberId, roomId, categories: ['threat'] });
  const opened = detail.body.events[0];
  t.like(opened, { type: 'opened', reason: 'He threatened the host.', actor: { kind: 'member', memberId: listener.memberId } });
  t.like(opened.detail, { reporterId: listener.memberId, reason: 'threat', targetMemberId: speaker.memberId });
  t.deepEqual(opened.detail.segmentIds, [hostSaid, trollSaid], 'the last five minutes, every speaker, nothing older');
  const inCase = detail.body.transcript.filter((l: { inCase: boolean }) => l.inCase).map((l: { segmentId: string }) => l.segmentId);
  t.deepEqual(inCase, [hostSaid, trollSaid]);
  t.false(detail.body.transcript.some((l: { segmentId: string }) => l.segmentId === old), 'older than 2 minutes before the window');

  // The same listener again: the open case, nothing added.
  const again = await listener.client.post(`/v1/rooms/${roomId}/reports`, { memberId: speaker.memberId, reason: 'threat' });
  t.is(again.status, 201);
  t.is(again.body.caseId, res.body.caseId);
  t.is((await reviewer.client.get(`/v1/moderation/cases/${res.body.caseId}`)).body.events.length, 1);
  // The host reporting the same speaker adds to it.
  const fromHost = await host.client.post(`/v1/rooms/${roomId}/reports`, { memberId: speaker.memberId, reason: 'harassment' });
  t.is(fromHost.body.caseId, res.body.caseId);
  // The room itself.
  const room = await listener.client.post(`/v1/rooms/${roomId}/reports`, { reason: 'other', text: 'The whole room is a pile-on.' });
  t.is(room.status, 201);
  t.not(room.body.caseId, res.body.caseId);

  const self = await listener.client.post(`/v1/rooms/${roomId}/reports`, { memberId: listener.memberId, reason: 'spam' });
  t.is(self.status, 400);
  t.is(self.body.error.code, 'self_report');
  const absent = await listener.client.post(`/v1/rooms/${roomId}/reports`, { memberId: outsider.memberId, reason: 'spam' });
  t.is(absent.status, 404, JSON.stringify(absent.body));
  t.is(absent.body.error.code, 'target_not_in_room');
  const notIn = await outsider.client.post(`/v1/rooms/${roomId}/reports`, { memberId: speaker.memberId, reason: 'spam' });
  t.is(notIn.status, 403, JSON.stringify(notIn.body));
  t.is(notIn.body.error.code, 'not_in_room');
});
