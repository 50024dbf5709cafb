// Who blocked whom. A block is one-directional in storage; the effects (no requests, no room joins) apply both ways.
import type { CheckedPage } from './guards.js';
import { summaryColumns, summaryFrom } from './member-summary.js';
import { toPage } from './page.js';
import type { Queryable } from '../../db/queryable.js';
import type { BlockedMember, Page } from './types.js';

interface BlockRow extends Record<string, unknown> {
  seq: string;
  created_at: Date;
}

export class BlockStore {
  constructor(private readonly db: Queryable) {}

  /** Returns whether this call created the block (false when it already existed). */
  async block(blockerId: string, blockedId: string): Promise<boolean> {
    const res = await this.db.query('INSERT INTO member_blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [blockerId, blockedId]);
    return res.rowCount === 1;
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const res = await this.db.query('DELETE FROM member_blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
    return res.rowCount === 1;
  }

  async get(blockerId: string, blockedId: string): Promise<BlockedMember | undefined> {
    const { rows } = await this.db.query<BlockRow>(
      `SELECT b.seq, b.created_at, ${summaryColumns('m', 'm_')} FROM member_blocks b JOIN members m ON m.id = b.blocked_id
       WHERE b.blocker_id = $1 AND b.blocked_id = $2`,
      [blockerId, blockedId],
    );
    return rows[0] && toBlocked(rows[0]);
  }

  async hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM member_blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
    return rows.length > 0;
  }

  async eitherWay(a: string, b: string): Promise<boolean> {
    const { rows } = await this.db.query(
      'SELECT 1 FROM member_blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1) LIMIT 1',
      [a, b],
    );
    return rows.length > 0;
  }

  /** Newest blocks first. */
  async list(blockerId: string, page: CheckedPage): Promise<Page<BlockedMember>> {
    const { rows } = await this.db.query<BlockRow>(
      `SELECT b.seq, b.created_at, ${summaryColumns('m', 'm_')} FROM member_blocks b JOIN members m ON m.id = b.blocked_id
       WHERE b.blocker_id = $1 AND ($2::bigint IS NULL OR b.seq < $2::bigint) ORDER BY b.seq DESC LIMIT $3`,
      [blockerId, page.after, page.limit + 1],
    );
    return toPage(rows, page.limit, toBlocked);
  }
}

function toBlocked(r: BlockRow): BlockedMember {
  return { member: summaryFrom(r, 'm_'), blockedAt: r.created_at.toISOString() };
}
