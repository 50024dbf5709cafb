// Platform-wide sanctions against members: warnings, suspensions and bans. Imposed on the caller's Queryable so a
// case decision and its sanction (and the audit entry) commit together; lifted, never deleted, so the record stays.
//
// Whether a sanction restricts is decided by time, not by the lifter: a suspension stops restricting at expires_at
// exactly, and `liftExpired` only records that it ended (idempotently, safe with concurrent lifters).
import crypto from 'node:crypto';
import type { Queryable } from '../../db/queryable.js';

export type SanctionKind = 'warn' | 'suspend' | 'ban';
export const SANCTION_KINDS: readonly SanctionKind[] = ['warn', 'suspend', 'ban'];

export interface Sanction {
  id: string;
  memberId: string;
  kind: SanctionKind;
  reason: string;
  caseId: string | null;
  decisionId: string | null;
  startsAt: Date;
  /** Set for suspensions only. */
  expiresAt: Date | null;
  liftedAt: Date | null;
  /** 'system' or the id of the member who lifted it. */
  liftedBy: string | null;
  liftReason: string | null;
  createdAt: Date;
}

export interface NewSanction {
  memberId: string;
  kind: SanctionKind;
  reason: string;
  caseId?: string;
  /** Makes the write idempotent: the same decision imposes on a member once. */
  decisionId?: string;
  /** Required for a suspension, refused for a warning or a ban. */
  durationSeconds?: number;
}

export interface Restriction {
  sanctionId: string;
  kind: 'suspend' | 'ban';
  /** null for a ban. */
  expiresAt: Date | null;
  reason: string;
}

export interface SanctionStoreOptions {
  now?: () => Date;
  /** Most suspensions one UPDATE lifts; liftExpired repeats until none is left. */
  liftBatchSize?: number;
}

interface Row {
  id: string;
  member_id: string;
  kind: SanctionKind;
  reason: string;
  case_id: string | null;
  decision_id: string | null;
  starts_at: Date;
  expires_at: Date | null;
  lifted_at: Date | null;
  lifted_by: string | null;
  lift_reason: string | null;
  created_at: Date;
}

const COLUMNS = 'id, member_id, kind, reason, case_id, decision_id, starts_at, expires_at, lifted_at, lifted_by, lift_reason, created_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REASON = 2000;
/** Ten years: longer is a ban. */
export const MAX_SUSPENSION_SECONDS = 3650 * 24 * 3600;

function toSanction(r: Row): Sanction {
  return {
    id: r.id,
    memberId: r.member_id,
    kind: r.kind,
    reason: r.reason,
    caseId: r.case_id,
    decisionId: r.decision_id,
    startsAt: r.starts_at,
    expiresAt: r.expires_at,
    liftedAt: r.lifted_at,
    liftedBy: r.lifted_by,
    liftReason: r.lift_reason,
    createdAt: r.created_at,
  };
}

function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new TypeError(`${field} must be a uuid`);
  return value;
}

function requireReason(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_REASON) throw new TypeError(`${field} must be a non-empty string of at most ${MAX_REASON} characters`);
  return value;
}

export class SanctionStore {
  readonly #now: () => Date;
  readonly #batch: number;

  constructor(
    private readonly pool: Queryable,
    options: SanctionStoreOptions = {},
  ) {
    if (!pool || typeof pool.query !== 'function') throw new TypeError('SanctionStore: pool must be a Queryable');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('SanctionStore: options.now must be a function');
    const batch = options.liftBatchSize ?? 500;
    if (!Number.isInteger(batch) || batch < 1) throw new TypeError('SanctionStore: options.liftBatchSize must be a positive integer');
    this.#now = options.now ?? (() => new Date());
    this.#batch = batch;
  }

  #clock(): Date {
    const now = this.#now();
    if (!(now instanceof Date) || !Number.isFinite(now.getTime())) throw new TypeError('SanctionStore: options.now must return a valid Date');
    return now;
  }

  /**
   * Imposes a sanction on `q` (pass a transaction's client to commit it with the decision). Repeating a decisionId
   * for the same member returns the sanction it already imposed.
   */
  async impose(q: Queryable, sanction: NewSanction): Promise<Sanction> {
    if (!q || typeof q.query !== 'function') throw new TypeError('impose: q must be a Queryable');
    if (sanction === null || typeof sanction !== 'object') throw new TypeError('impose: sanction must be an object');
    const memberId = requireUuid(sanction.memberId, 'impose: memberId');
    if (!SANCTION_KINDS.includes(sanction.kind)) throw new TypeError(`impose: kind must be one of ${SANCTION_KINDS.join(', ')}`);
    const reason = requireReason(sanction.reason, 'impose: reason');
    const caseId = sanction.caseId === undefined ? null : requireUuid(sanction.caseId, 'impose: caseId');
    if (sanction.decisionId !== undefined && (typeof sanction.decisionId !== 'string' || sanction.decisionId === '' || sanction.decisionId.length > 200)) {
      throw new TypeError('impose: decisionId must be a non-empty string of at most 200 characters');
    }
    const decisionId = sanction.decisionId ?? null;
    const d = sanction.durationSeconds;
    if (sanction.kind === 'suspend') {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_SUSPENSION_SECONDS) {
        throw new TypeError(`impose: durationSeconds must be a whole number of seconds from 1 to ${MAX_SUSPENSION_SECONDS} for a suspension`);
      }
    } else if (d !== undefined) {
      throw new TypeError(`impose: durationSeconds applies to suspensions only, not to a ${sanction.kind}`);
    }
    const now = this.#clock();
    const expiresAt = sanction.kind === 'suspend' ? new Date(now.getTime() + d! * 1000) : null;
    const { rows } = await q.query<Row>(
      `INSERT INTO member_sanctions (id, member_id, kind, reason, case_id, decision_id, starts_at, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)
       ON CONFLICT (decision_id, member_id) WHERE decision_id IS NOT NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [crypto.randomUUID(), memberId, sanction.kind, reason, caseId, decisionId, now, expiresAt],
    );
    if (rows[0]) return toSanction(rows[0]);
    const existing = await q.query<Row>(`SELECT ${COLUMNS} FROM member_sanctions WHERE decision_id = $1 AND member_id = $2`, [decisionId, memberId]);
    const found = existing.rows[0];
    if (!found) throw new Error(`impose: decision ${decisionId} conflicted but no sanction was found`);
    if (found.kind !== sanction.kind) throw new Error(`impose: decision ${decisionId} already imposed a ${found.kind} on member ${memberId}, not a ${sanction.kind}`);
    return toSanction(found);
  }

  /** What keeps the member out right now: a ban before any suspension, else the suspension ending last. */
  async activeRestriction(memberId: string, q: Queryable = this.pool): Promise<Restriction | null> {
    requireUuid(memberId, 'activeRestriction: memberId');
    const { rows } = await q.query<{ id: string; kind: 'suspend' | 'ban'; expires_at: Date | null; reason: string }>(
      `SELECT id, kind, expires_at, reason FROM member_sanctions
       WHERE member_id = $1 AND lifted_at IS NULL AND kind IN ('suspend', 'ban')
         AND starts_at <= $2 AND (expires_at IS NULL OR expires_at > $2)
       ORDER BY (kind = 'ban') DESC, expires_at DESC, created_at DESC, id
       LIMIT 1`,
      [memberId, this.#clock()],
    );
    const r = rows[0];
    return r ? { sanctionId: r.id, kind: r.kind, expiresAt: r.expires_at, reason: r.reason } : null;
  }

  /**
   * activeRestriction for many members in one query (the same rule, one row per restricted member): for `memberIds`,
   * or for every member when null — active suspensions and bans are few, so a matching round reads them all at once
   * instead of asking per member.
   */
  async activeRestrictions(memberIds: readonly string[] | null = null, q: Queryable = this.pool): Promise<Map<string, Restriction>> {
    if (memberIds !== null) memberIds.forEach((id, i) => requireUuid(id, `activeRestrictions: memberIds[${i}]`));
    const { rows } = await q.query<{ member_id: string; id: string; kind: 'suspend' | 'ban'; expires_at: Date | null; reason: string }>(
      `SELECT DISTINCT ON (member_id) member_id, id, kind, expires_at, reason FROM member_sanctions
       WHERE ($2::uuid[] IS NULL OR member_id = ANY($2::uuid[])) AND lifted_at IS NULL AND kind IN ('suspend', 'ban')
         AND starts_at <= $1 AND (expires_at IS NULL OR expires_at > $1)
       ORDER BY member_id, (kind = 'ban') DESC, expires_at DESC, created_at DESC, id`,
      [this.#clock(), memberIds],
    );
    return new Map(rows.map((r) => [r.member_id, { sanctionId: r.id, kind: r.kind, expiresAt: r.expires_at, reason: r.reason }]));
  }

  /** Lifts one sanction. null when there is no such sanction or it was already lifted (see `get`). */
  async lift(id: string, by: string, reason: string, q: Queryable = this.pool): Promise<Sanction | null> {
    requireUuid(id, 'lift: id');
    if (by !== 'system') requireUuid(by, 'lift: by (a member id or "system")');
    const liftReason = requireReason(reason, 'lift: reason');
    const { rows } = await q.query<Row>(
      `UPDATE member_sanctions SET lifted_at = $2, lifted_by = $3, lift_reason = $4
       WHERE id = $1 AND lifted_at IS NULL RETURNING ${COLUMNS}`,
      [id, this.#clock(), by, liftReason],
    );
    return rows[0] ? toSanction(rows[0]) : null;
  }

  /**
   * Records every suspension that has run out (expires_at <= now) as lifted by 'system'; returns those it lifted,
   * earliest expiry first. Idempotent and safe with concurrent lifters: a row is lifted only while lifted_at is null,
   * and rows another lifter holds are skipped (it lifts them).
   */
  async liftExpired(q: Queryable = this.pool): Promise<Sanction[]> {
    const now = this.#clock();
    const lifted: Sanction[] = [];
    for (;;) {
      const { rows } = await q.query<Row>(
        `UPDATE member_sanctions SET lifted_at = $1, lifted_by = 'system', lift_reason = 'expired'
         WHERE id IN (SELECT id FROM member_sanctions
                      WHERE lifted_at IS NULL AND kind = 'suspend' AND expires_at <= $1
                      ORDER BY expires_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
           AND lifted_at IS NULL
         RETURNING ${COLUMNS}`,
        [now, this.#batch],
      );
      lifted.push(...rows.map(toSanction));
      if (rows.length < this.#batch) break;
    }
    return lifted.sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(id: string, q: Queryable = this.pool): Promise<Sanction | null> {
    requireUuid(id, 'get: id');
    const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM member_sanctions WHERE id = $1`, [id]);
    return rows[0] ? toSanction(rows[0]) : null;
  }

  /** A member's sanctions, lifted ones included, newest first. */
  async listFor(memberId: string, options: { limit?: number } = {}): Promise<Sanction[]> {
    requireUuid(memberId, 'listFor: memberId');
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new TypeError('listFor: limit must be an integer from 1 to 1000');
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM member_sanctions WHERE member_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2`,
      [memberId, limit],
    );
    return rows.map(toSanction);
  }
}
