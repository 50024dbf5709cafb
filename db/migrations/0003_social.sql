-- The social graph: connection requests, connections, blocks, and groups with their members and invitations.
-- Every listable table has a `seq` identity: lists page by it (keyset), which is exact where timestamps may tie.

-- Pending requests only: accepting turns one into a connection, declining or cancelling deletes it.
-- At most one pending request per pair in either direction (a reverse request auto-accepts instead).
CREATE TABLE connection_requests (
  id            uuid PRIMARY KEY,
  seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  requester_id  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  recipient_id  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (requester_id <> recipient_id)
);
CREATE UNIQUE INDEX connection_requests_pair ON connection_requests (LEAST(requester_id, recipient_id), GREATEST(requester_id, recipient_id));
CREATE INDEX connection_requests_recipient ON connection_requests (recipient_id, seq);
CREATE INDEX connection_requests_requester ON connection_requests (requester_id, seq);

-- One row per connected pair, smaller id first, so the schema itself keeps connections symmetric and unique.
CREATE TABLE connections (
  member_low   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  member_high  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_low, member_high),
  CHECK (member_low < member_high)
);
CREATE INDEX connections_low_seq ON connections (member_low, seq);
CREATE INDEX connections_high_seq ON connections (member_high, seq);

CREATE TABLE member_blocks (
  blocker_id  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  blocked_id  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id <> blocked_id)
);
CREATE INDEX member_blocks_blocked ON member_blocks (blocked_id);
CREATE INDEX member_blocks_blocker_seq ON member_blocks (blocker_id, seq);

CREATE TABLE groups (
  id           uuid PRIMARY KEY,
  seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description  text NOT NULL DEFAULT '',
  visibility   text NOT NULL CHECK (visibility IN ('open', 'private')),
  created_by   uuid REFERENCES members(id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
  group_id   uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  member_id  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  joined_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, member_id)
);
-- Exactly one owner at a time; an ownership transfer demotes the old owner before promoting the new one.
CREATE UNIQUE INDEX group_members_one_owner ON group_members (group_id) WHERE role = 'owner';
CREATE INDEX group_members_group_seq ON group_members (group_id, seq);
CREATE INDEX group_members_member_seq ON group_members (member_id, seq);

-- Pending invitations only: accepting makes a membership, declining or revoking deletes the row.
CREATE TABLE group_invitations (
  id          uuid PRIMARY KEY,
  seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  group_id    uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  invitee_id  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  inviter_id  uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (group_id, invitee_id),
  CHECK (invitee_id <> inviter_id)
);
CREATE INDEX group_invitations_invitee_seq ON group_invitations (invitee_id, seq);
CREATE INDEX group_invitations_group_seq ON group_invitations (group_id, seq);
