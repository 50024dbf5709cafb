// One room in a discovery list: what it is, when, how many RSVP'd, a link to it, RSVP for upcoming rooms, and the
// settings link for its host.
import { Link } from 'wouter';
import { api } from '../api/client.js';
import { ActionButton, Badge, formatTime } from '../ui/kit.js';
import type { Room } from './rooms-api.js';

export function RoomCard({ room, meId, onChange, headingLevel = 3 }: { room: Room; meId: string; onChange(room: Room): void; headingLevel?: 3 | 4 }) {
  const H = headingLevel === 3 ? 'h3' : 'h4';
  const toggleRsvp = async () => onChange(room.rsvpd ? await api.delete<Room>(`/v1/rooms/${room.id}/rsvp`) : await api.put<Room>(`/v1/rooms/${room.id}/rsvp`));
  return (
    <article className="room-card" aria-labelledby={`room-${room.id}`} data-room-id={room.id}>
      <div className="room-card-head">
        <H id={`room-${room.id}`} className="room-card-title">
          <Link href={`/rooms/${room.id}`}>{room.title}</Link>
        </H>
        {room.status === 'live' ? <Badge tone="good">Live</Badge> : room.status === 'scheduled' ? <Badge tone="info">Upcoming</Badge> : <Badge>Ended</Badge>}
      </div>
      {room.description ? <p className="room-card-description">{room.description}</p> : null}
      <p className="room-card-meta">
        {room.status === 'live' ? `Live since ${formatTime(room.startedAt)}` : room.status === 'scheduled' ? `Starts ${formatTime(room.scheduledFor)}` : `Ended ${formatTime(room.endedAt)}`}
        {room.status === 'scheduled' ? ` · ${room.rsvpCount} going` : null}
      </p>
      {room.topics.length > 0 ? (
        <ul className="room-topics" aria-label="Topics">
          {room.topics.map((t) => (
            <li key={t}>
              <Badge>{t}</Badge>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="row">
        {room.status === 'scheduled' ? (
          <ActionButton action={toggleRsvp} aria-pressed={room.rsvpd} aria-label={`${room.rsvpd ? 'Going' : 'RSVP'}: ${room.title}`}>
            {room.rsvpd ? 'Going ✓' : 'RSVP'}
          </ActionButton>
        ) : null}
        {room.hostMemberId === meId && room.status !== 'ended' ? (
          <Link href={`/rooms/${room.id}/settings`} aria-label={`Settings for ${room.title}`}>
            Settings
          </Link>
        ) : null}
      </div>
    </article>
  );
}
