import crypto from 'node:crypto';
import test from 'ava';
import { AuditLog } from '../../engine/audit/audit-log.js';
import { EngineError } from '../../engine/engine-error.js';
import { EvidenceStore } from '../../engine/evidence/evidence-store.js';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import { EvidenceRingBuffer } from '../../agents/evidence-ring-buffer.js';
import { decodeEvidenceClip, encodeEvidenceClip } from '../../models/audio/evidence-clip.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { addMember, addRoom, addSegment, count, DAY } from './_fixtures.js';

const NOW = new Date('2026-11-01T10:00:00Z');

function tone(seconds: number): Int16Array {
  const out = new Int16Array(seconds * 16_000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(6000 * Math.sin((2 * Math.PI * 220 * i) / 16_000));
  return out;
}

for (const kind of BACKENDS) {
  test(`${kind}: clips are saved once per segment, read only with an audit record, held by cases, listed without audio`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const staff = await addMember(db.pool, 'Tess Staff');
    const speaker = await addMember(db.pool, 'Sam Speaker');
    const room = await addRoom(db.pool, speaker);
    const seg1 = await addSegment(db.pool, { roomId: room, speaker, text: 'you will regret this', startedAt: new Date(NOW.getTime() - 60_000), categories: ['threat'] });
    const seg2 = await addSegment(db.pool, { roomId: room, speaker, text: 'and so will you', startedAt: new Date(NOW.getTime() - 30_000), categories: ['threat'] });
    const store = new EvidenceStore(db.pool, { now: () => NOW });
    const audit = new AuditLog(db.pool);
    const encoded = await encodeEvidenceClip(tone(2));
    const clip = { segmentId: seg1, roomId: room, speakerIdentity: speaker, mediaType: encoded.mediaType, audio: encoded.bytes, durationMs: encoded.durationMs, leadMs: 500 };

    const first = await store.save(clip);
    t.true(first.created);
    t.deepEqual(await store.save({ ...clip, leadMs: 0 }), { id: first.id, created: false }, 'a retried save stores nothing');
    t.is(await count(db.pool, 'evidence_clips'), 1);
    const second = await store.save({ ...clip, segmentId: seg2 });

    const [meta1] = await store.metadataForSegments([seg1]);
    t.is(meta1!.retainUntil, new Date(NOW.getTime() + 30 * DAY).toISOString());
    t.is(meta1!.createdAt, NOW.toISOString());
    t.is(meta1!.bytes, encoded.bytes.length);
    t.is(meta1!.durationMs, 2000);
    t.is(meta1!.leadMs, 500);
    t.false('audio' in meta1!);

    // A read returns the audio and leaves a record, in one transaction.
    const read = await store.read(first.id, { memberId: staff, reason: 'reviewing a report' }, audit);
    t.true(read!.audio.equals(encoded.bytes));
    t.is(read!.segmentId, seg1);
    const entries = await audit.list({ action: 'evidence.read', limit: 10 });
    t.is(entries.length, 1);
    t.deepEqual(entries[0]!.actor, { kind: 'member', memberId: staff });
    t.deepEqual(entries[0]!.subject, { kind: 'evidence_clip', id: first.id });
    t.is(entries[0]!.roomId, room);
    t.is(entries[0]!.at, NOW.toISOString());
    t.like(entries[0]!.detail, { segmentId: seg1, reason: 'reviewing a report', bytes: encoded.bytes.length });

    // No record, no read: a reader the audit log cannot record (not a member) gets nothing.
    await t.throwsAsync(store.read(first.id, { memberId: crypto.randomUUID() }, audit));
    t.is(await count(db.pool, 'audit_log'), 1);
    // No clip: null and no record.
    t.is(await store.read('999999', { memberId: staff }, audit), null);
    t.is(await count(db.pool, 'audit_log'), 1);

    // An open case holds evidence: extended to 90 days by default, to an explicit date, never shortened.
    t.is(await store.extendForSegments([seg1, seg1]), 1);
    t.is((await store.metadataForSegments([seg1]))[0]!.retainUntil, new Date(NOW.getTime() + 90 * DAY).toISOString());
    t.is(await store.extendForSegments([seg1], new Date(NOW.getTime() + 5 * DAY)), 1);
    t.is((await store.metadataForSegments([seg1]))[0]!.retainUntil, new Date(NOW.getTime() + 90 * DAY).toISOString(), 'never shortened');
    t.is(await store.extendForRoomSpeaker({ roomId: room, speakerIdentity: speaker }, new Date(NOW.getTime() + 120 * DAY)), 2);
    t.deepEqual(
      (await store.metadataForSegments([seg2, seg1, '424242'])).map((m) => [m.id, m.retainUntil]),
      [
        [first.id, new Date(NOW.getTime() + 120 * DAY).toISOString()],
        [second.id, new Date(NOW.getTime() + 120 * DAY).toISOString()],
      ],
    );
    t.is(await store.extendForRoomSpeaker({ roomId: room, speakerIdentity: 'someone-else' }), 0);
    t.is(await store.extendForRoomSpeaker({ roomId: room, speakerIdentity: speaker, before: NOW }), 0, 'created_at window');
    t.is(await store.extendForSegments([]), 0);
    t.deepEqual(await store.metadataForSegments([]), []);
  });
}

test('save refuses a segment that does not exist or is someone else’s; bad arguments are TypeErrors', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const speaker = await addMember(db.pool);
  const room = await addRoom(db.pool, speaker);
  const seg = await addSegment(db.pool, { roomId: room, speaker, text: 'hello', startedAt: NOW });
  const store = new EvidenceStore(db.pool);
  const audit = new AuditLog(db.pool);
  const ok = { segmentId: seg, roomId: room, speakerIdentity: speaker, mediaType: 'audio/flac', audio: Buffer.from('fLaC....'), durationMs: 1000, leadMs: 0 };

  const wrongSpeaker = await t.throwsAsync(store.save({ ...ok, speakerIdentity: 'mallory' }));
  t.true(wrongSpeaker instanceof EngineError && wrongSpeaker.kind === 'not_found');
  await t.throwsAsync(store.save({ ...ok, segmentId: '987654' }), { instanceOf: EngineError });
  t.is(await count(db.pool, 'evidence_clips'), 0);
  // Without a fixed clock the database's clock sets the dates.
  await store.save(ok);
  const [meta] = await store.metadataForSegments([seg]);
  t.is(Date.parse(meta!.retainUntil) - Date.parse(meta!.createdAt), 30 * DAY);

  for (const bad of [
    { segmentId: 'x' },
    { roomId: 'not-a-uuid' },
    { speakerIdentity: '' },
    { mediaType: 'text/plain' },
    { audio: Buffer.alloc(0) },
    { audio: 'bytes' },
    { durationMs: -1 },
    { durationMs: 1.5 },
    { leadMs: 2000 },
  ]) {
    await t.throwsAsync(store.save({ ...ok, ...bad } as never), { instanceOf: TypeError }, JSON.stringify(bad));
  }
  await t.throwsAsync(store.read('1', { memberId: 'nobody' }, audit), { instanceOf: TypeError, message: /memberId/ });
  await t.throwsAsync(store.read('abc', { memberId: speaker }, audit), { instanceOf: TypeError, message: /clipId/ });
  await t.throwsAsync(store.read('1', { memberId: speaker }, {} as never), { instanceOf: TypeError, message: /audit/ });
  await t.throwsAsync(store.extendForSegments(['1'], new Date('nope')), { instanceOf: TypeError, message: /until/ });
  await t.throwsAsync(store.extendForSegments('1' as never), { instanceOf: TypeError });
  await t.throwsAsync(store.extendForRoomSpeaker({ roomId: room, speakerIdentity: '' }), { instanceOf: TypeError });
  t.throws(() => new EvidenceStore(db.pool, { retentionDays: 0 }), { instanceOf: TypeError, message: /retentionDays/ });
  t.throws(() => new EvidenceStore(db.pool, { extendedRetentionDays: 1.5 }), { instanceOf: TypeError, message: /extendedRetentionDays/ });
  t.is(await count(db.pool, 'audit_log'), 0);
});

test('the whole path: ring buffer -> FLAC -> classified segment -> clip saved by segment key -> audited read -> same samples', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const staff = await addMember(db.pool, 'Tess Staff');
  const speaker = await addMember(db.pool, 'Sam Speaker');
  const room = await addRoom(db.pool, speaker);
  const T0 = NOW.getTime();
  const rings = new EvidenceRingBuffer({ now: () => T0 });
  const audio = tone(10);
  for (let i = 0; i < audio.length; i += 320) rings.push(speaker, audio.subarray(i, i + 320));

  // The agent stored a flagged utterance spoken from 6 s to 8 s.
  const transcripts = new TranscriptStore(db.pool);
  const segmentKey = `${room}:TR_1:${T0 + 6000}`;
  t.true(await transcripts.append(
    { roomId: room, segmentKey, speakerIdentity: speaker, trackSid: 'TR_1', startedAt: new Date(T0 + 6000), endedAt: new Date(T0 + 8000), text: 'you will regret this', model: 'moonshine-base' },
    { scores: { threat: 0.93 }, categories: ['threat'], contextCategories: [], modelVersion: 'harm-head-v1', taxonomyVersion: 'harm-taxonomy-v1' },
  ));
  const segmentId = await transcripts.idForKey(segmentKey);
  t.truthy(segmentId);
  t.is(await transcripts.idForKey('no-such-key'), null);

  const ring = rings.clip(speaker, new Date(T0 + 6000), new Date(T0 + 8000))!;
  t.is(ring.leadMs, 3000);
  const encoded = await encodeEvidenceClip(ring.samples);
  const evidence = new EvidenceStore(db.pool);
  const { id } = await evidence.save({ segmentId: segmentId!, roomId: room, speakerIdentity: speaker, mediaType: encoded.mediaType, audio: encoded.bytes, durationMs: encoded.durationMs, leadMs: ring.leadMs });
  const read = await evidence.read(id, { memberId: staff }, new AuditLog(db.pool));
  t.is(read!.durationMs, 5000);
  const decoded = await decodeEvidenceClip(read!.audio);
  t.deepEqual(decoded.samples, audio.subarray(3 * 16_000, 8 * 16_000));
});
