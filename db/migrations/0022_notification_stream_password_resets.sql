-- Two additions for members:
-- 1. Each member's in-app notifications also go on the room event bus (room_events), keyed by the member's id, as
--    kind `notification`: the bus gives each member a gap-free, commit-ordered event id (the SSE `id:`), NOTIFY
--    across API processes and Last-Event-ID replay. The notifications table stays the feed's truth.
ALTER TABLE room_events DROP CONSTRAINT room_events_kind_check;
ALTER TABLE room_events ADD CONSTRAINT room_events_kind_check
  CHECK (kind IN ('stage_state', 'stage_effect', 'caption', 'moderation_flag', 'moderation_undone', 'notification'));

-- 2. Operator-issued password resets (`roundtable password-reset <email>`): single-use and expiring; only the
--    sha256 of the token is stored. Consumed (used_at) in the transaction that sets the new password.
CREATE TABLE password_resets (
  id          uuid PRIMARY KEY,
  member_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX password_resets_member ON password_resets (member_id);
