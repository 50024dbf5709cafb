// Every action that needs an access decision. The list is closed: authorize() has one table row per action,
// and the type checker refuses a row missing or a name misspelt.

export const ACTIONS = [
  'room.view',
  'room.join',
  'room.update',
  'room.start',
  'room.cancel',
  'room.end',
  'room.invite',
  'room.set_hand_raising',
  'stage.view',
  'stage.view_moderation',
  'stage.raise_hand',
  'stage.lower_hand',
  'stage.approve_hand',
  'stage.dismiss_hand',
  'stage.invite',
  'stage.respond_invite',
  'stage.move_to_audience',
  'stage.leave',
  'participant.mute',
  'participant.remove',
  'participant.unban',
  'role.promote_cohost',
  'role.demote_cohost',
  'reaction.send',
  'transcript.read',
  'room.report',
  'room.view_moderation_policy',
  'room.moderation_policy',
] as const;

export type Action = (typeof ACTIONS)[number];

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}
