// Create or schedule a room (/rooms/new): title, description, topics, group, who may join, start now or at a
// date-time in the member's own time zone (named on the page); then invite members. The API's validation messages
// land beside the fields they name.
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { useSession } from '../api/session.js';
import { Badge, Button, Card, Page, SelectField, TextArea, TextField, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { fieldError, ownTimeZone, parseTopics, VISIBILITY_LABELS, type Group, type Room, type RoomVisibility } from '../member/rooms-api.js';
import { InviteForm } from './invite-form.js';

interface Draft {
  title: string;
  description: string;
  topics: string;
  groupId: string;
  visibility: RoomVisibility;
  maxListeners: string;
  handRaisingEnabled: boolean;
  when: 'now' | 'later';
  scheduledFor: string;
}

const EMPTY: Draft = { title: '', description: '', topics: '', groupId: '', visibility: 'open', maxListeners: '', handRaisingEnabled: true, when: 'now', scheduledFor: '' };

export function CreateRoomPage() {
  const { me } = useSession();
  const groups = useAsync((signal) => api.get<{ items: Group[] }>('/v1/me/groups', { signal }), []);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<Room | null>(null);
  const tz = ownTimeZone();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    // The one check the API cannot make: a local date-time the browser cannot read.
    let scheduledFor: string | undefined;
    if (draft.when === 'later') {
      const at = new Date(draft.scheduledFor);
      if (!draft.scheduledFor || Number.isNaN(at.getTime())) {
        setError(new ApiRequestError(400, 'invalid_input', 'invalid scheduledFor', [{ field: 'body.scheduledFor', message: 'choose the date and time the room starts' }]));
        return;
      }
      scheduledFor = at.toISOString();
    }
    const maxListeners = draft.maxListeners.trim() === '' ? undefined : Number(draft.maxListeners);
    setBusy(true);
    try {
      const room = await api.post<Room>('/v1/rooms', {
        title: draft.title,
        ...(draft.description.trim() ? { description: draft.description } : {}),
        topics: parseTopics(draft.topics),
        groupId: draft.groupId || null,
        visibility: draft.visibility,
        ...(maxListeners !== undefined ? { maxListeners } : {}),
        handRaisingEnabled: draft.handRaisingEnabled,
        ...(scheduledFor ? { scheduledFor } : {}),
      });
      setCreated(room);
      document.getElementById('page-title')?.focus();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Page title={created.status === 'live' ? 'Your room is live' : 'Your room is scheduled'}>
        <Card title={created.title}>
          <p>
            {created.status === 'live' ? <Badge tone="good">Live</Badge> : <Badge tone="info">Upcoming</Badge>}{' '}
            {created.status === 'scheduled' ? `Starts ${formatTime(created.scheduledFor)} (${tz.label}).` : 'Members you invite can join now.'}
          </p>
          <div className="row">
            <Link href={`/rooms/${created.id}`} className="btn btn-primary">
              {created.status === 'live' ? 'Enter the room' : 'Open the room page'}
            </Link>
            <Link href={`/rooms/${created.id}/settings`} className="btn btn-secondary">
              Room settings
            </Link>
          </div>
        </Card>
        <Card title="Invite members">
          <InviteForm roomId={created.id} groupId={created.groupId} meId={me?.id ?? ''} />
        </Card>
      </Page>
    );
  }

  const groupOptions = [{ value: '', label: 'No group' }, ...(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))];
  return (
    <Page title="Create a room">
      <Card className="create-room">
        <form onSubmit={submit} noValidate>
          <TextField label="Title" name="title" required maxLength={120} value={draft.title} onChange={(e) => set('title', e.target.value)} error={fieldError(error, 'title')} />
          <TextArea label="Description" name="description" rows={3} maxLength={1000} value={draft.description} onChange={(e) => set('description', e.target.value)} error={fieldError(error, 'description')} />
          <TextField label="Topics" name="topics" value={draft.topics} onChange={(e) => set('topics', e.target.value)} hint="Up to 10, separated by commas, e.g. design, hiring" error={fieldError(error, 'topics')} />
          <SelectField label="Group" name="group" value={draft.groupId} onChange={(e) => set('groupId', e.target.value)} options={groupOptions} hint={groups.error !== undefined ? 'Your groups could not be loaded.' : 'A group room is listed under the group.'} error={fieldError(error, 'groupId')} />
          <SelectField
            label="Who may join"
            name="visibility"
            value={draft.visibility}
            onChange={(e) => set('visibility', e.target.value as RoomVisibility)}
            options={(Object.keys(VISIBILITY_LABELS) as RoomVisibility[]).map((v) => ({ value: v, label: VISIBILITY_LABELS[v] }))}
            error={fieldError(error, 'visibility')}
          />
          <TextField label="Most listeners (optional)" name="maxListeners" type="number" inputMode="numeric" min={1} max={100000} value={draft.maxListeners} onChange={(e) => set('maxListeners', e.target.value)} error={fieldError(error, 'maxListeners')} />
          <div className="checkbox-field">
            <input id="hand-raising" type="checkbox" checked={draft.handRaisingEnabled} onChange={(e) => set('handRaisingEnabled', e.target.checked)} />
            <label htmlFor="hand-raising">Listeners may raise their hand to speak</label>
          </div>
          <fieldset className="when">
            <legend>When</legend>
            <div className="checkbox-field">
              <input id="when-now" type="radio" name="when" value="now" checked={draft.when === 'now'} onChange={() => set('when', 'now')} />
              <label htmlFor="when-now">Start now</label>
            </div>
            <div className="checkbox-field">
              <input id="when-later" type="radio" name="when" value="later" checked={draft.when === 'later'} onChange={() => set('when', 'later')} />
              <label htmlFor="when-later">Schedule for later</label>
            </div>
            {draft.when === 'later' ? (
              <TextField label="Starts at" name="scheduledFor" type="datetime-local" value={draft.scheduledFor} onChange={(e) => set('scheduledFor', e.target.value)} hint={`In your time zone: ${tz.label}`} error={fieldError(error, 'scheduledFor')} />
            ) : null}
          </fieldset>
          {error !== undefined ? (
            <p className="form-error" role="alert">
              {describeFormError(error)}
            </p>
          ) : null}
          <Button type="submit" variant="primary" busy={busy}>
            {draft.when === 'later' ? 'Schedule room' : 'Create and go live'}
          </Button>
        </form>
      </Card>
    </Page>
  );
}
