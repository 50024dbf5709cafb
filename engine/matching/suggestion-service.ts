// Suggestions: for a matchable member, partners from the embedding index (top-k by complementarity of goals and
// similar experience), filtered by matcher/exclusions.ts (blocks either way, matched or paired within 8 weeks,
// declined, suspended or under an open moderation case, the weekly exposure cap per candidate) and by availability
// (≥ 30 min common time over the next two weeks, matcher/availability.ts), ranked by matcher/ranking.ts, each with
// reasons written for the viewer (their own time zone).
//
// Lifecycle of a suggestion row (member_id sees candidate_id):
//   pending ──accept──► accepted ──(the other side accepts too)──► matched (a private room is scheduled)
//      │ └──decline──► declined (the pair is never suggested again; the other side's open row quietly expires)
//      └──snooze N days──► snoozed ──(N days later)──► pending again, with a fresh week
//   pending/accepted past expires_at (a week) ──► expired; on the next read another candidate takes the place.
// Reads are lazy refreshes (expire, un-snooze, hide rows that became unsafe, top up to `shown`); sweep() does the
// same for everyone and is idempotent.
//
// Mutual opt-in: accepting creates the reverse suggestion for the other member when they have none (source
// 'reciprocal'; it does not say that the first accepted). When both rows are accepted, ONE transaction — with the
// two members' rows locked (FOR UPDATE, in id order) so concurrent accepts of the same pair, or of two pairs that
// share a member, run one after the other — schedules an invite-only room (host: who accepted first; the other is
// invited) at the pair's first common slot that overlaps no other match room of either member, records the match,
// and notifies both. match_rooms (member_low, member_high, pair_match_no) makes a second room for the same match
// impossible even if the locking were wrong.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { inTransaction, type Queryable } from '../../db/queryable.js';
import { firstCommonSlot, overlap as overlapOf, type Schedule } from '../../matcher/availability.js';
import { checkExclusion, DEFAULT_EXPOSURE_CAP, DEFAULT_RECENT_WEEKS } from '../../matcher/exclusions.js';
import type { UtcInterval } from '../../matcher/interval.js';
import { explainPair, scorePair, type MatchProfile, type PairSignals } from '../../matcher/ranking.js';
import { EngineError } from '../engine-error.js';
import type { WorkerLease } from '../leases/index.js';
import type { MatchCandidate } from './embedding-service.js';
import type { MatchingMember, MatchingStatus } from './matching-profile-service.js';
import type { Notification, NotificationService } from './notification-service.js';
import { loadExclusionFacts, pairKey, weekStart } from './pair-facts.js';

const DAY_MS = 86_400_000;
/** How often an API process sweeps suggestions (expiry is also applied lazily on every read). */
export const SUGGESTION_SWEEP_INTERVAL_MS = 5 * 60_000;
const MINUTE_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SuggestionSettings {
  /** Open suggestions a member sees at once (pending + accepted-and-waiting). */
  shown: number;
  /** Candidates asked of the embedding index per refresh, before filters. */
  candidatePool: number;
  ttlDays: number;
  /** Availability is compared over this many days from now. */
  horizonDays: number;
  minOverlapMinutes: number;
  exposureCap: number;
  recentWeeks: number;
  meetingMinutes: number;
  /** A match room starts at least this long after the second accept. */
  noticeMinutes: number;
  maxSnoozeDays: number;
}

export const DEFAULT_SUGGESTION_SETTINGS: Readonly<SuggestionSettings> = Object.freeze({
  shown: 5,
  candidatePool: 50,
  ttlDays: 7,
  horizonDays: 14,
  minOverlapMinutes: 30,
  exposureCap: DEFAULT_EXPOSURE_CAP,
  recentWeeks: DEFAULT_RECENT_WEEKS,
  meetingMinutes: 30,
  noticeMinutes: 60,
  maxSnoozeDays: 30,
});

/** What the suggestion engine needs from the profile service. */
export interface ProfilesPort {
  matchProfile(memberId: string): Promise<MatchingMember | null>;
  status(memberId: string): Promise<MatchingStatus>;
}

/** What it needs from the embedding service. */
export interface EmbeddingsPort {
  candidates(memberId: string, k: number, opts?: { exclude?: ReadonlySet<string> }): Promise<MatchCandidate[]>;
  pairScores(a: string, b: string): Promise<Omit<MatchCandidate, 'memberId'>>;
}

export interface SuggestionServiceOptions {
  pool: pg.Pool;
  profiles: ProfilesPort;
  embeddings: EmbeddingsPort;
  notifications: NotificationService;
  settings?: Partial<SuggestionSettings>;
  /** The injectable clock (epoch ms). */
  now?: () => number;
  log?: Logger;
}

export type SuggestionStatus = 'pending' | 'accepted' | 'declined' | 'snoozed' | 'expired' | 'matched';

export interface MemberCard {
  memberId: string;
  displayName: string;
  headline: string;
  photoUrl: string;
  introUrl: string;
}

export interface SuggestionView {
  id: string;
  candidate: MemberCard;
  score: number;
  reasons: string[];
  overlap: { start: string; end: string }[];
  status: SuggestionStatus;
  /** accepted: you said yes and the other side has not answered yet. */
  createdAt: string;
  expiresAt: string;
  snoozedUntil: string | null;
  respondedAt: string | null;
}

export interface MatchView {
  matchId: string;
  roomId: string;
  partner: MemberCard;
  youHost: boolean;
  scheduledFor: string;
  endsAt: string;
  roomStatus: 'scheduled' | 'live' | 'ended';
  createdAt: string;
}

export interface AcceptResult {
  suggestion: SuggestionView;
  /** Set when this accept completed the mutual opt-in and a room was scheduled (or it already had been). */
  match: MatchView | null;
  /** Why there is no match yet: waiting for the other member, or no common free slot in the next two weeks. */
  waiting: 'other_member' | 'no_common_slot' | null;
}

interface SuggestionRow {
  id: string;
  member_id: string;
  candidate_id: string;
  score: number;
  reasons: string[];
  overlap: UtcInterval[];
  status: SuggestionStatus;
  created_at: Date;
  expires_at: Date;
  snoozed_until: Date | null;
  responded_at: Date | null;
  c_name: string;
  c_headline: string | null;
}

const SUGGESTION_SELECT = `SELECT s.id, s.member_id, s.candidate_id, s.score, s.reasons, s.overlap, s.status, s.created_at, s.expires_at,
    s.snoozed_until, s.responded_at, m.display_name AS c_name, p.headline AS c_headline
  FROM match_suggestions s JOIN members m ON m.id = s.candidate_id LEFT JOIN matching_profiles p ON p.member_id = s.candidate_id`;

/** A ranked candidate before it is stored. */
export interface RankedCandidate {
  memberId: string;
  score: number;
  reasons: string[];
  overlap: UtcInterval[];
}

export function toMatchProfile(m: MatchingMember): MatchProfile {
  return {
    memberId: m.memberId,
    displayName: m.displayName,
    offers: m.offers,
    seeks: m.seeks,
    languages: m.languages,
    zone: m.timeZone ?? 'UTC',
    skills: m.skills,
    ...(m.headline ? { experienceSummary: m.headline } : {}),
  };
}

export function scheduleOf(m: MatchingMember): Schedule | null {
  return m.timeZone && m.availability ? { zone: m.timeZone, availability: m.availability } : null;
}

export function signalsOf(scores: Omit<MatchCandidate, 'memberId'>, overlap: readonly UtcInterval[]): PairSignals {
  return { goalFitAB: scores.goalFitAB ?? 0, goalFitBA: scores.goalFitBA ?? 0, experienceSimilarity: scores.experienceSimilarity ?? 0, overlap };
}

export class SuggestionService {
  readonly #pool: pg.Pool;
  readonly #profiles: ProfilesPort;
  readonly #embeddings: EmbeddingsPort;
  readonly #notifications: NotificationService;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly settings: SuggestionSettings;
  /** One refresh at a time per member in this process (the open-pair index guards across processes). */
  readonly #refreshing = new Map<string, Promise<void>>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweepRun: Promise<void> | undefined;
  #sweepLease: WorkerLease | undefined;
  /** Bumped by every start and stop, so a sweep that ends after a stop schedules nothing. */
  #sweepGeneration = 0;

  constructor(o: SuggestionServiceOptions) {
    this.#pool = o.pool;
    this.#profiles = o.profiles;
    this.#embeddings = o.embeddings;
    this.#notifications = o.notifications;
    this.#now = o.now ?? Date.now;
    this.#log = o.log;
    this.settings = { ...DEFAULT_SUGGESTION_SETTINGS, ...(o.settings ?? {}) };
  }

  // ---- reading ----

  /** The member's open suggestions (pending first, best first; then the ones they accepted), refreshed lazily. */
  async list(memberId: string): Promise<{ matchable: boolean; items: SuggestionView[] }> {
    const id = requireUuid(memberId, 'memberId');
    const status = await this.#profiles.status(id);
    if (!status.matchable) return { matchable: false, items: [] };
    await this.refresh(id);
    const { rows } = await this.#pool.query<SuggestionRow>(
      `${SUGGESTION_SELECT} WHERE s.member_id = $1 AND s.status IN ('pending', 'accepted')
        ORDER BY (s.status = 'pending') DESC, s.score DESC, s.id`,
      [id],
    );
    return { matchable: true, items: rows.map(toView) };
  }

  /** Expire, un-snooze and hide unsafe rows for one member, then top up to `shown` (serialised per member). */
  async refresh(memberId: string): Promise<void> {
    const prev = this.#refreshing.get(memberId);
    if (prev) return prev;
    const run = this.#refresh(memberId).finally(() => this.#refreshing.delete(memberId));
    this.#refreshing.set(memberId, run);
    return run;
  }

  async #refresh(memberId: string): Promise<void> {
    const now = this.#now();
    await this.#expire(this.#pool, now, memberId);
    const { rows } = await this.#pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM match_suggestions WHERE member_id = $1 AND status IN ('pending', 'accepted')",
      [memberId],
    );
    const need = this.settings.shown - rows[0]!.n;
    if (need <= 0) return;
    const ranked = await this.rank(memberId, need);
    for (const c of ranked) await this.#insertSuggestion(this.#pool, memberId, c, 'suggestion', null, now);
  }

  /**
   * The best `limit` new candidates for a matchable member, without storing anything: embedding candidates minus
   * open or past suggestions, exclusions, non-matchable members and pairs with less than the minimum overlap.
   */
  async rank(memberId: string, limit: number): Promise<RankedCandidate[]> {
    const now = this.#now();
    const me = await this.#profiles.matchProfile(memberId);
    const mySchedule = me && scheduleOf(me);
    if (!me || !mySchedule) return [];
    const { rows: taken } = await this.#pool.query<{ id: string }>(
      // Open ones, and ones that expired unanswered within recentWeeks: a replacement is someone else.
      `SELECT candidate_id AS id FROM match_suggestions WHERE member_id = $1
        AND (status IN ('pending', 'accepted', 'snoozed', 'matched') OR (status = 'expired' AND created_at > $2))`,
      [memberId, new Date(now - this.settings.recentWeeks * 7 * DAY_MS)],
    );
    const exclude = new Set(taken.map((r) => r.id));
    const pool = await this.#embeddings.candidates(memberId, this.settings.candidatePool, { exclude });
    if (pool.length === 0) return [];
    const facts = await loadExclusionFacts(this.#pool, [memberId, ...pool.map((c) => c.memberId)], now, { pairsOf: memberId });
    // The cap is about how often the CANDIDATE is shown; the viewer's own popularity does not hide suggestions from them.
    const mine = { ...facts.member(memberId), weeklyExposure: 0 };
    const from = now;
    const to = now + this.settings.horizonDays * DAY_MS;
    const out: RankedCandidate[] = [];
    const meProfile = toMatchProfile(me);
    for (const c of pool) {
      const decision = checkExclusion(mine, facts.member(c.memberId), facts.history(memberId, c.memberId), {
        now,
        recentWeeks: this.settings.recentWeeks,
        exposureCap: this.settings.exposureCap,
      });
      if (decision.excluded) continue;
      const other = await this.#profiles.matchProfile(c.memberId);
      const theirSchedule = other && scheduleOf(other);
      if (!other || !theirSchedule) continue;
      const common = overlapOf(mySchedule, theirSchedule, from, to, { minMinutes: this.settings.minOverlapMinutes });
      if (common.length === 0) continue;
      const signals = signalsOf(c, common);
      const scored = scorePair(meProfile, toMatchProfile(other), signals);
      if (!scored.eligible) continue;
      // Gating last: it is the most expensive check (photo, intro, connections, standing, opt-in).
      if (!(await this.#profiles.status(c.memberId)).matchable) continue;
      out.push({ memberId: c.memberId, score: scored.score, reasons: explainPair(meProfile, toMatchProfile(other), signals).forA, overlap: common });
    }
    out.sort((x, y) => y.score - x.score || (x.memberId < y.memberId ? -1 : 1));
    return out.slice(0, limit);
  }

  async #insertSuggestion(db: Queryable, memberId: string, c: RankedCandidate, source: 'suggestion' | 'reciprocal' | 'round', roundId: string | null, now: number): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO match_suggestions (id, member_id, candidate_id, score, reasons, overlap, status, source, round_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10)
       ON CONFLICT (member_id, candidate_id) WHERE status IN ('pending', 'accepted', 'snoozed') DO NOTHING`,
      [randomUUID(), memberId, c.memberId, clamp01(c.score), JSON.stringify(c.reasons), JSON.stringify(c.overlap), source, roundId, new Date(now), new Date(now + this.settings.ttlDays * DAY_MS)],
    );
    if (rowCount !== 1) return false;
    await db.query(
      `INSERT INTO match_exposures (member_id, week_start, count) VALUES ($1, $2::date, 1)
       ON CONFLICT (member_id, week_start) DO UPDATE SET count = match_exposures.count + 1`,
      [c.memberId, weekStart(now)],
    );
    return true;
  }

  /** Stores a suggestion made elsewhere (a round): pending, a week to answer. false when the pair already has an open one. */
  async suggest(db: Queryable, memberId: string, c: RankedCandidate, source: 'round', roundId: string): Promise<boolean> {
    return this.#insertSuggestion(db, memberId, c, source, roundId, this.#now());
  }

  /** Past-due suggestions expire, finished snoozes come back; for one member or everyone. */
  async #expire(db: Queryable, now: number, memberId: string | null): Promise<{ expired: number; unsnoozed: number; hidden: number }> {
    const at = new Date(now);
    const ttl = this.settings.ttlDays * DAY_MS;
    const expired = await db.query(
      `UPDATE match_suggestions SET status = 'expired' WHERE status IN ('pending', 'accepted') AND expires_at <= $1 AND ($2::uuid IS NULL OR member_id = $2)`,
      [at, memberId],
    );
    const unsnoozed = await db.query(
      `UPDATE match_suggestions SET status = 'pending', expires_at = snoozed_until + make_interval(secs => $3::double precision / 1000), snoozed_until = NULL
        WHERE status = 'snoozed' AND snoozed_until <= $1 AND ($2::uuid IS NULL OR member_id = $2)`,
      [at, memberId, ttl],
    );
    // A pair that became unsafe since it was suggested (a block either way, a suspension, an open case) is hidden.
    const hidden = await db.query(
      `UPDATE match_suggestions s SET status = 'expired', snoozed_until = NULL
        WHERE s.status IN ('pending', 'accepted', 'snoozed') AND ($2::uuid IS NULL OR s.member_id = $2)
          AND (EXISTS (SELECT 1 FROM member_blocks b WHERE (b.blocker_id = s.member_id AND b.blocked_id = s.candidate_id)
                                                      OR (b.blocker_id = s.candidate_id AND b.blocked_id = s.member_id))
            OR EXISTS (SELECT 1 FROM moderation_cases c WHERE c.status = 'open' AND c.subject_member_id IN (s.member_id, s.candidate_id))
            OR EXISTS (SELECT 1 FROM member_sanctions x WHERE x.member_id IN (s.member_id, s.candidate_id) AND x.lifted_at IS NULL
                         AND x.kind IN ('suspend', 'ban') AND x.starts_at <= $1 AND (x.expires_at IS NULL OR x.expires_at > $1)))`,
      [at, memberId],
    );
    return { expired: expired.rowCount ?? 0, unsnoozed: unsnoozed.rowCount ?? 0, hidden: hidden.rowCount ?? 0 };
  }

  /** The idempotent sweeper: expires and un-snoozes everyone's suggestions (replacements come on each member's next read). */
  async sweep(): Promise<{ expired: number; unsnoozed: number; hidden: number }> {
    return this.#expire(this.#pool, this.#now(), null);
  }

  /**
   * Sweeps every `intervalMs` (after each run ends). With `lease` (several API processes on one database), a tick
   * sweeps only in the process holding it, so one process sweeps per interval and the others stand by.
   */
  startSweeper(intervalMs: number, opts: { lease?: WorkerLease } = {}): void {
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('startSweeper: intervalMs must be a positive integer');
    this.#stopTimer();
    this.#sweepLease = opts.lease;
    const generation = ++this.#sweepGeneration;
    const schedule = (): void => {
      this.#sweepTimer = setTimeout(() => {
        this.#sweepTimer = undefined;
        this.#sweepRun = this.#scheduledSweep().finally(() => {
          this.#sweepRun = undefined;
          if (generation === this.#sweepGeneration) schedule();
        });
      }, intervalMs);
      // A background chore: it never keeps the process alive on its own.
      this.#sweepTimer.unref();
    };
    schedule();
  }

  /** No sweep starts after this; resolves once the one in flight has finished and the lease is given up. */
  async stopSweeper(): Promise<void> {
    this.#stopTimer();
    await this.#sweepRun;
    // Another process takes over at its next tick instead of after the lease runs out.
    await this.#sweepLease?.release().catch(() => undefined);
    this.#sweepLease = undefined;
  }

  #stopTimer(): void {
    this.#sweepGeneration++;
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }

  /** One scheduled tick: sweeps unless another process holds the lease. Never rejects. */
  async #scheduledSweep(): Promise<void> {
    try {
      if (this.#sweepLease !== undefined && !(await this.#sweepLease.tryHold())) return;
      const swept = await this.sweep();
      if (swept.expired + swept.unsnoozed + swept.hidden > 0) this.#log?.info(swept, 'suggestions swept');
    } catch (err) {
      this.#log?.warn({ err }, 'suggestion sweep failed; retrying on the next tick');
    }
  }

  // ---- answering ----

  async accept(memberId: string, suggestionId: string): Promise<AcceptResult> {
    const me = requireUuid(memberId, 'memberId');
    const first = await this.#own(this.#pool, me, suggestionId);
    const other = first.candidate_id;
    // Everything that needs no lock is read first: both profiles, the pair's embedding scores.
    const [mine, theirs, scores] = await Promise.all([this.#profiles.matchProfile(me), this.#profiles.matchProfile(other), this.#embeddings.pairScores(other, me)]);
    const now = this.#now();
    const published: Notification[] = [];
    const result = await inTransaction(this.#pool, async (tx) => {
      // The two members' rows, in id order: every accept touching either member waits here for the one before it.
      await tx.query('SELECT id FROM members WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [[me, other]]);
      const row = await this.#own(tx, me, suggestionId, true);
      if (row.status === 'declined' || row.status === 'expired') throw closed(row.status);
      if (row.status === 'matched') {
        const match = await this.#matchOfPair(tx, me, other);
        return { suggestion: toView(row), match, waiting: null } satisfies AcceptResult;
      }
      if (await blockedEitherWay(tx, me, other)) {
        await tx.query("UPDATE match_suggestions SET status = 'expired' WHERE id = $1", [row.id]);
        throw closed('expired');
      }
      if (row.status !== 'accepted') {
        await tx.query("UPDATE match_suggestions SET status = 'accepted', responded_at = $2, snoozed_until = NULL WHERE id = $1", [row.id, new Date(now)]);
      }
      const { rows: rev } = await tx.query<{ id: string; status: SuggestionStatus; responded_at: Date | null }>(
        "SELECT id, status, responded_at FROM match_suggestions WHERE member_id = $1 AND candidate_id = $2 AND status IN ('pending', 'accepted', 'snoozed') FOR UPDATE",
        [other, me],
      );
      const reverse = rev[0];
      if (!reverse) {
        // The other member learns of the pair through their own suggestion (not that this member said yes).
        const ms = mine && scheduleOf(mine);
        const ts = theirs && scheduleOf(theirs);
        if (mine && theirs && ms && ts) {
          const common = overlapOf(ts, ms, now, now + this.settings.horizonDays * DAY_MS, { minMinutes: this.settings.minOverlapMinutes });
          if (common.length > 0) {
            const signals = signalsOf(scores, common);
            const scored = scorePair(toMatchProfile(theirs), toMatchProfile(mine), signals);
            await this.#insertSuggestion(tx, other, { memberId: me, score: scored.score, reasons: explainPair(toMatchProfile(theirs), toMatchProfile(mine), signals).forA, overlap: common }, 'reciprocal', null, now);
          }
        }
        return { suggestion: toView(await this.#own(tx, me, suggestionId)), match: null, waiting: 'other_member' } satisfies AcceptResult;
      }
      if (reverse.status !== 'accepted') return { suggestion: toView(await this.#own(tx, me, suggestionId)), match: null, waiting: 'other_member' } satisfies AcceptResult;

      // Both said yes: schedule their room.
      const ms = mine && scheduleOf(mine);
      const ts = theirs && scheduleOf(theirs);
      const [lo, hi] = pairKey(me, other);
      await tx.query('INSERT INTO match_pairs (member_low, member_high) VALUES ($1, $2) ON CONFLICT DO NOTHING', [lo, hi]);
      const { rows: pairRows } = await tx.query<{ match_count: number }>('SELECT match_count FROM match_pairs WHERE member_low = $1 AND member_high = $2 FOR UPDATE', [lo, hi]);
      const { rows: busyRows } = await tx.query<{ s: Date; e: Date }>(
        `SELECT scheduled_for AS s, ends_at AS e FROM match_rooms mr
          WHERE (member_low = ANY($1::uuid[]) OR member_high = ANY($1::uuid[])) AND ends_at > $2
            AND NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = mr.room_id AND r.status = 'ended')`,
        [[me, other], new Date(now)],
      );
      const busy = busyRows.map((r) => ({ start: r.s.getTime(), end: r.e.getTime() }));
      const slot =
        ms && ts
          ? firstCommonSlot(ms, ts, now, {
              durationMinutes: this.settings.meetingMinutes,
              horizonDays: this.settings.horizonDays,
              notBefore: now + this.settings.noticeMinutes * MINUTE_MS,
              busy,
            })
          : null;
      if (!slot) return { suggestion: toView(await this.#own(tx, me, suggestionId)), match: null, waiting: 'no_common_slot' } satisfies AcceptResult;

      // Who said yes first hosts; the other is invited.
      const host = other;
      const guest = me;
      const hostName = theirs?.displayName ?? 'Member';
      const guestName = mine?.displayName ?? 'Member';
      const roomId = randomUUID();
      const title = `Roundtable match: ${firstName(hostName)} & ${firstName(guestName)}`.slice(0, 120);
      const description = `A private conversation suggested by Roundtable matching. ${(first.reasons ?? []).join('; ')}`.slice(0, 1000);
      // The same record RoomService.create stores for a scheduled invite-only room (engine/rooms/room-store.ts insert),
      // written here so the room, the invitation and the match commit together.
      await tx.query(
        `INSERT INTO rooms (id, livekit_name, host_member_id, title, description, topics, group_id, visibility, max_listeners,
           hand_raising_enabled, status, scheduled_for, started_at)
         VALUES ($1, $7, $2, $3, $4, $5, NULL, 'invite_only', 2, true, 'scheduled', $6, NULL)`,
        [roomId, host, title, description, ['matching'], new Date(slot.start), roomId],
      );
      await tx.query('INSERT INTO room_invitations (room_id, member_id, invited_by) VALUES ($1, $2, $3)', [roomId, guest, host]);
      const matchNo = pairRows[0]!.match_count + 1;
      const matchId = randomUUID();
      await tx.query(
        `INSERT INTO match_rooms (id, member_low, member_high, pair_match_no, room_id, host_member_id, scheduled_for, ends_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [matchId, lo, hi, matchNo, roomId, host, new Date(slot.start), new Date(slot.end), new Date(now)],
      );
      await tx.query('UPDATE match_pairs SET match_count = $3, matched_at = $4 WHERE member_low = $1 AND member_high = $2', [lo, hi, matchNo, new Date(now)]);
      await tx.query("UPDATE match_suggestions SET status = 'matched' WHERE id = ANY($1::uuid[])", [[row.id, reverse.id]]);
      for (const [to, partner, partnerName, youHost] of [
        [host, guest, guestName, true],
        [guest, host, hostName, false],
      ] as const) {
        published.push(
          await this.#notifications.add(
            tx,
            to,
            'match_scheduled',
            { matchId, roomId, partnerId: partner, partnerName, youHost, scheduledFor: new Date(slot.start).toISOString(), endsAt: new Date(slot.end).toISOString() },
            now,
          ),
        );
      }
      return { suggestion: toView(await this.#own(tx, me, suggestionId)), match: await this.#matchOfPair(tx, me, other), waiting: null } satisfies AcceptResult;
    });
    this.#notifications.publish(published);
    return result;
  }

  async decline(memberId: string, suggestionId: string): Promise<SuggestionView> {
    const me = requireUuid(memberId, 'memberId');
    const now = this.#now();
    return inTransaction(this.#pool, async (tx) => {
      const row = await this.#own(tx, me, suggestionId, true);
      if (row.status === 'matched') throw new EngineError('conflict', 'already_matched', 'this suggestion already became a scheduled conversation; cancel the room instead', 'id');
      if (row.status !== 'declined') {
        await tx.query("UPDATE match_suggestions SET status = 'declined', responded_at = $2, snoozed_until = NULL WHERE id = $1", [row.id, new Date(now)]);
      }
      const [lo, hi] = pairKey(me, row.candidate_id);
      await tx.query(
        `INSERT INTO match_pairs (member_low, member_high, declined, declined_at) VALUES ($1, $2, true, $3)
         ON CONFLICT (member_low, member_high) DO UPDATE SET declined = true, declined_at = COALESCE(match_pairs.declined_at, EXCLUDED.declined_at)`,
        [lo, hi, new Date(now)],
      );
      // The other side's open suggestion of this member goes away quietly (not "declined": that would tell them).
      await tx.query(
        "UPDATE match_suggestions SET status = 'expired', snoozed_until = NULL WHERE member_id = $1 AND candidate_id = $2 AND status IN ('pending', 'accepted', 'snoozed')",
        [row.candidate_id, me],
      );
      return toView(await this.#own(tx, me, suggestionId));
    });
  }

  async snooze(memberId: string, suggestionId: string, days: number): Promise<SuggestionView> {
    const me = requireUuid(memberId, 'memberId');
    if (!Number.isInteger(days) || days < 1 || days > this.settings.maxSnoozeDays) {
      throw new EngineError('invalid', 'validation_failed', `days must be an integer from 1 to ${this.settings.maxSnoozeDays}`, 'days');
    }
    const now = this.#now();
    return inTransaction(this.#pool, async (tx) => {
      const row = await this.#own(tx, me, suggestionId, true);
      if (row.status !== 'pending' && row.status !== 'snoozed') {
        throw new EngineError('conflict', 'not_pending', `only a pending suggestion can be snoozed; this one is ${row.status}`, 'id');
      }
      await tx.query("UPDATE match_suggestions SET status = 'snoozed', snoozed_until = $2, responded_at = $3 WHERE id = $1", [row.id, new Date(now + days * DAY_MS), new Date(now)]);
      return toView(await this.#own(tx, me, suggestionId));
    });
  }

  // ---- matches ----

  async matches(memberId: string): Promise<MatchView[]> {
    const me = requireUuid(memberId, 'memberId');
    const { rows } = await this.#pool.query<MatchRow>(`${MATCH_SELECT} WHERE (mr.member_low = $1 OR mr.member_high = $1) ORDER BY mr.scheduled_for DESC, mr.id`, [me]);
    return rows.map((r) => toMatch(r, me));
  }

  async #matchOfPair(db: Queryable, me: string, other: string): Promise<MatchView | null> {
    const [lo, hi] = pairKey(me, other);
    const { rows } = await db.query<MatchRow>(`${MATCH_SELECT} WHERE mr.member_low = $1 AND mr.member_high = $2 ORDER BY mr.pair_match_no DESC LIMIT 1`, [lo, hi]);
    return rows[0] ? toMatch(rows[0], me) : null;
  }

  /** The member's own suggestion, or not found (someone else's reads the same as one that does not exist). */
  async #own(db: Queryable, memberId: string, suggestionId: string, lock = false): Promise<SuggestionRow> {
    if (!UUID.test(suggestionId)) throw notFound();
    const { rows } = await db.query<SuggestionRow>(`${SUGGESTION_SELECT} WHERE s.id = $1 AND s.member_id = $2${lock ? ' FOR UPDATE OF s' : ''}`, [suggestionId, memberId]);
    if (!rows[0]) throw notFound();
    return rows[0];
  }
}

interface MatchRow {
  id: string;
  member_low: string;
  member_high: string;
  room_id: string;
  host_member_id: string;
  scheduled_for: Date;
  ends_at: Date;
  created_at: Date;
  room_status: 'scheduled' | 'live' | 'ended';
  low_name: string;
  high_name: string;
  low_headline: string | null;
  high_headline: string | null;
}

const MATCH_SELECT = `SELECT mr.id, mr.member_low, mr.member_high, mr.room_id, mr.host_member_id, mr.scheduled_for, mr.ends_at, mr.created_at,
    r.status AS room_status, ml.display_name AS low_name, mh.display_name AS high_name, pl.headline AS low_headline, ph.headline AS high_headline
  FROM match_rooms mr JOIN rooms r ON r.id = mr.room_id
  JOIN members ml ON ml.id = mr.member_low JOIN members mh ON mh.id = mr.member_high
  LEFT JOIN matching_profiles pl ON pl.member_id = mr.member_low LEFT JOIN matching_profiles ph ON ph.member_id = mr.member_high`;

function toMatch(r: MatchRow, me: string): MatchView {
  const partnerIsLow = r.member_high === me;
  const partnerId = partnerIsLow ? r.member_low : r.member_high;
  return {
    matchId: r.id,
    roomId: r.room_id,
    partner: card(partnerId, partnerIsLow ? r.low_name : r.high_name, partnerIsLow ? r.low_headline : r.high_headline),
    youHost: r.host_member_id === me,
    scheduledFor: r.scheduled_for.toISOString(),
    endsAt: r.ends_at.toISOString(),
    roomStatus: r.room_status,
    createdAt: r.created_at.toISOString(),
  };
}

function card(memberId: string, name: string, headline: string | null): MemberCard {
  return { memberId, displayName: name, headline: headline ?? '', photoUrl: `/v1/members/${memberId}/photo`, introUrl: `/v1/members/${memberId}/intro` };
}

function toView(r: SuggestionRow): SuggestionView {
  return {
    id: r.id,
    candidate: card(r.candidate_id, r.c_name, r.c_headline),
    score: Math.round(r.score * 1000) / 1000,
    reasons: r.reasons,
    overlap: r.overlap.map((iv) => ({ start: new Date(iv.start).toISOString(), end: new Date(iv.end).toISOString() })),
    status: r.status,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    snoozedUntil: r.snoozed_until?.toISOString() ?? null,
    respondedAt: r.responded_at?.toISOString() ?? null,
  };
}

async function blockedEitherWay(db: Queryable, a: string, b: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM member_blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1) LIMIT 1', [a, b]);
  return rows.length > 0;
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
}

function requireUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw new EngineError('invalid', 'invalid_id', `${field} must be a uuid`, field);
  return value.toLowerCase();
}

function notFound(): EngineError {
  return new EngineError('not_found', 'suggestion_not_found', 'suggestion not found', 'id');
}

function closed(status: string): EngineError {
  return new EngineError('conflict', 'suggestion_closed', `this suggestion is ${status}; see GET /v1/me/matching/suggestions for current ones`, 'id');
}
