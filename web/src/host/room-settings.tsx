// A room's settings for its host (/rooms/:roomId/settings): start or cancel a scheduled room, its details, invite
// members, and the moderation policy. Co-hosts read the policy; the API refuses what a role may not do, and the
// page says so.
import { useState } from 'react';
import { Link, useParams } from 'wouter';
import { api, ApiRequestError } from '../api/client.js';
import { useSession } from '../api/session.js';
import { ActionButton, AsyncView, Badge, Button, Card, Page, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { ownTimeZone, VISIBILITY_LABELS, type Room } from '../member/rooms-api.js';
import { InviteForm } from './invite-form.js';
import { PolicyEditor } from './policy-editor.js';
import { RoomDetailsForm } from './room-details-form.js';

export function RoomSettingsPage() {
  const { roomId = '' } = useParams<{ roomId: string }>();
  const room = useAsync((signal) => api.get<Room>(`/v1/rooms/${roomId}`, { signal }), [roomId]);
  return (
    <Page title={room.data ? `Settings: ${room.data.title}` : 'Room settings'}>
      <AsyncView state={room} what="Loading the room">
        {(r) => <Settings room={r} onChange={(next) => room.setData(next)} />}
      </AsyncView>
    </Page>
  );
}

function Settings({ room, onChange }: { room: Room; onChange(room: Room): void }) {
  const { me, isStaff } = useSession();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const isHost = me?.id === room.hostMemberId;
  const canEditPolicy = isHost || (me?.platformRoles ?? []).includes('admin');
  // Co-hosts manage the room too, and only the API knows who they are: reading the policy is its room-role check.
  const access = useAsync(async (signal) => {
    if (isHost || isStaff) return true;
    try {
      await api.get(`/v1/rooms/${room.id}/moderation-policy`, { signal });
      return true;
    } catch (err) {
      if (err instanceof ApiRequestError && (err.status === 403 || err.status === 404)) return false;
      throw err;
    }
  }, [room.id, isHost, isStaff]);
  if (access.data === false) {
    return (
      <Card title="Not your room to manage">
        <p>Only the room’s host and co-hosts manage its settings.</p>
        <div className="row">
          {room.status !== 'ended' ? <Link href={`/rooms/${room.id}`}>Open the room page</Link> : null}
          <Link href="/">Back to rooms</Link>
        </div>
      </Card>
    );
  }
  if (access.data === undefined) return <AsyncView state={access} what="Checking your role in the room">{() => null}</AsyncView>;
  return (
    <>
      <Card title="Room">
        <p className="room-status">
          {room.status === 'live' ? <Badge tone="good">Live</Badge> : room.status === 'scheduled' ? <Badge tone="info">Upcoming</Badge> : <Badge>Ended</Badge>}{' '}
          {room.status === 'scheduled'
            ? `Starts ${formatTime(room.scheduledFor)} (${ownTimeZone().label}) · ${room.rsvpCount} going`
            : room.status === 'live'
              ? `Live since ${formatTime(room.startedAt)}`
              : `Ended ${formatTime(room.endedAt)}${room.endedReason === 'cancelled' ? ' (cancelled)' : ''}`}
        </p>
        <p className="hint">{VISIBILITY_LABELS[room.visibility]}</p>
        <div className="row">
          {room.status !== 'ended' ? <Link href={`/rooms/${room.id}`}>{room.status === 'live' ? 'Enter the room' : 'Open the room page'}</Link> : null}
          <Link href="/">Back to rooms</Link>
        </div>
        {room.status === 'scheduled' && isHost ? (
          <div className="row schedule-actions">
            <ActionButton variant="primary" action={async () => onChange(await api.post<Room>(`/v1/rooms/${room.id}/start`))}>
              Start now
            </ActionButton>
            {confirmCancel ? (
              <div className="row" role="group" aria-label="Confirm cancelling">
                <span>Cancel this room for everyone who RSVP’d?</span>
                <ActionButton variant="danger" action={async () => onChange(await api.post<Room>(`/v1/rooms/${room.id}/cancel`))}>
                  Yes, cancel the room
                </ActionButton>
                <Button onClick={() => setConfirmCancel(false)}>Keep it</Button>
              </div>
            ) : (
              <Button variant="danger" onClick={() => setConfirmCancel(true)}>
                Cancel room
              </Button>
            )}
          </div>
        ) : null}
      </Card>
      {room.status !== 'ended' && isHost ? (
        <Card title="Details">
          <RoomDetailsForm key={room.id} room={room} onSaved={onChange} />
        </Card>
      ) : null}
      {room.status !== 'ended' ? (
        <Card title="Invite members">
          <InviteForm roomId={room.id} groupId={room.groupId} meId={me?.id ?? ''} />
        </Card>
      ) : null}
      {isHost || isStaff || room.status !== 'ended' ? (
        <Card title="Moderation policy">
          <PolicyEditor roomId={room.id} canEdit={canEditPolicy && room.status !== 'ended'} />
        </Card>
      ) : null}
    </>
  );
}
