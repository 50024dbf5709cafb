// The one audit log: every automatic moderation action, every staff decision, every read of evidence. Append-only
// (a database trigger refuses updates and deletes); writers pass the transaction they act in, so the record and the
// change it describes commit together.
import type { Queryable } from '../../db/queryable.js';

export type AuditActor = { kind: 'system' } | { kind: 'member'; memberId: string };

export interface NewAuditEntry {
  actor: AuditActor;
  /** Dotted verb, e.g. `moderation.auto_mute`, `evidence.read`, `case.decided`. */
  action: string;
  subject?: { kind: string; id: string };
  roomId?: string;
  /** Evidence and parameters: segment ids, scores, model and policy versions, reasons. Plain JSON. */
  detail?: Record<string, unknown>;
  /** Fixed time for tests and replays; the database clock otherwise. */
  at?: Date;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { kind: 'system' } | { kind: 'member'; memberId: string | null };
  action: string;
  subject: { kind: string; id: string } | null;
  roomId: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  /** Actions starting with this prefix, e.g. `moderation.`. */
  actionPrefix?: string;
  subject?: { kind: string; id: string };
  roomId?: string;
  since?: Date;
  until?: Date;
  /** Newest first; pass the last id seen to page back. */
  beforeId?: string;
  limit: number;
}

interface Row {
  id: string;
  at: Date;
  actor_kind: 'system' | 'member';
  actor_id: string | null;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  room_id: string | null;
  detail: Record<string, unknown>;
}

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export class AuditLog {
  constructor(private readonly db: Queryable) {}

  /** Records one entry on `q` (a transaction's client) or on the log's own pool. Returns the entry's id. */
  async record(entry: NewAuditEntry, q: Queryable = this.db): Promise<string> {
    if (!entry || typeof entry !== 'object') throw new TypeError('AuditLog.record: entry must be an object');
    if (typeof entry.action !== 'string' || !ACTION.test(entry.action)) throw new TypeError('AuditLog.record: action must be a dotted lower-case verb like "moderation.auto_mute"');
    const actor = entry.actor;
    if (!actor || (actor.kind !== 'system' && actor.kind !== 'member')) throw new TypeError('AuditLog.record: actor.kind must be "system" or "member"');
    if (actor.kind === 'member' && (typeof actor.memberId !== 'string' || actor.memberId === '')) throw new TypeError('AuditLog.record: actor.memberId must be a member id');
    if (entry.at !== undefined && !(entry.at instanceof Date && Number.isFinite(entry.at.getTime()))) throw new TypeError('AuditLog.record: at must be a valid Date');
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO audit_log (at, actor_kind, actor_id, action, subject_kind, subject_id, room_id, detail)
       VALUES (COALESCE($1, now()), $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        entry.at ?? null,
        actor.kind,
        actor.kind === 'member' ? actor.memberId : null,
        entry.action,
        entry.subject?.kind ?? null,
        entry.subject?.id ?? null,
        entry.roomId ?? null,
        JSON.stringify(entry.detail ?? {}),
      ],
    );
    return String(rows[0]!.id);
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (query.actorId !== undefined) add('actor_id = ?', query.actorId);
    if (query.action !== undefined) add('action = ?', query.action);
    if (query.actionPrefix !== undefined) add("starts_with(action, ?)", query.actionPrefix);
    if (query.subject !== undefined) {
      add('subject_kind = ?', query.subject.kind);
      add('subject_id = ?', query.subject.id);
    }
    if (query.roomId !== undefined) add('room_id = ?', query.roomId);
    if (query.since !== undefined) add('at >= ?', query.since);
    if (query.until !== undefined) add('at < ?', query.until);
    if (query.beforeId !== undefined) add('id < ?', query.beforeId);
    values.push(query.limit);
    const { rows } = await this.db.query<Row>(
      `SELECT id, at, actor_kind, actor_id, action, subject_kind, subject_id, room_id, detail FROM audit_log
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      actor: r.actor_kind === 'system' ? { kind: 'system' } : { kind: 'member', memberId: r.actor_id },
      action: r.action,
      subject: r.subject_kind && r.subject_id ? { kind: r.subject_kind, id: r.subject_id } : null,
      roomId: r.room_id,
      detail: r.detail,
    }));
  }
}
