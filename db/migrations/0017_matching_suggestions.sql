-- Matching suggestions and what follows them (engine/matching/suggestion-service.ts, round-service.ts):
-- suggestions with mutual opt-in, pair history for exclusions, weekly exposure counts, in-app notifications,
-- the private rooms scheduled for matched pairs, and the record of every round.

-- A round (roundtable round): who was paired, or would be on a dry run. results: the round report as printed.
CREATE TABLE match_rounds (
  id           uuid PRIMARY KEY,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  dry_run      boolean NOT NULL,
  results      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(results) = 'object')
);

-- One suggestion is one member (member_id) being shown another (candidate_id); the reverse direction is its own row.
-- Open = pending, accepted (waiting for the other side) or snoozed: at most one open row per ordered pair.
CREATE TABLE match_suggestions (
  id             uuid PRIMARY KEY,
  member_id      uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  candidate_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  score          real NOT NULL CHECK (score >= 0 AND score <= 1),
  -- short sentences written for member_id ("you overlap Tue 09:00–10:30 your time", in member_id's zone)
  reasons        jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(reasons) = 'array'),
  -- common UTC intervals [{start, end}] (epoch ms) over the two weeks after created_at
  overlap        jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(overlap) = 'array'),
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'snoozed', 'expired', 'matched')),
  source         text NOT NULL DEFAULT 'suggestion' CHECK (source IN ('suggestion', 'reciprocal', 'round')),
  round_id       uuid REFERENCES match_rounds(id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  snoozed_until  timestamptz,
  responded_at   timestamptz,
  CHECK (member_id <> candidate_id),
  CHECK (expires_at > created_at),
  CHECK ((status = 'snoozed') = (snoozed_until IS NOT NULL))
);
CREATE UNIQUE INDEX match_suggestions_open_pair ON match_suggestions (member_id, candidate_id) WHERE status IN ('pending', 'accepted', 'snoozed');
CREATE INDEX match_suggestions_member ON match_suggestions (member_id, status, created_at DESC);
CREATE INDEX match_suggestions_candidate ON match_suggestions (candidate_id) WHERE status IN ('pending', 'accepted', 'snoozed');
CREATE INDEX match_suggestions_expiry ON match_suggestions (expires_at) WHERE status IN ('pending', 'accepted');
CREATE INDEX match_suggestions_snoozed ON match_suggestions (snoozed_until) WHERE status = 'snoozed';

-- History of an unordered pair, for exclusions: matched (a room was scheduled), paired by a round, declined by
-- either. match_count numbers the pair's match rooms (one room per match, enforced below).
CREATE TABLE match_pairs (
  member_low   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  member_high  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  matched_at   timestamptz,
  paired_at    timestamptz,
  declined     boolean NOT NULL DEFAULT false,
  declined_at  timestamptz,
  match_count  integer NOT NULL DEFAULT 0 CHECK (match_count >= 0),
  PRIMARY KEY (member_low, member_high),
  CHECK (member_low < member_high)
);
CREATE INDEX match_pairs_high ON match_pairs (member_high);

-- How often a member was shown to others in a week (UTC weeks starting Monday): the per-person exposure cap.
CREATE TABLE match_exposures (
  member_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  week_start  date NOT NULL,
  count       integer NOT NULL DEFAULT 0 CHECK (count >= 0),
  PRIMARY KEY (member_id, week_start)
);

-- The private, invite-only room of a matched pair: host_member_id hosts it, the other is invited.
CREATE TABLE match_rooms (
  id             uuid PRIMARY KEY,
  member_low     uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  member_high    uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  pair_match_no  integer NOT NULL CHECK (pair_match_no >= 1),
  room_id        uuid NOT NULL UNIQUE REFERENCES rooms(id) ON DELETE CASCADE,
  host_member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  scheduled_for  timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL,
  created_at     timestamptz NOT NULL,
  CHECK (member_low < member_high),
  CHECK (ends_at > scheduled_for),
  CHECK (host_member_id IN (member_low, member_high)),
  UNIQUE (member_low, member_high, pair_match_no)
);
CREATE INDEX match_rooms_low ON match_rooms (member_low, scheduled_for);
CREATE INDEX match_rooms_high ON match_rooms (member_high, scheduled_for);

-- The in-app notification feed (also published in-process for event streams).
CREATE TABLE notifications (
  id          uuid PRIMARY KEY,
  member_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  kind        text NOT NULL,
  payload     jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(payload) = 'object'),
  created_at  timestamptz NOT NULL,
  read_at     timestamptz,
  seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX notifications_member ON notifications (member_id, seq DESC);

-- Members moved over with `roundtable import-members` bring the connection count they had in their old community;
-- gating counts the larger of it and their connections here.
ALTER TABLE matching_profiles ADD COLUMN imported_connections integer NOT NULL DEFAULT 0 CHECK (imported_connections >= 0);
