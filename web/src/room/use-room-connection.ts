// The member's media connection with livekit-client: connect with a join ticket, play every remote audio track,
// follow the connection state and who is speaking, publish the microphone while LiveKit grants publishing, and
// tell why the connection ended (removed, room ended).
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConnectionState, DisconnectReason, Room, RoomEvent, Track, type Participant, type RemoteTrack } from 'livekit-client';
import type { JoinTicket } from './stage-types.js';

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
export type EndReason = 'left' | 'removed' | 'room_ended' | 'lost';

export interface RoomConnection {
  status: ConnectionStatus;
  /** Why the last connection ended; undefined while connected or before the first. */
  endReason: EndReason | undefined;
  /** LiveKit lets this participant publish (the stage's grant, as LiveKit carries it out). */
  canPublish: boolean;
  microphone: 'off' | 'starting' | 'live' | 'muted';
  microphoneError: string | undefined;
  /** Identities LiveKit reports speaking now (remote and local). */
  speaking: ReadonlySet<string>;
  /** The browser blocked audio playback until a click (autoplay policy). */
  audioBlocked: boolean;
  connect(ticket: JoinTicket): Promise<void>;
  leave(): Promise<void>;
  setMuted(muted: boolean): Promise<void>;
  startAudio(): Promise<void>;
}

export function useRoomConnection(): RoomConnection {
  const roomRef = useRef<Room | null>(null);
  const audioHost = useRef<HTMLDivElement | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>('idle');
  const [endReason, setEndReason] = useState<EndReason | undefined>(undefined);
  const [canPublish, setCanPublish] = useState(false);
  const [microphone, setMicrophone] = useState<RoomConnection['microphone']>('off');
  const [microphoneError, setMicrophoneError] = useState<string | undefined>(undefined);
  const [speaking, setSpeaking] = useState<ReadonlySet<string>>(new Set());
  const [audioBlocked, setAudioBlocked] = useState(false);

  // Remote audio plays through <audio> elements kept outside React's tree (livekit-client owns them).
  useEffect(() => {
    const host = document.createElement('div');
    host.hidden = true;
    host.dataset.roomAudio = '';
    document.body.appendChild(host);
    audioHost.current = host;
    return () => {
      void roomRef.current?.disconnect();
      host.remove();
    };
  }, []);

  const readMicrophone = useCallback((room: Room) => {
    const pub = room.localParticipant.getTrackPublication(Track.Source.Microphone);
    setMicrophone(!pub?.track ? 'off' : pub.isMuted ? 'muted' : 'live');
  }, []);

  const connect = useCallback(
    async (ticket: JoinTicket) => {
      await roomRef.current?.disconnect();
      const room = new Room({ adaptiveStream: false, dynacast: false });
      roomRef.current = room;
      setEndReason(undefined);
      setMicrophoneError(undefined);
      room
        .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
          if (track.kind !== Track.Kind.Audio) return;
          const el = track.attach();
          audioHost.current?.appendChild(el);
        })
        .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
          for (const el of track.detach()) el.remove();
        })
        .on(RoomEvent.ConnectionStateChanged, (state: ConnectionState) => {
          if (roomRef.current !== room) return;
          setStatus(
            state === ConnectionState.Connected
              ? 'connected'
              : state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting
                ? 'reconnecting'
                : state === ConnectionState.Connecting
                  ? 'connecting'
                  : 'disconnected',
          );
        })
        .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
          if (roomRef.current !== room) return;
          setStatus('disconnected');
          setCanPublish(false);
          setMicrophone('off');
          setSpeaking(new Set());
          setEndReason(endReasonOf(reason));
        })
        .on(RoomEvent.ActiveSpeakersChanged, (speakers: Participant[]) => setSpeaking(new Set(speakers.map((p) => p.identity))))
        .on(RoomEvent.ParticipantPermissionsChanged, (_prev, participant: Participant) => {
          if (participant === room.localParticipant) setCanPublish(room.localParticipant.permissions?.canPublish ?? false);
        })
        .on(RoomEvent.LocalTrackPublished, () => readMicrophone(room))
        .on(RoomEvent.LocalTrackUnpublished, () => readMicrophone(room))
        .on(RoomEvent.TrackMuted, () => readMicrophone(room))
        .on(RoomEvent.TrackUnmuted, () => readMicrophone(room))
        .on(RoomEvent.AudioPlaybackStatusChanged, () => setAudioBlocked(!room.canPlaybackAudio));
      setStatus('connecting');
      try {
        await room.connect(ticket.url, ticket.token, { autoSubscribe: true });
      } catch (err) {
        if (roomRef.current === room) {
          setStatus('disconnected');
          setEndReason('lost');
        }
        throw err;
      }
      setCanPublish(room.localParticipant.permissions?.canPublish ?? ticket.canPublish);
      setAudioBlocked(!room.canPlaybackAudio);
    },
    [readMicrophone],
  );

  // The stage granted publishing: ask for the microphone and publish it. Revoked: LiveKit unpublishes it.
  useEffect(() => {
    const room = roomRef.current;
    if (!room || status !== 'connected') return;
    if (!canPublish) {
      readMicrophone(room);
      return;
    }
    if (room.localParticipant.getTrackPublication(Track.Source.Microphone)) return;
    setMicrophone('starting');
    setMicrophoneError(undefined);
    room.localParticipant.setMicrophoneEnabled(true).then(
      () => readMicrophone(room),
      (err: unknown) => {
        setMicrophone('off');
        setMicrophoneError(err instanceof Error ? `The microphone could not be started: ${err.message}` : 'The microphone could not be started.');
      },
    );
  }, [canPublish, status, readMicrophone]);

  const leave = useCallback(async () => {
    const room = roomRef.current;
    if (!room) return;
    await room.disconnect();
    setStatus('disconnected');
    setEndReason('left');
  }, []);

  const setMuted = useCallback(
    async (muted: boolean) => {
      const room = roomRef.current;
      if (!room) return;
      await room.localParticipant.setMicrophoneEnabled(!muted);
      readMicrophone(room);
    },
    [readMicrophone],
  );

  const startAudio = useCallback(async () => {
    const room = roomRef.current;
    if (!room) return;
    await room.startAudio();
    setAudioBlocked(!room.canPlaybackAudio);
  }, []);

  return { status, endReason, canPublish, microphone, microphoneError, speaking, audioBlocked, connect, leave, setMuted, startAudio };
}

function endReasonOf(reason: DisconnectReason | undefined): EndReason {
  switch (reason) {
    case DisconnectReason.CLIENT_INITIATED:
      return 'left';
    case DisconnectReason.PARTICIPANT_REMOVED:
      return 'removed';
    case DisconnectReason.ROOM_DELETED:
    case DisconnectReason.ROOM_CLOSED:
      return 'room_ended';
    default:
      return 'lost';
  }
}
