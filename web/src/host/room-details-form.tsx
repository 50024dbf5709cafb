// Change a room's title, description and topics (PATCH /v1/rooms/:roomId; the host, before the room ends). Only the
// fields that changed are sent; the API's messages land beside their fields.
import { useState, type FormEvent } from 'react';
import { api, describeFormError } from '../api/client.js';
import { Button, TextArea, TextField } from '../ui/kit.js';
import { fieldError, parseTopics, type Room } from '../member/rooms-api.js';

export function RoomDetailsForm({ room, onSaved }: { room: Room; onSaved(room: Room): void }) {
  const [draft, setDraft] = useState({ title: room.title, description: room.description, topics: room.topics.join(', ') });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const topics = parseTopics(draft.topics);
    const changes = {
      ...(draft.title !== room.title ? { title: draft.title } : {}),
      ...(draft.description !== room.description ? { description: draft.description } : {}),
      ...(topics.join('\n') !== room.topics.join('\n') ? { topics } : {}),
    };
    setError(undefined);
    setSaved(false);
    if (Object.keys(changes).length === 0) return setSaved(true);
    setBusy(true);
    try {
      onSaved(await api.patch<Room>(`/v1/rooms/${room.id}`, changes));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="room-details-form" aria-label="Room details">
      <TextField label="Room title" name="room-title" maxLength={120} value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} error={fieldError(error, 'title')} />
      <TextArea label="Room description" name="room-description" rows={3} maxLength={1000} value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} error={fieldError(error, 'description')} />
      <TextField label="Room topics" name="room-topics" value={draft.topics} onChange={(e) => setDraft({ ...draft, topics: e.target.value })} hint="Separated by commas" error={fieldError(error, 'topics')} />
      {error !== undefined ? (
        <p className="form-error" role="alert">
          {describeFormError(error)}
        </p>
      ) : null}
      {saved ? (
        <p role="status" className="details-saved">
          Saved.
        </p>
      ) : null}
      <Button type="submit" variant="primary" busy={busy}>
        Save details
      </Button>
    </form>
  );
}
