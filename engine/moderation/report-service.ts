// Participants report a speaker (or the room itself) to trust-and-safety. A report opens a `report` case, or adds to
// the open one about the same speaker in the same room (one reporter counts once per open case), holding the last
// minutes of the room's transcript (every speaker) as its evidence. Who may report is the access table's
// room.report row; the API spends the report quota before this runs.
import type pg from 'pg';
import { authorize } from '../access/index.js';
import type { CaseStore } from '../cases/case-store.js';
import { EngineError } from '../engine-error.js';
import type { EvidenceStore } from '../evidence/evidence-store.js';
import type { Principal } from '../identity/account-service.js';
import type { RoomService } from '../rooms/room-service.js';
import type { StageService } from '../stage-service/index.js';
import { DomainError } from '../stage/domain-error.js';
import type { HarmCategory } from '../../models/classifier/taxonomy.js';

/** How much of the room's transcript a report holds. */
export const REPORT_WINDOW_MS = 5 * 60_000;
const MAX_REPORT_SEGMENTS = 500;

export type ReportReason = HarmCategory | 'other';

export interface ReportInput {
  /** The speaker reported; absent: the room itself. */
  memberId?: string;
  reason: ReportReason;
  text?: string;
}

export interface ReportDeps {
  pool: pg.Pool;
  cases: CaseStore;
  evidence: EvidenceStore;
  rooms: Pick<RoomService, 'get'>;
  stage: Pick<StageService, 'roleOf'>;
}

export class ReportService {
  constructor(private readonly d: ReportDeps) {}

  async report(reporter: Principal, roomId: string, input: ReportInput): Promise<{ caseId: string }> {
    // A room the reporter may not see reads as not found.
    const room = await this.d.rooms.get(reporter, roomId);
    const roomRole = room.hostMemberId === reporter.memberId ? 'host' : room.status === 'live' ? await this.d.stage.roleOf(roomId, reporter.memberId) : null;
    const decision = authorize({ memberId: reporter.memberId, platformRoles: reporter.platformRoles, roomRole }, 'room.report', { roomState: room.status });
    if (!decision.allowed) throw new DomainError(decision.code, decision.reason);
    const target = input.memberId;
    if (target === reporter.memberId) throw new EngineError('invalid', 'self_report', 'you cannot report yourself: memberId is your own id', 'memberId');
    if (target !== undefined && !(await this.#inRoom(roomId, room.hostMemberId, target))) {
      throw new EngineError('not_found', 'target_not_in_room', 'that member is not in this room and did not speak in it in the last minutes', 'memberId');
    }
    const { rows } = await this.d.pool.query<{ id: string }>(
      `SELECT id FROM transcript_segments WHERE room_id = $1 AND started_at >= now() - make_interval(secs => $2::int / 1000.0)
        ORDER BY started_at DESC, id DESC LIMIT $3`,
      [roomId, REPORT_WINDOW_MS, MAX_REPORT_SEGMENTS],
    );
    const segmentIds = rows.map((r) => String(r.id)).reverse();
    const opened = await this.d.cases.openOrMerge({
      kind: 'report',
      subjectMemberId: target ?? null,
      roomId,
      categories: input.reason === 'other' ? [] : [input.reason],
      dedupeKey: `report:${roomId}:${target ?? 'room'}`,
      eventKey: `reporter:${reporter.memberId}`,
      actor: { kind: 'member', memberId: reporter.memberId },
      ...(input.text !== undefined ? { reason: input.text } : {}),
      detail: { reporterId: reporter.memberId, reason: input.reason, targetMemberId: target ?? null, segmentIds },
    });
    // An open report holds the audio evidence of those segments past the normal retention.
    await this.d.evidence.extendForSegments(segmentIds);
    return { caseId: opened.caseId };
  }

  /** On the stage now, the room's host, or spoke in the room within the report window. */
  async #inRoom(roomId: string, hostId: string, memberId: string): Promise<boolean> {
    if (memberId === hostId) return true;
    if ((await this.d.stage.roleOf(roomId, memberId)) !== null) return true;
    const { rowCount } = await this.d.pool.query(
      'SELECT 1 FROM transcript_segments WHERE room_id = $1 AND speaker_identity = $2 AND started_at >= now() - make_interval(secs => $3::int / 1000.0) LIMIT 1',
      [roomId, memberId, REPORT_WINDOW_MS],
    );
    return (rowCount ?? 0) > 0;
  }
}
