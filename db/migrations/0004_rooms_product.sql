-- The room product: scheduling, visibility, topics, groups, capacity, RSVPs, invitations, and presence that
-- LiveKit reports through webhooks.
ALTER TABLE rooms
  ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN visibility text NOT NULL DEFAULT 'open' CHECK (visibility IN ('open', 'connections_or_group', 'invite_only')),
  ADD COLUMN topics text[] NOT NULL DEFAULT '{}',
  ADD COLUMN group_id uuid REFERENCES groups(id) ON DELETE SET NULL,
  ADD COLUMN max_listeners integer NOT NULL DEFAULT 500 CHECK (max_listeners BETWEEN 1 AND 100000),
  ADD COLUMN scheduled_for timestamptz,
  ADD COLUMN hand_raising_enabled boolean NOT NULL DEFAULT true,
  ADD COLUMN ended_reason text CHECK (ended_reason IN ('host', 'empty', 'staff', 'cancelled'));
CREATE UNIQUE INDEX rooms_seq ON rooms (seq);
CREATE INDEX rooms_status_schedule ON rooms (status, scheduled_for, seq);
CREATE INDEX rooms_group ON rooms (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX rooms_topics ON rooms USING gin (topics);

CREATE TABLE room_rsvps (
  room_id     uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  member_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, member_id)
);

-- Invitations to enter an invite-only room (not to be confused with stage invitations to speak).
CREATE TABLE room_invitations (
  room_id     uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  member_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  invited_by  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, member_id)
);

-- Who is connected to the room's media right now, as LiveKit's webhooks report it.
CREATE TABLE room_presence (
  room_id          uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  identity         text NOT NULL,
  participant_sid  text NOT NULL,
  is_agent         boolean NOT NULL DEFAULT false,
  joined_at        timestamptz NOT NULL,
  left_at          timestamptz,
  PRIMARY KEY (room_id, participant_sid)
);
CREATE INDEX room_presence_connected ON room_presence (room_id) WHERE left_at IS NULL;

CREATE TABLE room_tracks (
  room_id          uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  track_sid        text NOT NULL,
  identity         text NOT NULL,
  source           text NOT NULL,
  published_at     timestamptz NOT NULL,
  unpublished_at   timestamptz,
  PRIMARY KEY (room_id, track_sid)
);

-- Each verified webhook once: LiveKit retries deliveries, so handling is keyed by the event id.
CREATE TABLE livekit_webhook_events (
  id           text PRIMARY KEY,
  event        text NOT NULL,
  room_name    text,
  received_at  timestamptz NOT NULL DEFAULT now()
);
