-- The cross-process room event bus: every stage change, stage effect, caption and moderation flag of a room, in
-- the order they committed, for every API process's event streams (SSE `id:` is `seq`).
--
-- `seq` is per room and gap-free: it is taken from the room's head row, which the appending transaction holds
-- until it commits, so appends of one room commit in seq order (a reader that saw seq N has seen every seq < N)
-- and a rolled-back append gives its number back. Heads are kept when events are swept, so numbers never repeat.
CREATE TABLE room_event_heads (
  room_id uuid PRIMARY KEY,
  seq bigint NOT NULL
);

CREATE TABLE room_events (
  room_id uuid NOT NULL,
  seq bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('stage_state', 'stage_effect', 'caption', 'moderation_flag')),
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, seq)
);

-- Retention sweeps by age.
CREATE INDEX room_events_created_at ON room_events (created_at);
