-- Trust-and-safety cases: the review queue, each case's append-only event log, and the decisions members see.
-- engine/cases/case-transitions.ts says which event may happen in which status; engine/cases/case-store.ts writes the
-- event and the case's status row in one transaction.

CREATE TABLE moderation_cases (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- flag: automatic, from the classifier; report: from a participant; appeal: of a decision; wellbeing: self_harm care
  kind                  text NOT NULL CHECK (kind IN ('flag', 'report', 'appeal', 'wellbeing')),
  -- an appeal ends only as upheld or overturned; every other kind ends as resolved
  status                text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'upheld', 'overturned')),
  -- null for a report about a room rather than a person
  subject_member_id     uuid REFERENCES members(id) ON DELETE CASCADE,
  room_id               uuid REFERENCES rooms(id) ON DELETE SET NULL,
  categories            text[] NOT NULL DEFAULT '{}',
  -- the highest classifier score per category over all merged evidence, so priority can be recomputed on a merge
  scores                jsonb NOT NULL DEFAULT '{}'::jsonb,
  max_score             real CHECK (max_score IS NULL OR (max_score >= 0 AND max_score <= 1)),
  priority              double precision NOT NULL DEFAULT 0 CHECK (priority >= 0),
  -- 1 when opened, +1 per merged evidence_added
  evidence_count        integer NOT NULL DEFAULT 1 CHECK (evidence_count >= 1),
  -- e.g. one open flag case per member and room; unique among OPEN cases only (index below), so a new flag after
  -- the case was resolved opens a new case instead of colliding with history
  dedupe_key            text,
  appeal_of_decision_id uuid,
  lease_holder          uuid REFERENCES members(id) ON DELETE SET NULL,
  lease_expires_at      timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  resolved_at           timestamptz,
  -- denormalised (no foreign key, to keep the case <-> event cascade one-way): the newest case_events.id
  last_event_id         bigint,
  CHECK ((kind = 'appeal') = (appeal_of_decision_id IS NOT NULL)),
  CHECK (kind = 'appeal' OR status IN ('open', 'resolved')),
  CHECK (kind <> 'appeal' OR status IN ('open', 'upheld', 'overturned'))
);
CREATE UNIQUE INDEX moderation_cases_open_dedupe ON moderation_cases (dedupe_key) WHERE status = 'open' AND dedupe_key IS NOT NULL;
-- one appeal per decision, whatever races the application loses
CREATE UNIQUE INDEX moderation_cases_appeal_of ON moderation_cases (appeal_of_decision_id) WHERE appeal_of_decision_id IS NOT NULL;
CREATE INDEX moderation_cases_queue ON moderation_cases (status, priority DESC, created_at, id);
CREATE INDEX moderation_cases_subject ON moderation_cases (subject_member_id, created_at DESC);
CREATE INDEX moderation_cases_room ON moderation_cases (room_id, created_at DESC);
CREATE INDEX moderation_cases_categories ON moderation_cases USING gin (categories);
CREATE INDEX moderation_cases_created ON moderation_cases (created_at);

-- Everything that happened to a case, in order. Append-only: a trigger refuses updates and deletes.
CREATE TABLE case_events (
  id                  bigserial PRIMARY KEY,
  case_id             uuid NOT NULL REFERENCES moderation_cases(id) ON DELETE CASCADE,
  at                  timestamptz NOT NULL DEFAULT now(),
  actor_kind          text NOT NULL CHECK (actor_kind IN ('member', 'system')),
  -- null for a member actor only after that member's account was deleted
  actor_id            uuid REFERENCES members(id) ON DELETE SET NULL,
  type                text NOT NULL CHECK (type IN ('opened', 'evidence_added', 'note_added', 'claimed', 'lease_renewed', 'released',
                                                    'decided', 'appeal_upheld', 'appeal_overturned', 'reopened')),
  reason              text,
  duration_seconds    integer CHECK (duration_seconds IS NULL OR duration_seconds > 0),
  expires_at          timestamptz,
  batch_id            uuid,
  -- a replayed event (the same classified segment evaluated twice) is not appended twice
  dedupe_key          text,
  -- internal notes stay internal; only rows marked here may ever be shown to the case's subject
  visible_to_subject  boolean NOT NULL DEFAULT false,
  detail              jsonb NOT NULL DEFAULT '{}'::jsonb,
  UNIQUE (case_id, dedupe_key)
);
CREATE INDEX case_events_case ON case_events (case_id, id);
CREATE INDEX case_events_batch ON case_events (batch_id) WHERE batch_id IS NOT NULL;

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
     AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.type = OLD.type AND NEW.at = OLD.at
     AND NEW.reason IS NOT DISTINCT FROM OLD.reason AND NEW.detail = OLD.detail THEN
    RETURN NEW; -- the ON DELETE SET NULL of a deleted member, nothing else
  END IF;
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM moderation_cases WHERE id = OLD.case_id) THEN
    RETURN OLD; -- the cascade of a deleted case (a deleted subject's erasure), never a single row
  END IF;
  RAISE EXCEPTION 'case_events is append-only';
END $$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- The decisions members see. A table rather than a view over case_events because a decision needs state that
-- changes after the fact (appealed_at, the appeal's outcome) and case_events is append-only; because an appeal
-- needs a stable id to point at; and because the member's read path must never touch the staff event log.
-- Every row is written in the same transaction as its `decided` event (event_id).
CREATE TABLE case_decisions (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id              uuid NOT NULL REFERENCES moderation_cases(id) ON DELETE CASCADE,
  event_id             bigint NOT NULL UNIQUE REFERENCES case_events(id) ON DELETE CASCADE,
  subject_member_id    uuid REFERENCES members(id) ON DELETE CASCADE,
  decision             text NOT NULL CHECK (decision IN ('dismiss', 'warn', 'suspend', 'ban')),
  -- what the member is told (the reviewer's memberMessage, else the reason)
  member_reason        text NOT NULL,
  decided_by           uuid REFERENCES members(id) ON DELETE SET NULL,
  decided_at           timestamptz NOT NULL,
  duration_seconds     integer CHECK (duration_seconds IS NULL OR duration_seconds > 0),
  expires_at           timestamptz,
  batch_id             uuid,
  appealed_at          timestamptz,
  appeal_case_id       uuid REFERENCES moderation_cases(id) ON DELETE SET NULL,
  appeal_outcome       text CHECK (appeal_outcome IN ('upheld', 'overturned')),
  appeal_reason        text,
  appeal_resolved_at   timestamptz,
  CHECK ((decision = 'suspend') = (expires_at IS NOT NULL AND duration_seconds IS NOT NULL)),
  CHECK (appeal_outcome IS NULL OR appealed_at IS NOT NULL)
);
CREATE INDEX case_decisions_subject ON case_decisions (subject_member_id, decided_at DESC);
CREATE INDEX case_decisions_case ON case_decisions (case_id, decided_at);
CREATE INDEX case_decisions_batch ON case_decisions (batch_id) WHERE batch_id IS NOT NULL;

ALTER TABLE moderation_cases
  ADD CONSTRAINT moderation_cases_appeal_of_fk FOREIGN KEY (appeal_of_decision_id) REFERENCES case_decisions(id) ON DELETE CASCADE;
