// Shared fixtures for stage tests (not a test file): a fixed clock and stages built from plain snapshots.
import type { RoomRole } from '../../engine/access/index.js';
import { StageState, type StageResult, type StageSnapshot } from '../../engine/stage/index.js';

export const T0 = 1_700_000_000_000;
/** T0 plus `seconds`. */
export const at = (seconds: number): number => T0 + seconds * 1000;

/** A live stage with the given participants (joined at T0, consent at T0) and everything else empty. */
export function stageWith(roles: Record<string, RoomRole>, extra: Partial<StageSnapshot> = {}): StageState {
  const hostId = Object.entries(roles).find(([, role]) => role === 'host')?.[0] ?? 'host';
  return new StageState({
    roomId: 'room-1',
    hostId,
    version: 0,
    handRaisingEnabled: true,
    endedAt: null,
    participants: Object.entries(roles).map(([identity, role]) => ({ identity, role, joinedAt: T0, transcriptionConsentAt: T0, roleSince: T0 })),
    hands: [],
    invites: [],
    bans: [],
    ...extra,
  });
}

export const actor = (identity: string) => ({ identity });

/** Applies steps in order, returning the last result (each step gets the previous state). */
export function run(state: StageState, ...steps: Array<(s: StageState) => StageResult>): StageResult {
  let result: StageResult = { state, effects: [], events: [] };
  for (const step of steps) result = step(result.state);
  return result;
}
