// Invite members into a room (POST /v1/rooms/:roomId/invitations): pick one of your connections or the room's
// group members, or give a member ID; each invitation sent is listed, each refusal shown with the API's message.
import { useState, type FormEvent } from 'react';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { Button, SelectField, TextField } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import type { MemberSummary } from '../member/rooms-api.js';

export function InviteForm({ roomId, groupId, meId }: { roomId: string; groupId: string | null; meId: string }) {
  const people = useAsync(async (signal) => {
    const [connections, group] = await Promise.all([
      api.get<{ items: { member: MemberSummary }[] }>('/v1/me/connections', { query: { limit: 100 }, signal }),
      groupId ? api.get<{ items: { member: MemberSummary }[] }>(`/v1/groups/${groupId}/members`, { query: { limit: 100 }, signal }) : Promise.resolve({ items: [] }),
    ]);
    const byId = new Map<string, MemberSummary>();
    for (const { member } of [...connections.items, ...group.items]) if (member.id !== meId) byId.set(member.id, member);
    return [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  }, [groupId, meId]);
  const [chosen, setChosen] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [invited, setInvited] = useState<string[]>([]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const memberId = typed.trim() || chosen;
    setError(undefined);
    if (!memberId) {
      setError(new ApiRequestError(400, 'missing_member', 'Choose a member or give a member ID.', [{ field: 'body.memberId', message: 'choose a member or give a member ID' }]));
      return;
    }
    setBusy(true);
    try {
      await api.post(`/v1/rooms/${roomId}/invitations`, { memberId });
      const name = people.data?.find((m) => m.id === memberId)?.displayName ?? memberId;
      setInvited((list) => [...list.filter((n) => n !== name), name]);
      setChosen('');
      setTyped('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const apiError = error instanceof ApiRequestError ? error : undefined;
  const memberError = apiError?.fieldMessage('memberId');
  const options = [{ value: '', label: people.data === undefined ? 'Loading your connections…' : people.data.length === 0 ? 'No connections to choose from' : 'Choose a member' }, ...(people.data ?? []).map((m) => ({ value: m.id, label: m.headline ? `${m.displayName} — ${m.headline}` : m.displayName }))];

  return (
    <form onSubmit={submit} noValidate className="invite-form" aria-label="Invite members">
      <SelectField label={groupId ? 'Your connections and group members' : 'Your connections'} name="invitee" value={chosen} onChange={(e) => setChosen(e.target.value)} options={options} error={typed.trim() ? undefined : memberError} />
      <TextField label="Or a member ID" name="invitee-id" value={typed} onChange={(e) => setTyped(e.target.value)} hint="The ID at the end of a member's profile address." error={typed.trim() ? memberError : undefined} autoComplete="off" spellCheck={false} />
      {people.error !== undefined ? <p className="hint">Your connections could not be loaded; you can still give a member ID.</p> : null}
      {error !== undefined && !memberError ? (
        <p className="form-error" role="alert">
          {describeFormError(error)}
        </p>
      ) : null}
      <Button type="submit" variant="primary" busy={busy}>
        Send invitation
      </Button>
      <div role="status" aria-live="polite">
        {invited.length > 0 ? (
          <>
            <p className="invited-heading">Invited:</p>
            <ul className="invited-list">
              {invited.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </form>
  );
}
