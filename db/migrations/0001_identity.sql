-- Members, their sessions (refresh-token families) and API keys for services.
-- pgvector is created by the bootstrap (it needs a superuser on PostgreSQL); this is a no-op then, and creates it on PGlite.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE members (
  id              uuid PRIMARY KEY,
  email           text NOT NULL,
  password_hash   text NOT NULL,
  display_name    text NOT NULL,
  headline        text NOT NULL DEFAULT '',
  company         text NOT NULL DEFAULT '',
  photo_url       text,
  experience      jsonb NOT NULL DEFAULT '[]'::jsonb,
  platform_roles  text[] NOT NULL DEFAULT ARRAY['member']::text[],
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX members_email_unique ON members (lower(email));

-- A session is a refresh-token family: each refresh rotates the token; reusing an old one revokes the family.
CREATE TABLE sessions (
  id                  uuid PRIMARY KEY,
  member_id           uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  refresh_token_hash  text NOT NULL UNIQUE,
  created_at          timestamptz NOT NULL DEFAULT now(),
  refreshed_at        timestamptz NOT NULL DEFAULT now(),
  expires_at          timestamptz NOT NULL,
  revoked_at          timestamptz
);
CREATE INDEX sessions_member ON sessions (member_id);

CREATE TABLE api_keys (
  id              text PRIMARY KEY,
  member_id       uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  name            text NOT NULL,
  key_hash        text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz,
  revoked_at      timestamptz
);
CREATE INDEX api_keys_member ON api_keys (member_id);

-- Responses to creates sent with an Idempotency-Key, replayed when the same member repeats the key.
CREATE TABLE idempotency_keys (
  member_id     uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  operation     text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer NOT NULL,
  body          jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, operation, key)
);
