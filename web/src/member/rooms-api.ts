// The room shapes the discovery and hosting pages read (api/routes/schemas.ts's Room), and the small helpers both
// areas share: the member's own time zone, and errors the API reports on a list field (topics.0).
import { ApiRequestError } from '../api/client.js';

export type RoomVisibility = 'open' | 'connections_or_group' | 'invite_only';

export interface Room {
  id: string;
  hostMemberId: string;
  title: string;
  description: string;
  topics: string[];
  groupId: string | null;
  visibility: RoomVisibility;
  maxListeners: number;
  handRaisingEnabled: boolean;
  status: 'scheduled' | 'live' | 'ended';
  scheduledFor: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  endedReason: 'host' | 'empty' | 'staff' | 'cancelled' | null;
  rsvpCount: number;
  rsvpd: boolean;
  transcriptionNotice: string;
}

export interface RoomPage {
  items: Room[];
  nextCursor: string | null;
}

export interface MemberSummary {
  id: string;
  displayName: string;
  headline: string;
  company: string;
  photoUrl: string | null;
}

export interface Group {
  id: string;
  name: string;
  description: string;
  visibility: 'open' | 'private';
  memberCount: number;
  createdAt: string;
  updatedAt: string;
  myRole: 'owner' | 'admin' | 'member' | null;
}

export const VISIBILITY_LABELS: Record<RoomVisibility, string> = {
  open: 'Open: any member may join',
  connections_or_group: "Connections or group: your connections, or the group's members",
  invite_only: 'Invite only: members you invite',
};

/** The browser's IANA time zone and its current UTC offset, e.g. "Europe/Paris (UTC+01:00)". */
export function ownTimeZone(at = new Date()): { zone: string; label: string } {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const minutes = -at.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  const offset = `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { zone, label: `${zone} (${offset})` };
}

/** The API's message for a field or any element of it (`body.topics.2` counts for `topics`). */
export function fieldError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiRequestError)) return undefined;
  const path = (d: string) => d.replace(/^(body|query|params)\./, '');
  const hit = err.details.find((d) => path(d.field) === field || path(d.field).startsWith(`${field}.`) || path(d.field).startsWith(`${field}[`));
  if (!hit) return undefined;
  const rest = path(hit.field).slice(field.length);
  // Name the element of a list the message is about ("topic 2: …").
  const index = /^[.[](\d+)/.exec(rest)?.[1];
  return index !== undefined ? `item ${Number(index) + 1}: ${hit.message}` : hit.message;
}

/** "design, hiring ml" → ["design", "hiring ml"]: topics are entered comma-separated. */
export function parseTopics(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
