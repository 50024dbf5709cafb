// Groups (/groups): the member's groups (leave), group invitations waiting for an answer (accept, decline), other
// groups to join, and creating a group. Rooms can be scheduled for a group from /rooms/new.
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { ActionButton, AsyncView, Badge, Button, Card, Page, SelectField, TextArea, TextField, formatTime } from '../ui/kit.js';
import { useAction } from '../ui/use-action.js';
import { useAsync } from '../ui/use-async.js';
import type { Group, MemberSummary } from './rooms-api.js';

interface GroupInvitation {
  id: string;
  group: { id: string; name: string; visibility: 'open' | 'private' };
  inviter: MemberSummary;
  invitee: MemberSummary;
  createdAt: string;
}

export function GroupsPage() {
  const mine = useAsync((signal) => api.get<{ items: Group[] }>('/v1/me/groups', { signal }), []);
  const invitations = useAsync((signal) => api.get<{ items: GroupInvitation[] }>('/v1/me/group-invitations', { signal }), []);
  const all = useAsync((signal) => api.get<{ items: Group[]; nextCursor: string | null }>('/v1/groups', { query: { limit: 50 }, signal }), []);
  const reloadAll = async () => {
    await Promise.all([mine.reload(), invitations.reload(), all.reload()]);
  };
  return (
    <Page title="Groups">
      <Card title="Invitations">
        <AsyncView state={invitations} what="Loading invitations" empty="No group invitations are waiting for you." isEmpty={(d) => d.items.length === 0}>
          {(d) => (
            <ul className="list group-list" aria-label="Group invitations">
              {d.items.map((inv) => (
                <li key={inv.id}>
                  <div className="group-body">
                    <p>
                      <strong>{inv.group.name}</strong> — invited by {inv.inviter.displayName}
                    </p>
                    <p className="hint">{formatTime(inv.createdAt)}</p>
                  </div>
                  <div className="row">
                    <ActionButton variant="primary" aria-label={`Accept the invitation to ${inv.group.name}`} action={async () => { await api.post(`/v1/group-invitations/${inv.id}/accept`); await reloadAll(); }}>
                      Accept
                    </ActionButton>
                    <ActionButton aria-label={`Decline the invitation to ${inv.group.name}`} action={async () => { await api.post(`/v1/group-invitations/${inv.id}/decline`); await invitations.reload(); }}>
                      Decline
                    </ActionButton>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </AsyncView>
      </Card>
      <Card title="Your groups">
        <AsyncView state={mine} what="Loading your groups" empty="You are not in any group yet." isEmpty={(d) => d.items.length === 0}>
          {(d) => (
            <ul className="list group-list" aria-label="Your groups">
              {d.items.map((g) => (
                <li key={g.id}>
                  <div className="group-body">
                    <p>
                      <strong>{g.name}</strong> {g.myRole ? <Badge>{g.myRole}</Badge> : null} {g.visibility === 'private' ? <Badge tone="info">private</Badge> : null}
                    </p>
                    <p className="hint">
                      {g.memberCount} member{g.memberCount === 1 ? '' : 's'}
                      {g.description ? ` · ${g.description}` : ''}
                    </p>
                  </div>
                  <div className="row">
                    <Link href={`/?group=${g.id}`} aria-label={`Rooms of ${g.name}`}>
                      Rooms
                    </Link>
                    <ActionButton aria-label={`Leave ${g.name}`} action={async () => { await api.post(`/v1/groups/${g.id}/leave`); await reloadAll(); }}>
                      Leave
                    </ActionButton>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </AsyncView>
      </Card>
      <Card title="Other groups">
        <AsyncView state={all} what="Loading groups" empty="No other groups to join." isEmpty={(d) => d.items.every((g) => g.myRole !== null)}>
          {(d) => (
            <ul className="list group-list" aria-label="Other groups">
              {d.items
                .filter((g) => g.myRole === null)
                .map((g) => (
                  <li key={g.id}>
                    <div className="group-body">
                      <p>
                        <strong>{g.name}</strong> {g.visibility === 'private' ? <Badge tone="info">private: by invitation</Badge> : null}
                      </p>
                      <p className="hint">
                        {g.memberCount} member{g.memberCount === 1 ? '' : 's'}
                        {g.description ? ` · ${g.description}` : ''}
                      </p>
                    </div>
                    {g.visibility === 'open' ? (
                      <ActionButton aria-label={`Join ${g.name}`} action={async () => { await api.post(`/v1/groups/${g.id}/join`); await reloadAll(); }}>
                        Join
                      </ActionButton>
                    ) : null}
                  </li>
                ))}
            </ul>
          )}
        </AsyncView>
      </Card>
      <CreateGroup onCreated={reloadAll} />
    </Page>
  );
}

function CreateGroup({ onCreated }: { onCreated(): Promise<void> }) {
  const [form, setForm] = useState({ name: '', description: '', visibility: 'open' });
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await api.post('/v1/groups', { name: form.name, ...(form.description.trim() ? { description: form.description } : {}), visibility: form.visibility });
      setForm({ name: '', description: '', visibility: 'open' });
      await onCreated();
    });
  };
  const apiError = error instanceof ApiRequestError ? error : undefined;
  return (
    <Card title="Create a group">
      <form onSubmit={submit} noValidate>
        <TextField label="Name" name="group-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={apiError?.fieldMessage('name')} />
        <TextArea label="Description" name="group-description" rows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} error={apiError?.fieldMessage('description')} />
        <SelectField
          label="Who can join"
          name="group-visibility"
          value={form.visibility}
          onChange={(e) => setForm({ ...form, visibility: e.target.value })}
          options={[
            { value: 'open', label: 'Open: anyone joins' },
            { value: 'private', label: 'Private: by invitation' },
          ]}
          error={apiError?.fieldMessage('visibility')}
        />
        {error !== undefined ? (
          <p className="form-error" role="alert">
            {describeFormError(error)}
          </p>
        ) : null}
        <Button type="submit" variant="primary" busy={busy}>
          Create group
        </Button>
      </form>
    </Card>
  );
}
