// /matches: suggested partners with the reasons for each, their photo and playable intro, accept / decline /
// snooze; and the member's scheduled matches with the private room, at times in the member's own time zone.
// The matching API has no event stream, so the page polls while it is visible: a partner's accept shows up on
// its own.
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api, describeError } from '../api/client.js';
import { ActionButton, AsyncView, Badge, Card, Empty, Loading, Page, SelectField } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { useAuthorizedMedia } from './media.js';
import { browserTimeZone, formatInZone } from './time-zones.js';
import type { AcceptAnswer, Match, MatchingProfile, MemberCard, Suggestion } from './types.js';

/** How often the page asks again while visible (a partner's accept, a new suggestion). */
const POLL_MS = 5_000;
const SNOOZE_DAYS = [1, 3, 7, 14, 30];

interface MatchesData {
  matchable: boolean;
  suggestions: Suggestion[];
  matches: Match[];
  timeZone: string;
}

async function loadAll(signal?: AbortSignal): Promise<MatchesData> {
  const [suggestions, matches, profile] = await Promise.all([
    api.get<{ matchable: boolean; items: Suggestion[] }>('/v1/me/matching/suggestions', { signal }),
    api.get<{ items: Match[] }>('/v1/me/matching/matches', { signal }),
    api.get<MatchingProfile>('/v1/me/matching/profile', { signal }),
  ]);
  return { matchable: suggestions.matchable, suggestions: suggestions.items, matches: matches.items, timeZone: profile.timeZone ?? browserTimeZone() };
}

function PartnerPhoto({ member }: { member: MemberCard }) {
  const photo = useAuthorizedMedia(member.photoUrl);
  if (photo.url) return <img className="partner-photo" src={photo.url} alt={`Photo of ${member.displayName}`} />;
  return (
    <div className="partner-photo photo-empty" role="img" aria-label={photo.error ? `No photo of ${member.displayName}` : `Loading the photo of ${member.displayName}`}>
      {member.displayName.slice(0, 1)}
    </div>
  );
}

/** The intro is fetched on request (it is audio of up to 20 s), then plays in a native player. */
function PartnerIntro({ member }: { member: MemberCard }) {
  const [wanted, setWanted] = useState(false);
  const intro = useAuthorizedMedia(wanted ? member.introUrl : null);
  const player = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (intro.url) void player.current?.play().catch(() => undefined);
  }, [intro.url]);
  if (!wanted)
    return (
      <button type="button" className="btn btn-secondary" onClick={() => setWanted(true)}>
        Play {member.displayName}'s intro
      </button>
    );
  if (intro.error) return <p className="inline-error" role="alert">The intro could not be loaded: {describeError(intro.error)}</p>;
  if (!intro.url) return <Loading what="Loading the intro" />;
  return <audio ref={player} controls src={intro.url} aria-label={`${member.displayName}'s intro`} />;
}

function SuggestionCard({ s, onChanged }: { s: Suggestion; onChanged: (note?: string) => Promise<void> }) {
  const [days, setDays] = useState('7');
  const name = s.candidate.displayName;
  return (
    <li className="suggestion" data-testid="suggestion" data-member-id={s.candidate.memberId}>
      <article className="partner" aria-labelledby={`suggestion-${s.id}`}>
        <PartnerPhoto member={s.candidate} />
        <div className="stack partner-body">
          <h3 id={`suggestion-${s.id}`}>
            {name} {s.status === 'accepted' ? <Badge tone="info">You said yes — waiting for {name}</Badge> : null}
          </h3>
          {s.candidate.headline ? <p className="hint">{s.candidate.headline}</p> : null}
          <h4 className="reasons-title">Why {name}</h4>
          <ul className="reasons">
            {s.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <PartnerIntro member={s.candidate} />
          {s.status === 'pending' ? (
            <div className="row suggestion-actions">
              <ActionButton
                variant="primary"
                aria-label={`Accept ${name}`}
                action={async () => {
                  const answer = await api.post<AcceptAnswer>(`/v1/me/matching/suggestions/${s.id}/accept`);
                  await onChanged(
                    answer.match
                      ? `You and ${name} are matched: a private room is scheduled.`
                      : answer.waiting === 'no_common_slot'
                        ? `You and ${name} both said yes, but you have no common free time in the next two weeks. Add more availability on your profile.`
                        : `You said yes to ${name}. When ${name} says yes too, a private room is scheduled.`,
                  );
                }}
              >
                Accept
              </ActionButton>
              <ActionButton
                aria-label={`Decline ${name}`}
                action={async () => {
                  await api.post(`/v1/me/matching/suggestions/${s.id}/decline`);
                  await onChanged(`You declined ${name}; you will not be suggested to each other again.`);
                }}
              >
                Decline
              </ActionButton>
              <div className="row snooze">
                <SelectField id={`snooze-${s.id}`} label="Snooze for" value={days} onChange={(e) => setDays(e.target.value)} options={SNOOZE_DAYS.map((d) => ({ value: String(d), label: d === 1 ? '1 day' : `${d} days` }))} />
                <ActionButton
                  aria-label={`Snooze ${name}`}
                  action={async () => {
                    await api.post(`/v1/me/matching/suggestions/${s.id}/snooze`, { days: Number(days) });
                    await onChanged(`${name} is snoozed for ${days === '1' ? '1 day' : `${days} days`}.`);
                  }}
                >
                  Snooze
                </ActionButton>
              </div>
            </div>
          ) : null}
          <p className="hint">Open until {formatTime(s.expiresAt)}</p>
        </div>
      </article>
    </li>
  );
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

function MatchItem({ m, timeZone }: { m: Match; timeZone: string }) {
  const tone = m.roomStatus === 'live' ? 'good' : m.roomStatus === 'ended' ? 'neutral' : 'info';
  return (
    <li className="match" data-testid="match" data-room-id={m.roomId}>
      <article className="partner" aria-labelledby={`match-${m.matchId}`}>
        <PartnerPhoto member={m.partner} />
        <div className="stack partner-body">
          <h3 id={`match-${m.matchId}`}>
            {m.partner.displayName} <Badge tone={tone}>{m.roomStatus === 'live' ? 'Live now' : m.roomStatus === 'ended' ? 'Ended' : 'Scheduled'}</Badge>
          </h3>
          {m.partner.headline ? <p className="hint">{m.partner.headline}</p> : null}
          <p>
            Private room on{' '}
            <time dateTime={m.scheduledFor} data-testid="match-time">
              {formatInZone(m.scheduledFor, timeZone)}
            </time>{' '}
            for 30 minutes <span className="hint">({timeZone.replace(/_/g, ' ')})</span>. {m.youHost ? 'You host it: start it when it is time.' : `${m.partner.displayName} hosts it; you are invited.`}
          </p>
          <p>
            <Link href={`/rooms/${m.roomId}`} className="btn btn-primary">
              Open the room with {m.partner.displayName}
            </Link>
          </p>
        </div>
      </article>
    </li>
  );
}

export function MatchesPage() {
  const state = useAsync((signal) => loadAll(signal), []);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [pollError, setPollError] = useState<unknown>(undefined);
  const { setData } = state;

  // Quiet refresh while the page is visible: no loading state, a failure shown beside the data, not instead of it.
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState !== 'visible') return;
      try {
        const next = await loadAll();
        if (stopped) return;
        setData((prev) => {
          const known = new Set(prev?.matches.map((m) => m.matchId));
          const fresh = next.matches.find((m) => !known.has(m.matchId));
          if (prev && fresh) setNote(`New match: a private room with ${fresh.partner.displayName} is scheduled.`);
          return next;
        });
        setPollError(undefined);
      } catch (err) {
        if (!stopped) setPollError(err);
      }
    };
    const timer = window.setInterval(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [setData]);

  async function changed(message?: string) {
    setNote(message);
    setData(await loadAll());
  }

  return (
    <Page title="Matches">
      <p className="visually-hidden" role="status" aria-live="polite">
        {note}
      </p>
      {note ? (
        <p className="notice" data-testid="matches-note">
          {note}
        </p>
      ) : null}
      {pollError !== undefined ? <p className="inline-error">Could not refresh: {describeError(pollError)}</p> : null}
      <AsyncView state={state} what="Loading your matches">
        {(data) => (
          <>
            <Card title="Your matches">
              {data.matches.length === 0 ? (
                <Empty>No matches yet. When you and a suggested partner both say yes, your private room appears here.</Empty>
              ) : (
                <ul className="list matches">
                  {data.matches.map((m) => (
                    <MatchItem key={m.matchId} m={m} timeZone={data.timeZone} />
                  ))}
                </ul>
              )}
            </Card>
            <Card title="Suggested for you">
              {!data.matchable ? (
                <div className="state state-empty" data-testid="not-matchable">
                  <p>You get suggestions once your profile is complete and you opted in.</p>
                  <p>
                    <Link href="/profile">See what is missing on your profile</Link>
                  </p>
                </div>
              ) : data.suggestions.length === 0 ? (
                <Empty>No suggestions right now. New ones are looked for as other members join; this page refreshes by itself.</Empty>
              ) : (
                <ul className="list suggestions">
                  {data.suggestions.map((s) => (
                    <SuggestionCard key={s.id} s={s} onChanged={changed} />
                  ))}
                </ul>
              )}
            </Card>
          </>
        )}
      </AsyncView>
    </Page>
  );
}
