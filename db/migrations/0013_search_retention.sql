-- Transcript search for trust-and-safety staff, and the indexes the retention sweeper and evidence holds need.

-- Full-text search: a stored tsvector kept by the database itself (the same on PostgreSQL and PGlite). The
-- two-argument to_tsvector with a constant configuration is immutable, as a generated column requires. Queries use
-- websearch_to_tsquery('english', ...) against it, so "threatened" finds "threaten" (English stemming).
ALTER TABLE transcript_segments
  ADD COLUMN text_search tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED;
CREATE INDEX transcript_segments_text_search ON transcript_segments USING gin (text_search);
-- Search filtered by speaker, newest (highest id) first.
CREATE INDEX transcript_segments_speaker ON transcript_segments (speaker_identity, id);

-- Retention: old segments are found by when they were spoken.
CREATE INDEX transcript_segments_started_at ON transcript_segments (started_at);

-- Holds for a case or an appeal against one speaker in one room (EvidenceStore.extendForRoomSpeaker).
CREATE INDEX evidence_clips_room_speaker ON evidence_clips (room_id, speaker_identity);
