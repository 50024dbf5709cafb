-- Quotas: one generic rate limiter shared by every process that talks to this database, and reaction counts kept
-- apart from the stage snapshot (a reaction is one small upsert, not a rewrite of the whole stage).

-- One row per counted hit of a keyed, windowed limit (a sliding-window log). `bucket` names the limit
-- ('signup', 'room_create', ...), `key` whom it counts (an IP, a member, a member in a room).
CREATE TABLE rate_limit_hits (
  bucket      text        NOT NULL,
  key         text        NOT NULL,
  at          timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX rate_limit_hits_key_at ON rate_limit_hits (bucket, key, at);
CREATE INDEX rate_limit_hits_expires ON rate_limit_hits (expires_at);

CREATE TABLE room_reaction_counts (
  room_id  uuid   NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  emoji    text   NOT NULL,
  count    bigint NOT NULL CHECK (count >= 0),
  PRIMARY KEY (room_id, emoji)
);

-- Counts stored in snapshots so far move to the new table.
INSERT INTO room_reaction_counts (room_id, emoji, count)
SELECT s.room_id, r.key, r.value::bigint
FROM room_stages s, jsonb_each_text(COALESCE(s.snapshot->'reactions', '{}'::jsonb)) AS r
WHERE r.value::bigint > 0;
