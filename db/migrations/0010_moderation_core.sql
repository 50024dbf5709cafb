-- The hand-off between the agent (perception) and the engine (decision), and the one audit log.

-- What the harm classifier said about a stored segment. The agent writes it in the same transaction as the segment;
-- the engine's policy evaluator claims rows whose evaluated_at is null (SKIP LOCKED) and stamps them when it has acted.
CREATE TABLE segment_classifications (
  segment_id          bigint PRIMARY KEY REFERENCES transcript_segments(id) ON DELETE CASCADE,
  room_id             uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  speaker_identity    text NOT NULL,
  scores              jsonb NOT NULL,
  -- at the platform default thresholds; a room's policy may flag more (tighter) from the same scores
  categories          text[] NOT NULL DEFAULT '{}',
  context_categories  text[] NOT NULL DEFAULT '{}',
  model_version       text NOT NULL,
  taxonomy_version    text NOT NULL,
  classified_at       timestamptz NOT NULL DEFAULT now(),
  evaluated_at        timestamptz,
  policy_version      text
);
CREATE INDEX segment_classifications_pending ON segment_classifications (classified_at) WHERE evaluated_at IS NULL;
CREATE INDEX segment_classifications_room_speaker ON segment_classifications (room_id, speaker_identity, classified_at);

-- Audio of flagged utterances (and a little before), compressed. Only trust-and-safety staff read it; each read is audited.
CREATE TABLE evidence_clips (
  id                  bigserial PRIMARY KEY,
  segment_id          bigint NOT NULL UNIQUE REFERENCES transcript_segments(id) ON DELETE CASCADE,
  room_id             uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  speaker_identity    text NOT NULL,
  media_type          text NOT NULL,
  audio               bytea NOT NULL,
  duration_ms         integer NOT NULL CHECK (duration_ms >= 0),
  lead_ms             integer NOT NULL CHECK (lead_ms >= 0),
  created_at          timestamptz NOT NULL DEFAULT now(),
  retain_until        timestamptz NOT NULL
);
CREATE INDEX evidence_clips_retain_until ON evidence_clips (retain_until);

-- Append-only: who did what to whom, with the evidence. A trigger refuses updates and deletes.
CREATE TABLE audit_log (
  id                  bigserial PRIMARY KEY,
  at                  timestamptz NOT NULL DEFAULT now(),
  actor_kind          text NOT NULL CHECK (actor_kind IN ('member', 'system')),
  actor_id            uuid REFERENCES members(id) ON DELETE SET NULL,
  action              text NOT NULL,
  subject_kind        text,
  subject_id          text,
  room_id             uuid,
  -- null for a member actor only after that member's account was deleted
  detail              jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id, at DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_action ON audit_log (action, at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
     AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.detail = OLD.detail AND NEW.at = OLD.at THEN
    RETURN NEW; -- the ON DELETE SET NULL of a deleted member, nothing else
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
