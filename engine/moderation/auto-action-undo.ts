// A host (or co-host, or staff) undoes what automatic moderation did to a speaker in their room: a removal's room ban
// is lifted, a speaker moved to the audience is invited back on stage (they accept, as always: two keys), a mute is
// lifted (the speaker may unmute). Who may is the access table's answer for the matching manual power; each undo is
// audited once, naming the action's own audit record.
import type pg from 'pg';
import { authorize, type Action } from '../access/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { EngineError } from '../engine-error.js';
import type { Principal } from '../identity/account-service.js';
import type { RoomService } from '../rooms/room-service.js';
import type { StageService } from '../stage-service/index.js';
import { DomainError } from '../stage/domain-error.js';
import { isUniqueViolation } from '../../db/queryable.js';

/** Each undoable automatic action: the manual power that may undo it. */
const UNDO: Readonly<Record<string, { power: Action; undone: 'remove' | 'move_to_audience' | 'mute' }>> = {
  'moderation.auto_remove': { power: 'participant.unban', undone: 'remove' },
  'moderation.auto_move_to_audience': { power: 'stage.invite', undone: 'move_to_audience' },
  'moderation.auto_mute': { power: 'participant.mute', undone: 'mute' },
};

export interface UndoResult {
  actionId: string;
  undone: 'remove' | 'move_to_audience' | 'mute';
  speaker: string;
  /** What it took: the ban lifted, an invitation to the stage sent, or the speaker told they may unmute. */
  effect: 'unbanned' | 'invited_back' | 'may_unmute';
}

export class AutoActionUndo {
  constructor(private readonly d: { pool: pg.Pool; rooms: RoomService; stage: StageService; audit: AuditLog }) {}

  async undo(by: Principal, roomId: string, actionId: string): Promise<UndoResult> {
    const room = await this.d.rooms.get(by, roomId); // a room the caller may not see reads as not found
    const { rows } = await this.d.pool.query<{ action: string; subject_id: string }>(
      `SELECT action, subject_id FROM audit_log WHERE id = $1 AND room_id = $2 AND actor_kind = 'system' AND starts_with(action, 'moderation.auto_')`,
      [actionId, roomId],
    );
    const record = rows[0];
    if (!record) throw new EngineError('not_found', 'action_not_found', 'no automatic moderation action with that id in this room', 'actionId');
    const rule = UNDO[record.action];
    if (!rule) throw new EngineError('conflict', 'nothing_to_undo', `${record.action} changed nothing on the stage`, 'actionId');
    const roomRole = room.hostMemberId === by.memberId ? 'host' : room.status === 'live' ? await this.d.stage.roleOf(roomId, by.memberId) : null;
    // participant.mute acts on a target: the access table needs the speaker's standing to check rank.
    const target = rule.power === 'participant.mute' ? { memberId: record.subject_id, roomRole: room.status === 'live' ? await this.d.stage.roleOf(roomId, record.subject_id) : null } : undefined;
    const decision = authorize({ memberId: by.memberId, platformRoles: by.platformRoles, roomRole }, rule.power, { roomState: room.status, ...(target ? { target } : {}) });
    if (!decision.allowed) throw new DomainError(decision.code, decision.reason);
    const done = await this.d.pool.query(`SELECT 1 FROM audit_log WHERE action = 'moderation.auto_action_undone' AND subject_id = $1`, [actionId]);
    if (done.rowCount) throw new EngineError('conflict', 'already_undone', 'this automatic action was already undone', 'actionId');
    const speaker = record.subject_id;
    const member = { memberId: by.memberId, platformRoles: by.platformRoles };
    let effect: UndoResult['effect'] = 'may_unmute';
    // The stage first (each is idempotent or refuses cleanly), then the one audit record per undone action.
    if (rule.undone === 'remove') {
      await this.d.stage.unban(roomId, member, speaker);
      effect = 'unbanned';
    } else if (rule.undone === 'move_to_audience') {
      await this.d.stage.invite(roomId, member, speaker);
      effect = 'invited_back';
    }
    try {
      await this.d.audit.record({
        actor: { kind: 'member', memberId: by.memberId },
        action: 'moderation.auto_action_undone',
        subject: { kind: 'audit', id: actionId },
        roomId,
        detail: { undone: record.action, speaker, effect },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new EngineError('conflict', 'already_undone', 'this automatic action was already undone', 'actionId');
      throw err;
    }
    return { actionId, undone: rule.undone, speaker, effect };
  }
}
