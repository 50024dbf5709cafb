// Reactions come from a fixed palette rather than "any emoji": the set stays small and known to every client,
// counts cannot grow unbounded keys, and emoji used to harass speakers (e.g. an obscene gesture) simply do not exist.
// Skin-tone modifiers and the emoji variation selector are accepted and counted under the base emoji.
import { DomainError } from './domain-error.js';

export const REACTION_EMOJI = ['👏', '❤️', '😂', '🔥', '💯', '👍', '🙌', '🤔', '😮', '🎉'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJI)[number];

// U+FE0F variation selector and U+1F3FB..U+1F3FF skin tones.
const DECORATION = /\uFE0F|\u{1F3FB}|\u{1F3FC}|\u{1F3FD}|\u{1F3FE}|\u{1F3FF}/gu;
const BY_BARE = new Map<string, ReactionEmoji>(REACTION_EMOJI.map((e) => [e.replace(DECORATION, ''), e]));

export function isReactionEmoji(value: unknown): value is ReactionEmoji {
  return typeof value === 'string' && (REACTION_EMOJI as readonly string[]).includes(value);
}

/** The palette emoji `input` stands for, or a DomainError (field `emoji`) when it is not one of them. */
export function normalizeReaction(input: string): ReactionEmoji {
  if (typeof input !== 'string') throw new TypeError('emoji must be a string');
  const found = input.length <= 16 ? BY_BARE.get(input.normalize('NFC').replace(DECORATION, '')) : undefined;
  if (found === undefined) {
    throw new DomainError('unsupported_emoji', `emoji must be one of ${REACTION_EMOJI.join(' ')}`, 'emoji');
  }
  return found;
}
