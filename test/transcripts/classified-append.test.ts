import crypto from 'node:crypto';
import test from 'ava';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

const CLASSIFICATION = { scores: { threat: 0.91, insult: 0.2 }, categories: ['threat'], contextCategories: [], modelVersion: 'harm-head-minilm-v1', taxonomyVersion: 'harm-taxonomy-v1' };

for (const kind of BACKENDS) {
  test(`${kind}: a segment and its classification are stored together, once`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const member = crypto.randomUUID();
    const room = crypto.randomUUID();
    await db.pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Hana Host')", [member, `${member}@example.test`]);
    await db.pool.query("INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $2, $3, 'Classified')", [room, `rt-${room}`, member]);
    const store = new TranscriptStore(db.pool);
    const segment = { roomId: room, segmentKey: `${room}:TR_1:1000`, speakerIdentity: member, trackSid: 'TR_1', startedAt: new Date(1000), endedAt: new Date(3000), text: 'you will regret this', model: 'moonshine-base' };
    t.true(await store.append(segment, CLASSIFICATION));
    t.false(await store.append(segment, { ...CLASSIFICATION, categories: [] }), 'a retried write is a no-op');
    const { rows } = await db.pool.query('SELECT c.*, s.text FROM segment_classifications c JOIN transcript_segments s ON s.id = c.segment_id');
    t.is(rows.length, 1);
    t.deepEqual(rows[0].categories, ['threat']);
    t.deepEqual(rows[0].scores, CLASSIFICATION.scores);
    t.is(rows[0].speaker_identity, member);
    t.is(rows[0].evaluated_at, null);

    // A classification that cannot be stored takes its segment with it: neither exists without the other.
    const other = { ...segment, segmentKey: `${room}:TR_1:5000` };
    await t.throwsAsync(store.append(other, { ...CLASSIFICATION, modelVersion: 'x'.repeat(3), scores: { threat: 2 } }), { instanceOf: TypeError, message: /scores\.threat/ });
    t.is((await db.pool.query('SELECT count(*)::int AS n FROM transcript_segments')).rows[0].n, 1);
  });
}
