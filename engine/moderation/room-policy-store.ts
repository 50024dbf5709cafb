// A room's stored policy override (room_moderation_policies) and the effective policy it gives with the platform's.
// Only the override is stored; the effective policy is merged on read, so a platform change reaches every room for
// the fields the host did not set.
import type { Queryable } from '../../db/queryable.js';
import { assertRoomPolicy, validateRoomPolicyOverride, type OverrideValidation, type PolicyFieldError, type RoomPolicy, type RoomPolicyOverride } from './room-policy.js';

export interface StoredRoomPolicy {
  roomId: string;
  override: RoomPolicyOverride;
  /** The effective version when it was saved. */
  version: string;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface EffectiveRoomPolicy {
  policy: RoomPolicy;
  /** Stored fields the current platform policy no longer allows (a floor tightened since); the platform's apply. */
  ignored: PolicyFieldError[];
}

export interface RoomPolicyStoreOptions {
  now?: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new TypeError(`${field} must be a uuid`);
  return value;
}

export class RoomPolicyStore {
  readonly #now: () => Date;

  constructor(
    private readonly pool: Queryable,
    private readonly platform: RoomPolicy,
    options: RoomPolicyStoreOptions = {},
  ) {
    if (!pool || typeof pool.query !== 'function') throw new TypeError('RoomPolicyStore: pool must be a Queryable');
    assertRoomPolicy(platform, 'RoomPolicyStore: platform');
    this.#now = options.now ?? (() => new Date());
  }

  async get(roomId: string, q: Queryable = this.pool): Promise<StoredRoomPolicy | null> {
    requireUuid(roomId, 'get: roomId');
    const { rows } = await q.query<{ room_id: string; override: RoomPolicyOverride; version: string; updated_by: string | null; updated_at: Date }>(
      'SELECT room_id, override, version, updated_by, updated_at FROM room_moderation_policies WHERE room_id = $1',
      [roomId],
    );
    const r = rows[0];
    return r ? { roomId: r.room_id, override: r.override, version: r.version, updatedBy: r.updated_by, updatedAt: r.updated_at } : null;
  }

  /**
   * The policy a room runs under. A stored field the platform no longer allows is ignored (and reported), never
   * applied: a floor the platform tightened after the host saved wins.
   */
  async effective(roomId: string, q: Queryable = this.pool): Promise<EffectiveRoomPolicy> {
    const stored = await this.get(roomId, q);
    if (!stored) return { policy: this.platform, ignored: [] };
    const first = validateRoomPolicyOverride(stored.override, this.platform);
    if (first.ok) return { policy: first.policy, ignored: [] };
    const pruned = withoutFields(stored.override, first.errors);
    const second = validateRoomPolicyOverride(pruned, this.platform);
    // Pruning removes every field named; if anything is still wrong, the platform policy alone is the safe answer.
    return { policy: second.ok ? second.policy : this.platform, ignored: first.errors };
  }

  /** Validates and saves a host's override on `q`; on refusal writes nothing and returns the offending fields. */
  async put(q: Queryable, roomId: string, override: unknown, updatedBy: string | null): Promise<OverrideValidation> {
    requireUuid(roomId, 'put: roomId');
    if (updatedBy !== null) requireUuid(updatedBy, 'put: updatedBy');
    const result = validateRoomPolicyOverride(override, this.platform);
    if (!result.ok) return result;
    await q.query(
      `INSERT INTO room_moderation_policies (room_id, override, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id) DO UPDATE SET override = EXCLUDED.override, version = EXCLUDED.version,
         updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [roomId, JSON.stringify(result.override), result.policy.version, updatedBy, this.#now()],
    );
    return result;
  }

  /** Back to the platform policy. Returns whether the room had an override. */
  async clear(q: Queryable, roomId: string): Promise<boolean> {
    requireUuid(roomId, 'clear: roomId');
    const { rowCount } = await q.query('DELETE FROM room_moderation_policies WHERE room_id = $1', [roomId]);
    return (rowCount ?? 0) > 0;
  }
}

/** A copy of the override without the fields named by errors (`categories.x.threshold`, `escalation.ladder[2]`, …). */
function withoutFields(override: RoomPolicyOverride, errors: readonly PolicyFieldError[]): RoomPolicyOverride {
  const copy = JSON.parse(JSON.stringify(override ?? {})) as Record<string, unknown>;
  for (const { field } of errors) {
    const path = field.replace(/\[\d+\]$/, '').split('.').filter(Boolean);
    if (path.length === 0) return {};
    let node: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) {
      const next: unknown = node?.[key];
      node = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
    }
    if (node) delete node[path.at(-1)!];
  }
  return copy as RoomPolicyOverride;
}
