-- Refresh tokens a session has rotated away from. Presenting one again means it was copied or replayed: the whole
-- session (the refresh-token family) is revoked. Only hashes are kept, like the current token's.
CREATE TABLE session_rotated_tokens (
  token_hash  text PRIMARY KEY,
  session_id  uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  rotated_at  timestamptz NOT NULL
);
CREATE INDEX session_rotated_tokens_session ON session_rotated_tokens (session_id);

-- An Idempotency-Key is claimed before its handler runs: a row with status NULL is in progress, held by `claim`.
-- A concurrent duplicate finds the claim instead of running the handler a second time.
ALTER TABLE idempotency_keys ALTER COLUMN status DROP NOT NULL;
ALTER TABLE idempotency_keys ADD COLUMN claim uuid;

-- Earlier versions kept whole API keys in replayable createApiKey responses: drop the secrets that are stored.
UPDATE idempotency_keys
SET body = jsonb_set(body, '{key}', 'null'::jsonb) || '{"keyRedacted": true}'::jsonb
WHERE operation = 'createApiKey' AND jsonb_typeof(body) = 'object' AND body ? 'key';
