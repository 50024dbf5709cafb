// /profile: the member's own profile (GET/PATCH /v1/me), what still stands between them and matching (GET
// /v1/me/matching/status, each unmet criterion linking to the control that fixes it), opt in / out, photo, intro,
// matching profile and availability. Every save refreshes the status, so the list shrinks as the member works.
import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { useSession } from '../api/session.js';
import { ActionButton, AsyncView, Badge, Button, Card, Page, TextField } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { AvailabilityEditor } from './availability-editor.js';
import { IntroRecorder } from './intro-recorder.js';
import { PhotoUpload } from './photo-upload.js';
import { ProfileForm } from './profile-form.js';
import type { GatingCriterion, MatchingProfile, MatchingStatus } from './types.js';

interface OwnProfile {
  id: string;
  email: string;
  displayName: string;
  headline: string;
  company: string;
  connectionCount: number;
}

/**
 * What each criterion is called on this page, and the controls that fix it (element ids, the first one present
 * wins: an existing role's description before "Add a role"), if any are on this page.
 */
const CRITERIA: Record<GatingCriterion, { label: string; controls?: string[]; action?: string }> = {
  photo: { label: 'Photo', controls: ['photo-file'], action: 'Upload a photo with your face' },
  connections: { label: 'Connections' },
  experience: { label: 'Experience', controls: ['experience-0-description', 'experience-add'], action: 'Describe your experience' },
  intro: { label: 'Spoken intro', controls: ['intro-record'], action: 'Record your intro' },
  availability: { label: 'Availability', controls: ['availability-zone'], action: 'Say when you are free' },
  good_standing: { label: 'Good standing' },
  opted_in: { label: 'Opted in', controls: ['opt-in'], action: 'Opt in to matching' },
};

/** Moves focus to a control on this page (and scrolls it into view), as an in-page link should. */
function focusControl(ids: string[]) {
  const el = ids.map((id) => document.getElementById(id)).find((e) => e !== null);
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  el.focus();
}

function StatusCard({ status, optedIn, onOptChange }: { status: MatchingStatus; optedIn: boolean; onOptChange: (s: MatchingStatus) => void }) {
  const unmet = status.criteria.filter((c) => !c.met);
  return (
    <Card title="Matching status">
      <div className="stack" data-testid="matching-status">
        {status.matchable ? (
          <p role="status">
            <Badge tone="good">Ready for matching</Badge> You can get suggestions on the <Link href="/matches">Matches</Link> page.
          </p>
        ) : (
          <>
            <p>
              <Badge tone="warn">Not matchable yet</Badge> {unmet.length === 1 ? 'One thing is' : `${unmet.length} things are`} missing:
            </p>
            <ul className="list gating-list">
              {unmet.map((c) => {
                const meta = CRITERIA[c.criterion];
                return (
                  <li key={c.criterion} data-criterion={c.criterion}>
                    <strong>{meta.label}:</strong> {c.reason}.{' '}
                    {meta.controls && meta.action ? (
                      <a
                        href={`#${meta.controls.at(-1)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          focusControl(meta.controls!);
                        }}
                      >
                        {meta.action}
                      </a>
                    ) : c.criterion === 'good_standing' ? (
                      <Link href="/decisions">See the decisions about your account</Link>
                    ) : c.fix ? (
                      <span className="hint">{c.fix.replace(/\s*\((?:POST|PUT|GET) \/v1[^)]*\)/, '')}.</span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </>
        )}
        <details>
          <summary>All requirements</summary>
          <ul className="list">
            {status.criteria.map((c) => (
              <li key={c.criterion}>
                <Badge tone={c.met ? 'good' : 'warn'}>{c.met ? 'Met' : 'Missing'}</Badge> {CRITERIA[c.criterion].label}: {c.reason}
              </li>
            ))}
          </ul>
        </details>
        <div className="row">
          {optedIn ? (
            <ActionButton id="opt-in" action={async () => onOptChange(await api.post<MatchingStatus>('/v1/me/matching/opt-out'))}>
              Stop matching me
            </ActionButton>
          ) : (
            <ActionButton id="opt-in" variant="primary" action={async () => onOptChange(await api.post<MatchingStatus>('/v1/me/matching/opt-in'))}>
              Opt in to matching
            </ActionButton>
          )}
          <span className="hint">{optedIn ? 'You asked to be matched.' : 'You are not asking to be matched.'}</span>
        </div>
      </div>
    </Card>
  );
}

function AboutForm({ me, onSaved }: { me: OwnProfile; onSaved: (m: OwnProfile) => void }) {
  const [draft, setDraft] = useState({ displayName: me.displayName, headline: me.headline, company: me.company });
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const apiError = error instanceof ApiRequestError ? error : undefined;
  return (
    <form
      className="stack"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaving(true);
        setError(undefined);
        setSaved(false);
        try {
          onSaved(await api.patch<OwnProfile>('/v1/me', draft));
          setSaved(true);
        } catch (err) {
          setError(err);
        } finally {
          setSaving(false);
        }
      }}
    >
      <p className="hint">
        {me.email} · {me.connectionCount} {me.connectionCount === 1 ? 'connection' : 'connections'}
      </p>
      <div className="grid about-fields">
        <TextField id="about-name" label="Name shown to others" value={draft.displayName} onChange={(e) => setDraft({ ...draft, displayName: e.target.value })} error={apiError?.fieldMessage('body.displayName')} />
        <TextField id="about-headline" label="Public headline" value={draft.headline} onChange={(e) => setDraft({ ...draft, headline: e.target.value })} error={apiError?.fieldMessage('body.headline')} />
        <TextField id="about-company" label="Company" value={draft.company} onChange={(e) => setDraft({ ...draft, company: e.target.value })} error={apiError?.fieldMessage('body.company')} />
      </div>
      <div className="row">
        <Button type="submit" busy={saving}>
          Save
        </Button>
        {saved ? (
          <span role="status">
            <Badge tone="good">Saved</Badge>
          </span>
        ) : null}
      </div>
      {error !== undefined ? (
        <p className="form-error" role="alert">
          {describeFormError(error)}
        </p>
      ) : null}
    </form>
  );
}

export function ProfilePage() {
  const { reloadMe } = useSession();
  const state = useAsync(
    async (signal) => {
      const [me, profile, status] = await Promise.all([
        api.get<OwnProfile>('/v1/me', { signal }),
        api.get<MatchingProfile>('/v1/me/matching/profile', { signal }),
        api.get<MatchingStatus>('/v1/me/matching/status', { signal }),
      ]);
      return { me, profile, status };
    },
    [],
  );
  const { setData } = state;
  const refreshStatus = useCallback(async () => {
    const status = await api.get<MatchingStatus>('/v1/me/matching/status');
    setData((d) => ({ ...d!, status }));
  }, [setData]);
  /** A save answered with (part of) the new profile: keep it, and ask again what is still missing. */
  const profileSaved = useCallback(
    (patch: Partial<MatchingProfile>) => {
      setData((d) => ({ ...d!, profile: { ...d!.profile, ...patch } }));
      void refreshStatus();
    },
    [setData, refreshStatus],
  );

  return (
    <Page title="Your profile">
      <AsyncView state={state} what="Loading your profile">
        {({ me, profile, status }) => (
          <div className="matching-profile">
            <StatusCard status={status} optedIn={profile.optedIn} onOptChange={(s) => {
              setData((d) => ({ ...d!, status: s, profile: { ...d!.profile, optedIn: s.criteria.some((c) => c.criterion === 'opted_in' && c.met) } }));
            }} />
            <Card title="About you">
              <AboutForm
                me={me}
                onSaved={(m) => {
                  setData((d) => ({ ...d!, me: m }));
                  void reloadMe();
                }}
              />
            </Card>
            <Card title="Photo">
              <PhotoUpload memberId={me.id} photo={profile.photo} onUploaded={(photo) => profileSaved({ photo })} />
            </Card>
            <Card title="Spoken intro">
              <IntroRecorder memberId={me.id} intro={profile.intro} onUploaded={(intro) => profileSaved({ intro })} />
            </Card>
            <Card title="What you do and what you are looking for">
              <ProfileForm profile={profile} onSaved={profileSaved} />
            </Card>
            <Card title="Availability">
              <AvailabilityEditor profile={profile} onSaved={profileSaved} />
            </Card>
          </div>
        )}
      </AsyncView>
    </Page>
  );
}
