// The moderation evaluator's decisions and failure paths on a real database (both backends), with a scripted stage
// and messenger standing in for LiveKit (the spoken end-to-end test runs the real one): escalation on repeats, care
// without enforcement, a stage that fails (retried, nothing stamped, no duplicate case), a speaker no longer on
// stage, and two evaluators sharing the work without evaluating a segment twice.
import test from 'ava';
import type pg from 'pg';
import { AuditLog } from '../../engine/audit/audit-log.js';
import { CaseStore } from '../../engine/cases/case-store.js';
import { EvidenceStore } from '../../engine/evidence/evidence-store.js';
import { ModerationEvaluator, SUPPORT_RESOURCES, type ModerationStage, type RoomMessenger } from '../../engine/moderation/moderation-evaluator.js';
import { RoomFeed, type RoomFeedEvent } from '../../engine/moderation/room-feed.js';
import { PLATFORM_DEFAULT_POLICY } from '../../engine/moderation/room-policy.js';
import { RoomPolicyStore } from '../../engine/moderation/room-policy-store.js';
import { DomainError } from '../../engine/stage/domain-error.js';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import { HARM_CATEGORIES } from '../../models/classifier/taxonomy.js';
import { addMember, addRoom, count } from '../cases/fixtures.js';
import { BACKENDS, createTestDatabase, quietLog } from '../support/database.js';

type Call = { op: string; roomId: string; memberId: string };

function scriptedStage(fail?: (op: string) => Error | undefined): ModerationStage & { calls: Call[] } {
  const calls: Call[] = [];
  const act = (op: string) => async (roomId: string, _by: unknown, memberId: string) => {
    calls.push({ op, roomId, memberId });
    const err = fail?.(op);
    if (err) throw err;
    return { effects: [{ status: 'applied' }] } as never;
  };
  return { calls, mute: act('mute'), moveToAudience: act('move_to_audience'), remove: act('remove'), moderatorsOf: async () => ['host-identity'] };
}

function recordingMessenger(): RoomMessenger & { sent: { topic: string; payload: any; to: readonly string[] | 'all' }[] } {
  const sent: { topic: string; payload: any; to: readonly string[] | 'all' }[] = [];
  return {
    sent,
    broadcast: async (_room, topic, payload) => void sent.push({ topic, payload, to: 'all' }),
    sendTo: async (_room, topic, payload, to) => void sent.push({ topic, payload, to }),
  };
}

function scores(over: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(HARM_CATEGORIES.map((c) => [c, over[c] ?? 0.01]));
}

let seq = 0;
async function say(pool: pg.Pool, roomId: string, speaker: string, text: string, s: Record<string, number>, categories: string[]): Promise<void> {
  const t = Date.parse('2026-11-01T10:00:00Z') + seq++ * 5000;
  await new TranscriptStore(pool).append(
    { roomId, segmentKey: `${roomId}:tr:${t}`, speakerIdentity: speaker, trackSid: 'TR_1', startedAt: new Date(t), endedAt: new Date(t + 3000), text, model: 'moonshine-base-en' },
    { scores: s, categories, contextCategories: [], modelVersion: 'harm-head-minilm-v1', taxonomyVersion: 'harm-taxonomy-v1' },
  );
}

function evaluator(pool: pg.Pool, stage: ModerationStage, messenger: RoomMessenger, feed = new RoomFeed()) {
  return new ModerationEvaluator(
    pool,
    {
      stage,
      messenger,
      policies: new RoomPolicyStore(pool, PLATFORM_DEFAULT_POLICY),
      cases: new CaseStore(pool),
      evidence: new EvidenceStore(pool),
      audit: new AuditLog(pool),
      feed,
    },
    // No wait for evidence audio: these segments have none.
    { log: quietLog, evidenceWaitSeconds: 0, claimSeconds: 1 },
  );
}

const THREAT = scores({ threat: 0.95 });

for (const kind of BACKENDS) {
  test(`${kind}: repeated threats climb the ladder into one case; the benign line is only a caption`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const host = await addMember(db.pool, 'Hana Host');
    const tom = await addMember(db.pool, 'Tom Troll');
    const room = await addRoom(db.pool, host);
    const stage = scriptedStage();
    const messenger = recordingMessenger();
    const feed = new RoomFeed();
    const heard: RoomFeedEvent[] = [];
    feed.subscribe(room, (e) => heard.push(e));
    const ev = evaluator(db.pool, stage, messenger, feed);

    await say(db.pool, room, host, 'Welcome to the panel on hiring.', scores({}), []);
    await say(db.pool, room, tom, 'I will hurt you.', THREAT, ['threat']);
    await say(db.pool, room, tom, 'I mean it, I will hurt you.', THREAT, ['threat']);
    await say(db.pool, room, tom, 'You will regret this, I will hurt you.', THREAT, ['threat']);
    const done = await ev.runOnce();
    t.is(done.length, 4);
    // Platform policy: threat -> mute; repeats within 10 minutes climb mute -> move_to_audience -> remove (with ban).
    t.deepEqual(stage.calls.map((c) => c.op), ['mute', 'move_to_audience', 'remove']);
    t.deepEqual(done.map((d) => d.decision.action), [null, 'mute', 'move_to_audience', 'remove']);
    t.is(await count(db.pool, 'moderation_cases'), 1, 'one open case per speaker and room takes every flag');
    t.is(await count(db.pool, 'case_events', "type = 'evidence_added'"), 2);
    t.is(await count(db.pool, 'audit_log', "action LIKE 'moderation.auto_%'"), 3);
    t.is(await count(db.pool, 'segment_classifications', 'evaluated_at IS NULL'), 0);
    // Captions: the benign line in words, the flagged ones withheld; the host and co-hosts get each flag.
    const captions = messenger.sent.filter((m) => m.topic === 'roundtable.captions').map((m) => m.payload);
    t.deepEqual(captions.map((c) => c.text), ['Welcome to the panel on hiring.', null, null, null]);
    const notices = messenger.sent.filter((m) => m.topic === 'roundtable.moderation');
    t.deepEqual(notices.map((n) => [n.payload.action, n.to]), [['mute', ['host-identity']], ['move_to_audience', ['host-identity']], ['remove', ['host-identity']]]);
    t.deepEqual(heard.map((e) => e.type), ['caption', 'caption', 'moderation_flag', 'caption', 'moderation_flag', 'caption', 'moderation_flag']);
    // Nothing left: evaluating again does nothing.
    t.deepEqual(await ev.runOnce(), []);
  });

  test(`${kind}: self_harm is care — a wellbeing case and support for the speaker, never enforcement`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const host = await addMember(db.pool);
    const ana = await addMember(db.pool, 'Ana');
    const room = await addRoom(db.pool, host);
    const stage = scriptedStage();
    const messenger = recordingMessenger();
    await say(db.pool, room, ana, "Honestly I don't want to be alive anymore.", scores({ self_harm: 0.97 }), ['self_harm']);
    const [done] = await evaluator(db.pool, stage, messenger).runOnce();
    t.true(done!.decision.care);
    t.is(done!.decision.action, null);
    t.deepEqual(stage.calls, []);
    const { rows } = await db.pool.query('SELECT kind, subject_member_id FROM moderation_cases');
    t.deepEqual(rows, [{ kind: 'wellbeing', subject_member_id: ana }]);
    const support = messenger.sent.filter((m) => m.topic === 'roundtable.moderation');
    t.deepEqual(support.map((m) => [m.payload.type, m.to]), [[SUPPORT_RESOURCES.type, [ana]]]);
    t.is(await count(db.pool, 'audit_log', "action = 'moderation.care'"), 1);
  });

  test(`${kind}: a stage that fails leaves the segment unevaluated; the retry acts once and opens no second case`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const host = await addMember(db.pool);
    const tom = await addMember(db.pool);
    const room = await addRoom(db.pool, host);
    let down = true;
    const stage = scriptedStage(() => (down ? Object.assign(new Error('stage store unreachable'), { code: 'ECONNREFUSED' }) : undefined));
    const messenger = recordingMessenger();
    const ev = evaluator(db.pool, stage, messenger);
    await say(db.pool, room, tom, 'I will hurt you.', THREAT, ['threat']);
    t.deepEqual(await ev.runOnce(), [], 'nothing reported done');
    t.is(await count(db.pool, 'segment_classifications', 'evaluated_at IS NULL'), 1, 'still to do');
    t.is(await count(db.pool, 'audit_log'), 0, 'no record of an action that did not happen');
    t.is(messenger.sent.length, 0, 'nobody told of an action that did not happen');
    down = false;
    await new Promise((r) => setTimeout(r, 1100)); // the claim lapses
    const [done] = await ev.runOnce();
    t.is(done!.effect, 'applied');
    t.is(await count(db.pool, 'moderation_cases'), 1);
    t.is(await count(db.pool, 'case_events', "type = 'evidence_added'"), 0, 'the replayed flag was recorded once');
    t.is(await count(db.pool, 'audit_log', "action = 'moderation.auto_mute'"), 1);
  });

  test(`${kind}: a speaker who already left the stage: the case stands, the action is recorded as not applied`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const host = await addMember(db.pool);
    const tom = await addMember(db.pool);
    const room = await addRoom(db.pool, host);
    const stage = scriptedStage(() => new DomainError('not_on_stage', 'not on stage'));
    await say(db.pool, room, tom, 'I will hurt you.', THREAT, ['threat']);
    const [done] = await evaluator(db.pool, stage, recordingMessenger()).runOnce();
    t.is(done!.effect, 'not_applied:not_on_stage');
    const { rows } = await db.pool.query("SELECT detail FROM audit_log WHERE action = 'moderation.auto_mute'");
    t.is(rows[0].detail.effect, 'not_applied:not_on_stage');
    t.is(await count(db.pool, 'moderation_cases'), 1);
  });

  test(`${kind}: two evaluators share the work; each segment is evaluated once`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const host = await addMember(db.pool);
    const tom = await addMember(db.pool);
    const room = await addRoom(db.pool, host);
    for (let i = 0; i < 12; i++) await say(db.pool, room, i % 2 ? tom : host, `line ${i}`, scores({}), []);
    const a = recordingMessenger();
    const b = recordingMessenger();
    const [x, y] = await Promise.all([evaluator(db.pool, scriptedStage(), a).runOnce(), evaluator(db.pool, scriptedStage(), b).runOnce()]);
    t.is(x.length + y.length, 12);
    t.is(new Set([...x, ...y].map((d) => d.segmentId)).size, 12);
    t.is(a.sent.length + b.sent.length, 12, 'one caption per segment');
  });
}

test('bad construction is a TypeError naming what is missing', (t) => {
  t.throws(() => new ModerationEvaluator({ query: () => undefined } as never, {} as never, { log: quietLog }), { instanceOf: TypeError, message: /deps\.stage/ });
  t.throws(() => new ModerationEvaluator(null as never, {} as never, { log: quietLog }), { instanceOf: TypeError, message: /pool/ });
});
