-- Rooms as LiveKit knows them, and transcript segments from the moderation agent.

CREATE TABLE rooms (
  id            uuid PRIMARY KEY,
  livekit_name  text NOT NULL UNIQUE,
  host_member_id uuid NOT NULL REFERENCES members(id),
  title         text NOT NULL,
  description   text NOT NULL DEFAULT '',
  status        text NOT NULL DEFAULT 'live' CHECK (status IN ('scheduled', 'live', 'ended')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  ended_at      timestamptz
);

-- One row per stored utterance. segment_key makes the agent's write idempotent, so a retried insert after a
-- fault never duplicates a segment.
CREATE TABLE transcript_segments (
  id                bigserial PRIMARY KEY,
  room_id           uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  segment_key       text NOT NULL UNIQUE,
  speaker_identity  text NOT NULL,
  track_sid         text,
  started_at        timestamptz NOT NULL,
  ended_at          timestamptz NOT NULL,
  text              text NOT NULL,
  model             text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at >= started_at)
);
CREATE INDEX transcript_segments_room_time ON transcript_segments (room_id, started_at);
