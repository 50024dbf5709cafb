// Turns what the agent stored (a transcript segment and the harm classifier's scores) into what the room and
// trust-and-safety see: a caption for everyone, and — when the room's policy flags it — a case, the policy's action
// on the stage (through the stage service and its durable effect outbox), a notice to the host and co-hosts, and an
// audit record with the evidence. Care categories (self_harm) open a wellbeing case and send the speaker support
// resources; they never lead to enforcement.
//
// Data flows one way: the agent writes segment_classifications; this worker claims unevaluated rows (a short lease,
// SKIP LOCKED, so several API processes share the work), acts, and stamps the row evaluated in the transaction that
// writes the audit record. Each step is idempotent — the case by its event key, the stage action by the stage's
// state (muting the muted changes nothing) — so a crash before the stamp is repaired by evaluating again.
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { inTransaction } from '../../db/queryable.js';
import { HARM_CATEGORIES, isHarmCategory, type HarmCategory } from '../../models/classifier/taxonomy.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseStore } from '../cases/case-store.js';
import type { EvidenceStore } from '../evidence/evidence-store.js';
import type { StageCommandResult, StageMember } from '../stage-service/stage-service.js';
import type { RoomFeed } from './room-feed.js';
import { decideAction, type PolicyAction, type PolicyDecision } from './room-policy.js';
import type { RoomPolicyStore } from './room-policy-store.js';
import { SYSTEM_MODERATOR } from './system-actor.js';

/** LiveKit data topics the evaluator speaks on. */
export const CAPTIONS_TOPIC = 'roundtable.captions';
export const MODERATION_NOTICE_TOPIC = 'roundtable.moderation';

/** The stage commands automatic moderation uses, with the system's staff powers. */
export interface ModerationStage {
  mute(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult>;
  moveToAudience(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult>;
  remove(roomId: string, by: StageMember, memberId: string, options: { ban: boolean }): Promise<StageCommandResult>;
  moderatorsOf(roomId: string): Promise<string[]>;
}

export interface RoomMessenger {
  broadcast(room: string, topic: string, payload: unknown): Promise<void>;
  sendTo(room: string, topic: string, payload: unknown, identities: readonly string[]): Promise<void>;
}

/** Shown to a speaker whose words suggest they may be at risk (self_harm): care, in their own app only. */
export const SUPPORT_RESOURCES = {
  type: 'support_resources',
  message: 'It sounds like things may be hard right now. You are not alone, and talking to someone can help.',
  resources: [
    { name: 'International Association for Suicide Prevention — crisis centres', url: 'https://www.iasp.info/crisis-centres-helplines/' },
    { name: 'Find a Helpline (free, confidential, by country)', url: 'https://findahelpline.com' },
  ],
} as const;

export interface ModerationEvaluatorOptions {
  log: Logger;
  /** Poll interval for new classifications (default 250 ms). */
  pollMs?: number;
  /** Rows per claim (default 20). */
  batchSize?: number;
  /** How long a claim is held before another process may take the row again (default 60 s). */
  claimSeconds?: number;
  /** How long a platform-flagged segment waits for the agent's evidence clip before it is evaluated anyway (default 5 s). */
  evidenceWaitSeconds?: number;
}

export interface EvaluatorDeps {
  stage: ModerationStage;
  messenger: RoomMessenger;
  policies: Pick<RoomPolicyStore, 'effective'>;
  cases: Pick<CaseStore, 'openOrMerge'>;
  evidence: Pick<EvidenceStore, 'extendForSegments'>;
  audit: AuditLog;
  feed: RoomFeed;
}

interface ClaimedRow {
  segment_id: string;
  room_id: string;
  speaker_identity: string;
  scores: Record<string, number>;
  model_version: string;
  taxonomy_version: string;
  classified_at: Date;
  text: string;
  started_at: Date;
  ended_at: Date;
  livekit_name: string;
  subject_is_member: boolean;
}

export interface Evaluation {
  segmentId: string;
  roomId: string;
  decision: PolicyDecision;
  caseId: string | null;
  /** What the stage action came to: applied, pending or failed effects, or why it did not apply. */
  effect: string;
}

const ACTION_AUDIT: Readonly<Record<PolicyAction, string>> = {
  log: 'moderation.auto_log',
  notify_host: 'moderation.auto_notify_host',
  mute: 'moderation.auto_mute',
  move_to_audience: 'moderation.auto_move_to_audience',
  remove: 'moderation.auto_remove',
};

export class ModerationEvaluator {
  readonly #pool: pg.Pool;
  readonly #d: EvaluatorDeps;
  readonly #log: Logger;
  readonly #pollMs: number;
  readonly #batchSize: number;
  readonly #claimSeconds: number;
  readonly #evidenceWaitSeconds: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(pool: pg.Pool, deps: EvaluatorDeps, options: ModerationEvaluatorOptions) {
    if (!pool || typeof pool.query !== 'function') throw new TypeError('ModerationEvaluator: pool must be a pg.Pool');
    for (const k of ['stage', 'messenger', 'policies', 'cases', 'evidence', 'audit', 'feed'] as const) {
      if (!deps?.[k]) throw new TypeError(`ModerationEvaluator: deps.${k} is required`);
    }
    const int = (v: number | undefined, d: number, name: string, min: number) => {
      const n = v ?? d;
      if (!Number.isInteger(n) || n < min) throw new TypeError(`ModerationEvaluator: ${name} must be an integer >= ${min}`);
      return n;
    };
    this.#pool = pool;
    this.#d = deps;
    this.#log = options.log;
    this.#pollMs = int(options.pollMs, 250, 'pollMs', 10);
    this.#batchSize = int(options.batchSize, 20, 'batchSize', 1);
    this.#claimSeconds = int(options.claimSeconds, 60, 'claimSeconds', 1);
    this.#evidenceWaitSeconds = int(options.evidenceWaitSeconds, 5, 'evidenceWaitSeconds', 0);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Waits for the batch in progress; nothing runs after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Claims and evaluates one batch; returns what it did. Tests call it directly. */
  async runOnce(): Promise<Evaluation[]> {
    const rows = await this.#claim();
    const done: Evaluation[] = [];
    for (const row of rows) {
      try {
        done.push(await this.#evaluate(row));
      } catch (err) {
        // The claim lapses and the row is evaluated again; every step is idempotent.
        this.#log.error({ err, segmentId: row.segment_id, roomId: row.room_id }, 'moderation: evaluating a segment failed; it will be retried');
      }
    }
    return done;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.runOnce()
        .then((done) => done.length)
        .catch((err: unknown) => {
          this.#log.warn({ err }, 'moderation: claiming classified segments failed; retrying');
          return 0;
        })
        .then((n) => {
          this.#running = undefined;
          this.#schedule(n >= this.#batchSize ? 0 : this.#pollMs);
        });
    }, delay);
    this.#timer.unref();
  }

  async #claim(): Promise<ClaimedRow[]> {
    const { rows } = await this.#pool.query<ClaimedRow>(
      `WITH next AS (
         SELECT sc.segment_id FROM segment_classifications sc
          WHERE sc.evaluated_at IS NULL
            AND (sc.claimed_until IS NULL OR sc.claimed_until < now())
            AND (cardinality(sc.categories) = 0
                 OR EXISTS (SELECT 1 FROM evidence_clips e WHERE e.segment_id = sc.segment_id)
                 OR sc.classified_at < now() - make_interval(secs => $3))
          ORDER BY sc.classified_at, sc.segment_id
          LIMIT $1 FOR UPDATE OF sc SKIP LOCKED)
       UPDATE segment_classifications sc SET claimed_until = now() + make_interval(secs => $2)
         FROM next, transcript_segments ts, rooms r
        WHERE sc.segment_id = next.segment_id AND ts.id = sc.segment_id AND r.id = sc.room_id
       RETURNING sc.segment_id::text AS segment_id, sc.room_id, sc.speaker_identity, sc.scores, sc.model_version, sc.taxonomy_version,
                 sc.classified_at, ts.text, ts.started_at, ts.ended_at, r.livekit_name,
                 EXISTS (SELECT 1 FROM members m WHERE m.id::text = sc.speaker_identity) AS subject_is_member`,
      [this.#batchSize, this.#claimSeconds, this.#evidenceWaitSeconds],
    );
    return rows.sort((a, b) => a.classified_at.getTime() - b.classified_at.getTime() || Number(a.segment_id) - Number(b.segment_id));
  }

  async #evaluate(row: ClaimedRow): Promise<Evaluation> {
    const { policy } = await this.#d.policies.effective(row.room_id);
    const scores = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, clamp(row.scores[c])])) as Record<HarmCategory, number>;
    const prior = await this.#pool.query<{ classified_at: Date; flagged_categories: string[] }>(
      `SELECT classified_at, flagged_categories FROM segment_classifications
        WHERE room_id = $1 AND speaker_identity = $2 AND evaluated_at IS NOT NULL AND action IS NOT NULL
          AND segment_id <> $3 AND classified_at <= $4 AND classified_at > $4 - make_interval(secs => $5)`,
      [row.room_id, row.speaker_identity, row.segment_id, row.classified_at, policy.escalation.windowSeconds],
    );
    const decision = decideAction({
      scores,
      policy,
      priorFlags: prior.rows.map((p) => ({ at: p.classified_at, categories: p.flagged_categories.filter(isHarmCategory) })),
      now: row.classified_at,
    });
    const evidence = { segmentId: row.segment_id, scores, categories: decision.categories, modelVersion: row.model_version, taxonomyVersion: row.taxonomy_version, policyVersion: policy.version };
    const subject = row.subject_is_member ? row.speaker_identity : null;

    let caseId: string | null = null;
    if (decision.action !== null) {
      const opened = await this.#d.cases.openOrMerge({
        kind: 'flag',
        subjectMemberId: subject,
        roomId: row.room_id,
        categories: decision.enforcementCategories,
        scores: pick(scores, decision.enforcementCategories),
        dedupeKey: `flag:${row.room_id}:${row.speaker_identity}`,
        eventKey: `segment:${row.segment_id}`,
        actor: { kind: 'system' },
        reason: decision.reason,
        detail: { ...evidence, action: decision.action, step: decision.step },
      });
      caseId = opened.caseId;
      await this.#d.evidence.extendForSegments([row.segment_id]);
    } else if (decision.care) {
      const opened = await this.#d.cases.openOrMerge({
        kind: 'wellbeing',
        subjectMemberId: subject,
        roomId: row.room_id,
        categories: decision.categories.filter((c) => !decision.enforcementCategories.includes(c)),
        scores: pick(scores, ['self_harm']),
        dedupeKey: `wellbeing:${row.speaker_identity}`,
        eventKey: `segment:${row.segment_id}`,
        actor: { kind: 'system' },
        reason: decision.reason,
        detail: { ...evidence, action: 'care', step: 0 },
      });
      caseId = opened.caseId;
    }

    const effect = decision.action === null ? 'none' : await this.#act(row, decision.action);

    // The stamp and the audit record commit together; a row already stamped (another process won) records nothing.
    let actionId: string | null = null;
    const stamped = await inTransaction(this.#pool, async (q) => {
      const res = await q.query(
        `UPDATE segment_classifications SET evaluated_at = now(), policy_version = $2, flagged_categories = $3, care = $4,
                action = $5, escalation_step = $6, case_id = $7, claimed_until = NULL
          WHERE segment_id = $1 AND evaluated_at IS NULL`,
        [row.segment_id, policy.version, decision.categories, decision.care, decision.action, decision.action === null ? null : decision.step, caseId],
      );
      if (res.rowCount !== 1) return false;
      const auditDetail = { ...evidence, reason: decision.reason, step: decision.step, caseId, effect, speaker: row.speaker_identity };
      if (decision.action !== null) {
        actionId = await this.#d.audit.record({ actor: { kind: 'system' }, action: ACTION_AUDIT[decision.action], subject: { kind: 'participant', id: row.speaker_identity }, roomId: row.room_id, detail: auditDetail }, q);
      }
      if (decision.care) {
        await this.#d.audit.record({ actor: { kind: 'system' }, action: 'moderation.care', subject: { kind: 'participant', id: row.speaker_identity }, roomId: row.room_id, detail: auditDetail }, q);
      }
      return true;
    });
    if (stamped) await this.#tell(row, decision, caseId, actionId);
    return { segmentId: row.segment_id, roomId: row.room_id, decision, caseId, effect };
  }

  /** The policy's action on the stage, as the system with staff powers. A speaker no longer on stage is not an error. */
  async #act(row: ClaimedRow, action: PolicyAction): Promise<string> {
    const { stage } = this.#d;
    const who = row.speaker_identity;
    let result: StageCommandResult;
    try {
      if (action === 'mute') result = await stage.mute(row.room_id, SYSTEM_MODERATOR, who);
      else if (action === 'move_to_audience') result = await stage.moveToAudience(row.room_id, SYSTEM_MODERATOR, who);
      else if (action === 'remove') result = await stage.remove(row.room_id, SYSTEM_MODERATOR, who, { ban: true });
      else return action; // log, notify_host: nothing on the stage
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // The room ended, the speaker left the stage or the room: nothing left to act on (the case stands).
      if (typeof code === 'string' && ['room_ended', 'room_not_live', 'target_not_in_room', 'not_on_stage', 'not_a_speaker', 'not_in_room', 'target_protected'].includes(code)) return `not_applied:${code}`;
      throw err;
    }
    const statuses = result.effects.map((e) => e.status);
    return statuses.length === 0 ? 'applied' : [...new Set(statuses)].join(',');
  }

  /** Captions for everyone, a flag notice for the host and co-hosts, support for a speaker at risk. Best effort. */
  async #tell(row: ClaimedRow, decision: PolicyDecision, caseId: string | null, actionId: string | null): Promise<void> {
    const { messenger, feed, stage } = this.#d;
    const withheld = decision.action !== null;
    const caption = {
      type: 'caption' as const,
      roomId: row.room_id,
      segmentId: row.segment_id,
      speaker: row.speaker_identity,
      text: withheld ? null : row.text,
      withheld,
      startedAt: row.started_at.toISOString(),
      endedAt: row.ended_at.toISOString(),
    };
    feed.publish(caption);
    await this.#attempt('caption', () => messenger.broadcast(row.livekit_name, CAPTIONS_TOPIC, caption));
    if (decision.action !== null && decision.action !== 'log') {
      const flag = {
        type: 'moderation_flag' as const,
        roomId: row.room_id,
        segmentId: row.segment_id,
        speaker: row.speaker_identity,
        categories: decision.enforcementCategories,
        action: decision.action,
        step: decision.step,
        caseId,
        actionId,
        reason: decision.reason,
      };
      feed.publish(flag);
      await this.#attempt('host notice', async () => messenger.sendTo(row.livekit_name, MODERATION_NOTICE_TOPIC, flag, await stage.moderatorsOf(row.room_id)));
    }
    if (decision.care) {
      await this.#attempt('support resources', () => messenger.sendTo(row.livekit_name, MODERATION_NOTICE_TOPIC, SUPPORT_RESOURCES, [row.speaker_identity]));
    }
  }

  async #attempt(what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.#log.warn({ err }, `moderation: sending the ${what} failed`);
    }
  }
}

function clamp(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

function pick(scores: Record<HarmCategory, number>, categories: readonly HarmCategory[]): Partial<Record<HarmCategory, number>> {
  return Object.fromEntries(categories.map((c) => [c, scores[c]]));
}
