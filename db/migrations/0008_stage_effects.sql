-- The outbox of stage effects on LiveKit (grant or revoke publishing, mute, remove). Each row is written in the same
-- transaction as the stage change that decided it, so a committed ban always has its removal queued, and the effect
-- worker carries it out with retries. `seq` is the order of decision: effects on one participant are applied in it.
-- A row is claimed by pushing next_attempt_at past the call (a lease), so a worker that dies mid-call is retried.
CREATE TABLE stage_effects (
  id               uuid PRIMARY KEY,
  seq              bigserial NOT NULL UNIQUE,
  room_id          uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  stage_version    integer NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('grant_publish', 'revoke_publish', 'mute_track', 'remove')),
  identity         text NOT NULL,
  livekit_room     text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'failed')),
  -- applied: LiveKit did it; participant_absent: they were not connected (nothing to do, counts as done);
  -- refused: LiveKit rejected the call (not retried); retries_exhausted: LiveKit stayed unreachable or failing.
  outcome          text CHECK (outcome IN ('applied', 'participant_absent', 'refused', 'retries_exhausted')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL,
  last_error       text,
  created_at       timestamptz NOT NULL,
  settled_at       timestamptz,
  CHECK ((status = 'pending') = (outcome IS NULL))
);
CREATE INDEX stage_effects_due ON stage_effects (next_attempt_at) WHERE status = 'pending';
CREATE INDEX stage_effects_participant ON stage_effects (room_id, identity, seq);
