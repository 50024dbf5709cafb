-- Room moderation policies (a host's override of the platform policy) and sanctions against members.

-- Only the host's override is stored, never the merged policy: the platform policy (and the classifier's calibrated
-- thresholds under it) can change, and the room then gets the new platform values for everything it did not set.
-- `version` is the effective policy's version when the override was saved (engine/moderation/room-policy.ts).
CREATE TABLE room_moderation_policies (
  room_id     uuid PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  override    jsonb NOT NULL,
  version     text NOT NULL,
  updated_by  uuid REFERENCES members(id) ON DELETE SET NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Platform-wide sanctions: a warning (restricts nothing, it is on the record), a suspension (until expires_at) or a
-- ban (no end). Never deleted while the member exists: a sanction is lifted, with who lifted it and why.
CREATE TABLE member_sanctions (
  id           uuid PRIMARY KEY,
  member_id    uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('warn', 'suspend', 'ban')),
  reason       text NOT NULL CHECK (reason <> ''),
  -- The trust-and-safety case and decision that imposed it, if any. No foreign key: cases live in another migration.
  case_id      uuid,
  decision_id  text,
  starts_at    timestamptz NOT NULL,
  expires_at   timestamptz,
  lifted_at    timestamptz,
  -- 'system' (expiry, automatic reversal) or the id of the member who lifted it
  lifted_by    text,
  lift_reason  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- insertion order, to list sanctions created at the same instant stably
  seq          bigserial NOT NULL,
  CHECK ((kind = 'suspend') = (expires_at IS NOT NULL)),
  CHECK (expires_at IS NULL OR expires_at > starts_at),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL) AND (lifted_at IS NULL) = (lift_reason IS NULL))
);
-- Active sanctions of a member (checked on every join and token refresh).
CREATE INDEX member_sanctions_active ON member_sanctions (member_id, kind) WHERE lifted_at IS NULL;
-- Suspensions past their end that the lifter has not recorded as lifted yet.
CREATE INDEX member_sanctions_expiring ON member_sanctions (expires_at) WHERE lifted_at IS NULL AND expires_at IS NOT NULL;
-- A member's record, newest first.
CREATE INDEX member_sanctions_member ON member_sanctions (member_id, created_at DESC, seq DESC);
-- A retried decision imposes its sanction on a member once.
CREATE UNIQUE INDEX member_sanctions_decision ON member_sanctions (decision_id, member_id) WHERE decision_id IS NOT NULL;
