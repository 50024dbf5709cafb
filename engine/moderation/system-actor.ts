// Who the platform's automatic moderation acts as on the stage: trust-and-safety's powers (the access table's staff
// rows for mute, move to audience and remove), under a name that is no member's, so stage events and audit records
// say the system did it.
import type { StageMember } from '../stage-service/stage-service.js';

export const SYSTEM_MODERATOR_ID = 'system:moderation';

export const SYSTEM_MODERATOR: StageMember = Object.freeze({ memberId: SYSTEM_MODERATOR_ID, platformRoles: Object.freeze(['trust_safety'] as const) });
