// /rooms/:roomId — the room as a listener, speaker or host hears and runs it: join (a click, so audio may play),
// the media connection (livekit-client), the live stage from the API's event stream, captions, taking part,
// reporting, and the host's controls.
import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'wouter';
import { api } from '../api/client.js';
import { useSession } from '../api/session.js';
import { ActionButton, AsyncView, Badge, Button, Card, Loading, Page } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { CaptionsPanel } from './captions-panel.js';
import { HostPanel } from './host-panel.js';
import { useMemberNames } from './member-names.js';
import { ParticipationPanel } from './participation-panel.js';
import { ReportPanel } from './report-panel.js';
import { StagePanel } from './stage-panel.js';
import { isModerator, isOnStage, ROLE_LABEL, type JoinTicket, type RoomRecord } from './stage-types.js';
import { useRoomConnection, type ConnectionStatus, type EndReason } from './use-room-connection.js';
import { useStageStream } from './use-stage-stream.js';

export function RoomPage() {
  const { roomId = '' } = useParams<{ roomId: string }>();
  const room = useAsync((signal) => api.get<RoomRecord>(`/v1/rooms/${roomId}`, { signal }), [roomId]);
  return (
    <AsyncView state={room} what="Loading the room">
      {(r) => <RoomView room={r} reloadRoom={room.reload} />}
    </AsyncView>
  );
}

function RoomView({ room, reloadRoom }: { room: RoomRecord; reloadRoom(): Promise<void> }) {
  const { me } = useSession();
  const selfId = me?.id ?? '';
  const connection = useRoomConnection();
  const [joined, setJoined] = useState(false);
  const [removed, setRemoved] = useState(false);
  const stream = useStageStream(room.id, joined);
  const stage = stream.stage;
  const ended = room.status === 'ended' || stage?.ended === true || connection.endReason === 'room_ended';

  // Removed from the room: by LiveKit (the host, moderation, the join policy) or told by the stage stream.
  useEffect(() => {
    if (!joined) return;
    if (connection.endReason === 'removed' || stream.closedReason === 'not_in_room') {
      setRemoved(true);
      setJoined(false);
      void connection.leave();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection.endReason, stream.closedReason, joined]);

  // The room ended while we were in it: the stream's last state says so; drop the media and re-read the room.
  useEffect(() => {
    if (joined && (stage?.ended || connection.endReason === 'room_ended')) {
      setJoined(false);
      void connection.leave();
      void reloadRoom();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stage?.ended, connection.endReason, joined]);

  const join = async () => {
    // A refused join keeps the removal notice: the member still needs to read why.
    const ticket = await api.post<JoinTicket>(`/v1/rooms/${room.id}/join`, { acceptTranscription: true });
    await connection.connect(ticket);
    setRemoved(false);
    setJoined(true);
  };
  const leave = async () => {
    setJoined(false);
    await connection.leave();
  };

  const ids = useMemo(() => {
    if (!stage) return [];
    const m = stage.moderation;
    return [
      ...stage.onStage.map((p) => p.identity),
      ...(m ? [...m.hands.map((h) => h.identity), ...m.audience, ...m.invites.map((i) => i.identity)] : []),
      ...(stage.you?.invitedBy ? [stage.you.invitedBy] : []),
      ...stream.captions.map((c) => c.speaker),
      ...stream.flags.map((f) => f.speaker),
    ];
  }, [stage, stream.captions, stream.flags]);
  const nameOf = useMemberNames(ids, me ? { [me.id]: me.displayName } : {});
  const role = stage?.you?.role ?? null;

  return (
    <Page title={room.title} actions={<RoomStatusBadge status={room.status} ended={ended} />}>
      <div className="room-intro">
        {room.description ? <p className="room-description">{room.description}</p> : null}
        {room.topics.length > 0 ? (
          <ul className="row topic-list" aria-label="Topics">
            {room.topics.map((t) => (
              <li key={t}>
                <Badge tone="info">{t}</Badge>
              </li>
            ))}
          </ul>
        ) : null}
      </div>

      {removed ? (
        <div className="state state-error" role="alert">
          <p>You were removed from this room. You can no longer listen or speak here.</p>
        </div>
      ) : null}

      <Card title="Your connection" className="connection-card">
        <div className="row">
          <p className="connection-line">
            <span className="muted">Status: </span>
            <span role="status" className={`connection-status status-${connection.status}`}>
              {statusText(connection.status, joined, connection.endReason, removed)}
            </span>
            {joined && role ? <Badge tone="info">{ROLE_LABEL[role]}</Badge> : null}
          </p>
          {joined ? (
            <ActionButton action={leave}>Leave</ActionButton>
          ) : room.status === 'live' && !ended ? (
            <ActionButton variant="primary" action={join}>
              Join room
            </ActionButton>
          ) : null}
        </div>
        {!joined && room.status === 'live' && !ended ? <p className="hint">{room.transcriptionNotice}</p> : null}
        {!joined && room.status === 'scheduled' ? <p>This room has not started yet.</p> : null}
        {ended ? <p>This room has ended.</p> : null}
        {joined && connection.audioBlocked ? (
          <Button variant="primary" onClick={() => void connection.startAudio()}>
            Play room audio
          </Button>
        ) : null}
        {joined && isOnStage(role) ? <MicrophoneControls connection={connection} /> : null}
        {joined && stream.status === 'reconnecting' ? <p className="hint">Live updates are reconnecting…</p> : null}
      </Card>

      {joined && !stage ? stream.status === 'closed' && stream.error !== undefined ? <StreamError error={stream.error} /> : <Loading what="Loading the stage" /> : null}

      {joined && stage ? (
        <>
          {/* The host's controls first: running the room is what a host came to do. */}
          {isModerator(role) ? <HostPanel roomId={room.id} stage={stage} flags={stream.flags} accept={stream.accept} nameOf={nameOf} selfId={selfId} /> : null}
          <div className="room-grid">
            <StagePanel stage={stage} speaking={connection.speaking} nameOf={nameOf} selfId={selfId} />
            <CaptionsPanel captions={stream.captions} nameOf={nameOf} />
            <ParticipationPanel roomId={room.id} stage={stage} accept={stream.accept} nameOf={nameOf} />
            <ReportPanel roomId={room.id} stage={stage} nameOf={nameOf} selfId={selfId} />
          </div>
        </>
      ) : null}
    </Page>
  );
}

function MicrophoneControls({ connection }: { connection: ReturnType<typeof useRoomConnection> }) {
  const muted = connection.microphone === 'muted';
  return (
    <div className="mic-controls">
      <p className="row">
        <span className="muted">Microphone: </span>
        <span className="mic-state">
          {connection.microphone === 'live'
            ? 'On — you are heard'
            : connection.microphone === 'muted'
              ? 'Muted'
              : connection.microphone === 'starting'
                ? 'Starting…'
                : connection.canPublish
                  ? 'Off'
                  : 'Waiting for permission to speak…'}
        </span>
      </p>
      {connection.microphone === 'live' || connection.microphone === 'muted' ? (
        <ActionButton aria-pressed={muted} action={() => connection.setMuted(!muted)}>
          Mute microphone
        </ActionButton>
      ) : null}
      {connection.microphoneError ? (
        <p className="inline-error" role="alert">
          {connection.microphoneError}
        </p>
      ) : null}
    </div>
  );
}

function StreamError({ error }: { error: unknown }) {
  return (
    <div className="state state-error" role="alert">
      <p>Live updates of the stage stopped: {error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}

function RoomStatusBadge({ status, ended }: { status: RoomRecord['status']; ended: boolean }) {
  if (ended) return <Badge>Ended</Badge>;
  if (status === 'live') return <Badge tone="good">Live</Badge>;
  return <Badge tone="warn">Scheduled</Badge>;
}

/** The connection status line; "Connected" exactly when LiveKit says so (other pages' tests rely on it). */
function statusText(status: ConnectionStatus, joined: boolean, endReason: EndReason | undefined, removed: boolean): string {
  if (removed) return 'Removed from the room';
  if (status === 'connected' && joined) return 'Connected';
  if (status === 'connecting') return 'Connecting…';
  if (status === 'reconnecting') return 'Reconnecting…';
  if (endReason === 'left') return 'You left the room';
  if (endReason === 'room_ended') return 'The room ended';
  if (endReason === 'lost') return 'Connection lost';
  return 'Not joined yet';
}
