-- The stage of each live room: one StageState snapshot per room (written optimistically by `version`), and every
-- stage event, append-only. The events are evidence (who brought whom on stage, when someone consented to
-- transcription, who removed or banned whom), so they are never updated or deleted while the room exists.

CREATE TABLE room_stages (
  room_id     uuid PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  snapshot    jsonb NOT NULL,
  version     integer NOT NULL CHECK (version >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE room_stage_events (
  id          bigserial PRIMARY KEY,
  room_id     uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  -- The stage version this event produced: events of one command share it.
  version     integer NOT NULL,
  type        text NOT NULL,
  -- Who did it (for self-actions the participant themself), and whom it was done to, when anyone.
  actor       text NOT NULL,
  target      text,
  at          timestamptz NOT NULL,
  payload     jsonb NOT NULL
);
CREATE INDEX room_stage_events_room ON room_stage_events (room_id, id);
-- Looking up a member's last transcription consent in a room (re-admission after a reconnect).
CREATE INDEX room_stage_events_joined ON room_stage_events (room_id, actor, id) WHERE type = 'participant_joined';
