// Stages as persisted: one snapshot row per room, replaced only if nobody wrote in between (version check), and
// the append-only event log written in the same transaction, so the log and the snapshot never disagree.
import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
import { REACTION_EMOJI, type ReactionEmoji, StageState, type StageEvent } from '../stage/index.js';
import { insertEffects, type NewEffect } from './effect-store.js';
import type { ReactionCounts, StageRoomFacts } from './public-stage.js';

export interface StoredStage {
  state: StageState;
  /** The version column the next write must match. */
  version: number;
}

interface EventRow {
  type: string;
  actor: string;
  target: string | null;
  at: string;
  payload: StageEvent;
}

export class StageStore {
  constructor(private readonly pool: pg.Pool) {}

  async room(roomId: string): Promise<(StageRoomFacts & { handRaisingEnabled: boolean }) | undefined> {
    const { rows } = await this.pool.query<{ id: string; livekit_name: string; host_member_id: string; status: StageRoomFacts['status']; hand_raising_enabled: boolean }>(
      'SELECT id, livekit_name, host_member_id, status, hand_raising_enabled FROM rooms WHERE id = $1',
      [roomId],
    );
    const r = rows[0];
    return r && { id: r.id, livekitName: r.livekit_name, hostMemberId: r.host_member_id, status: r.status, handRaisingEnabled: r.hand_raising_enabled };
  }

  async load(roomId: string): Promise<StoredStage | undefined> {
    const { rows } = await this.pool.query<{ snapshot: unknown; version: number }>('SELECT snapshot, version FROM room_stages WHERE room_id = $1', [roomId]);
    const r = rows[0];
    return r && { state: StageState.fromJSON(r.snapshot), version: r.version };
  }

  /** Stores a fresh stage unless the room already has one; true when this call created it. */
  async insertIfMissing(state: StageState, now: number): Promise<boolean> {
    const res = await this.pool.query(
      'INSERT INTO room_stages (room_id, snapshot, version, updated_at) VALUES ($1, $2::jsonb, $3, $4) ON CONFLICT (room_id) DO NOTHING',
      [state.roomId, JSON.stringify(state.toJSON()), state.version, new Date(now)],
    );
    return res.rowCount === 1;
  }

  /**
   * Replaces the snapshot if it is still at `expectedVersion`, appends `events` and queues `effects` (the LiveKit
   * outbox) in the same transaction; false when someone wrote first. `alsoInTransaction` runs last, before the
   * commit (the room event bus appends the change there).
   */
  async commit(
    expectedVersion: number,
    next: StageState,
    events: readonly StageEvent[],
    now: number,
    effects: readonly NewEffect[] = [],
    alsoInTransaction?: (client: Queryable) => Promise<unknown>,
  ): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const updated = await client.query(
        'UPDATE room_stages SET snapshot = $2::jsonb, version = $3, updated_at = $4 WHERE room_id = $1 AND version = $5',
        [next.roomId, JSON.stringify(next.toJSON()), next.version, new Date(now), expectedVersion],
      );
      if (updated.rowCount !== 1) {
        await client.query('ROLLBACK');
        return false;
      }
      if (events.length > 0) {
        await client.query(
          `INSERT INTO room_stage_events (room_id, version, type, actor, target, at, payload)
           SELECT $1, $2, e.type, e.actor, e.target, e.at, e.payload
           FROM jsonb_to_recordset($3::jsonb) AS e(type text, actor text, target text, at timestamptz, payload jsonb)`,
          [next.roomId, next.version, JSON.stringify(events.map(toEventRow))],
        );
      }
      await insertEffects(client, next.roomId, next.version, effects, now);
      await alsoInTransaction?.(client);
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Counts one reaction (one upsert on its own row: the stage snapshot is not touched) and returns the room's counts. */
  async addReaction(roomId: string, emoji: ReactionEmoji): Promise<ReactionCounts> {
    await this.pool.query(
      `INSERT INTO room_reaction_counts (room_id, emoji, count) VALUES ($1, $2, 1)
       ON CONFLICT (room_id, emoji) DO UPDATE SET count = room_reaction_counts.count + 1`,
      [roomId, emoji],
    );
    return this.reactionCounts(roomId);
  }

  /** The room's reaction counts, in palette order. */
  async reactionCounts(roomId: string, db: Queryable = this.pool): Promise<ReactionCounts> {
    const { rows } = await db.query<{ emoji: string; count: string }>('SELECT emoji, count FROM room_reaction_counts WHERE room_id = $1', [roomId]);
    const byEmoji = new Map(rows.map((r) => [r.emoji, Number(r.count)]));
    const counts: ReactionCounts = {};
    for (const emoji of REACTION_EMOJI) {
      const n = byEmoji.get(emoji);
      if (n !== undefined && n > 0) counts[emoji] = n;
    }
    return counts;
  }

  /**
   * How `identity` last entered or left this room by the host's hand: the consent of their last admission, or
   * `removed` when a removal came after it (a removed member gets back in only through a new join), or null if they
   * were never admitted.
   */
  async lastAdmission(roomId: string, identity: string): Promise<{ removed: false; consentAt: number } | { removed: true } | null> {
    const { rows } = await this.pool.query<{ type: string; consent: string | null }>(
      `SELECT type, payload->>'transcriptionConsentAt' AS consent FROM room_stage_events
       WHERE room_id = $1 AND ((type = 'participant_joined' AND actor = $2) OR (type = 'participant_removed' AND target = $2))
       ORDER BY id DESC LIMIT 1`,
      [roomId, identity],
    );
    const last = rows[0];
    if (last === undefined) return null;
    if (last.type === 'participant_removed') return { removed: true };
    return last.consent === null ? null : { removed: false, consentAt: Number(last.consent) };
  }

  /** The stored events of a room, oldest first (for staff review and tests of the evidence trail). */
  async events(roomId: string, options: { afterId?: string; limit: number }): Promise<(EventRow & { id: string; version: number })[]> {
    const { rows } = await this.pool.query<{ id: string; version: number; type: string; actor: string; target: string | null; at: Date; payload: StageEvent }>(
      `SELECT id, version, type, actor, target, at, payload FROM room_stage_events
       WHERE room_id = $1 AND ($2::bigint IS NULL OR id > $2::bigint) ORDER BY id LIMIT $3`,
      [roomId, options.afterId ?? null, options.limit],
    );
    return rows.map((r) => ({ id: String(r.id), version: r.version, type: r.type, actor: r.actor, target: r.target, at: r.at.toISOString(), payload: r.payload }));
  }
}

/** Who acted and on whom, per event type; self-actions have the participant as actor and no target. */
export function eventParties(e: StageEvent): { actor: string; target: string | null } {
  switch (e.type) {
    case 'participant_joined':
    case 'participant_left':
    case 'hand_raised':
    case 'hand_lowered':
    case 'reaction_sent':
      return { actor: e.identity, target: null };
    case 'invite_declined':
      return { actor: e.identity, target: e.invitedBy };
    case 'invite_cancelled':
      return { actor: e.invitedBy, target: e.identity };
    case 'host_transferred':
      return { actor: e.from, target: e.to };
    case 'hand_raising_changed':
    case 'room_ended':
      return { actor: e.by, target: null };
    case 'participant_removed':
    case 'participant_unbanned':
    case 'hand_dismissed':
    case 'invite_sent':
    case 'stage_joined':
    case 'stage_left':
    case 'participant_muted':
    case 'cohost_promoted':
    case 'cohost_demoted':
      return { actor: e.by, target: e.by === e.identity ? null : e.identity };
  }
}

function toEventRow(e: StageEvent): EventRow {
  return { type: e.type, ...eventParties(e), at: new Date(e.at).toISOString(), payload: e };
}
