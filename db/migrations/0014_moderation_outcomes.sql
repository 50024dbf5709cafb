-- What the engine's moderation evaluator decided for each classified segment, beside the classifier's verdict:
-- the categories the room's policy flagged, the action and escalation step, and a short claim so that several API
-- processes evaluate each segment once.
ALTER TABLE segment_classifications
  ADD COLUMN flagged_categories text[] NOT NULL DEFAULT '{}',
  ADD COLUMN care boolean NOT NULL DEFAULT false,
  ADD COLUMN action text,
  ADD COLUMN escalation_step integer,
  ADD COLUMN case_id uuid,
  ADD COLUMN claimed_until timestamptz;
-- Earlier enforcement flags of a speaker in a room, read for escalation.
CREATE INDEX segment_classifications_flags ON segment_classifications (room_id, speaker_identity, classified_at)
  WHERE evaluated_at IS NOT NULL AND action IS NOT NULL;
