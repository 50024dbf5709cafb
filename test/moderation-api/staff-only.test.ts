// The trust-and-safety console is staff-only: a plain member (even the room's host) is refused on every staff
// operation, and nothing is written anywhere.
import test from 'ava';
import { diffSnapshots, snapshotTables } from '../support/table-snapshot.js';
import { evidenceClip, flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('a plain member gets 403 on every staff operation and nothing changes', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  const seg = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'threatening words', scores: { threat: 0.9 }, categories: ['threat'] });
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: seg });
  const clipId = await evidenceClip(s.pool, seg);
  const calls: [string, string, unknown?][] = [
    ['GET', '/v1/moderation/cases'],
    ['GET', `/v1/moderation/cases/${caseId}`],
    ['POST', `/v1/moderation/cases/${caseId}/claim`],
    ['POST', `/v1/moderation/cases/${caseId}/lease/renew`],
    ['POST', `/v1/moderation/cases/${caseId}/release`],
    ['POST', `/v1/moderation/cases/${caseId}/notes`, { text: 'hello' }],
    ['POST', `/v1/moderation/cases/${caseId}/decision`, { decision: 'ban', reason: 'because' }],
    ['POST', '/v1/moderation/decisions', { caseIds: [caseId], decision: 'ban', reason: 'because' }],
    ['POST', `/v1/moderation/appeals/${caseId}/resolve`, { outcome: 'overturned', reason: 'because' }],
    ['GET', '/v1/moderation/transcripts?q=threatening'],
    ['GET', `/v1/moderation/evidence/${clipId}`],
    ['GET', '/v1/admin/audit'],
    ['GET', `/v1/moderation/labels?memberIds=${speaker.memberId}&roomIds=${roomId}`],
  ];
  const before = await snapshotTables(s.pool);
  for (const who of [host, speaker]) {
    for (const [method, path, body] of calls) {
      const res = await who.client.request(method, path, body);
      t.is(res.status, 403, `${method} ${path}: ${JSON.stringify(res.body)}`);
      t.is(res.body.error.code, 'staff_only');
    }
  }
  t.deepEqual(diffSnapshots(before, await snapshotTables(s.pool)), [], 'nothing was written in any table');
  // The same calls work for staff (one sample), so the refusal is about the role.
  t.is((await reviewer.client.get(`/v1/moderation/cases/${caseId}`)).status, 200);
});
