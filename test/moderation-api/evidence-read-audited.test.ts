// Staff download an evidence clip's audio; every read is recorded in the audit log (who, which clip, for which case).
import test from 'ava';
import { evidenceClip, flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('reading evidence returns the audio and audits the read', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  const seg = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'a threat', scores: { threat: 0.9 }, categories: ['threat'] });
  const clipId = await evidenceClip(s.pool, seg);
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: seg });

  const detail = await reviewer.client.get(`/v1/moderation/cases/${caseId}`);
  t.like(detail.body.evidence[0], { id: clipId, segmentId: seg, mediaType: 'audio/flac', durationMs: 3000, leadMs: 1000 });

  const res = await fetch(`${s.env.stack.apiUrl}/v1/moderation/evidence/${clipId}?caseId=${caseId}&reason=reviewing`, {
    headers: { authorization: `Bearer ${(reviewer.client as unknown as { token: string }).token}` },
  });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'audio/flac');
  t.is(Buffer.from(await res.arrayBuffer()).toString(), 'fLaC-test-audio-bytes');
  const audit = await s.pool.query("SELECT actor_id, subject_kind, subject_id, room_id, detail FROM audit_log WHERE action = 'evidence.read'");
  t.is(audit.rows.length, 1);
  t.like(audit.rows[0], { actor_id: reviewer.memberId, subject_kind: 'evidence_clip', subject_id: clipId, room_id: roomId });
  t.like(audit.rows[0].detail, { caseId, reason: 'reviewing', segmentId: seg });

  const missing = await reviewer.client.get('/v1/moderation/evidence/999999');
  t.is(missing.status, 404);
  t.is(missing.body.error.code, 'clip_not_found');
  t.is((await s.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'evidence.read'")).rows[0].n, 1, 'no record for a clip that is not there');
});
