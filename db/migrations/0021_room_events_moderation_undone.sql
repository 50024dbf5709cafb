-- The room event bus also carries `moderation_undone`: a host lifted an automatic moderation action, and the room
-- (the speaker first) hears it on the stage stream.
ALTER TABLE room_events DROP CONSTRAINT room_events_kind_check;
ALTER TABLE room_events ADD CONSTRAINT room_events_kind_check
  CHECK (kind IN ('stage_state', 'stage_effect', 'caption', 'moderation_flag', 'moderation_undone'));
