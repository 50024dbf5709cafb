-- Matching profiles (engine/matching/matching-profile-service.ts): what a member says about themselves for
-- suggestions, their uploaded photo (checked for a face) and their recorded intro (transcribed and classified).
-- Validated by engine/matching/profile-schema.ts and matcher/availability.ts before it gets here.

CREATE TABLE matching_profiles (
  member_id     uuid PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  headline      text NOT NULL DEFAULT '',
  -- [{role, company, years, description}] in the member's order
  experience    jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(experience) = 'array'),
  skills        text[] NOT NULL DEFAULT '{}',
  -- "I can help with…"
  offers        text[] NOT NULL DEFAULT '{}',
  -- "I'm looking for…"
  seeks         text[] NOT NULL DEFAULT '{}',
  -- BCP 47 tags
  languages     text[] NOT NULL DEFAULT '{}',
  -- IANA zone the availability is said in
  time_zone     text,
  -- matcher/availability.ts Availability: {parts?, ranges?, exceptions?, partRanges?}
  availability  jsonb CHECK (availability IS NULL OR jsonb_typeof(availability) = 'object'),
  opted_in      boolean NOT NULL DEFAULT false,
  opted_in_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matching_profiles_opted_in ON matching_profiles (member_id) WHERE opted_in;

-- The photo as Roundtable re-encoded it (JPEG, metadata such as GPS EXIF stripped, dimensions bounded); never
-- fetched from a URL. face_score: the detector's best face score when it was accepted.
CREATE TABLE member_photos (
  member_id      uuid PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  bytes          bytea NOT NULL,
  media_type     text NOT NULL CHECK (media_type IN ('image/jpeg')),
  width          integer NOT NULL CHECK (width > 0),
  height         integer NOT NULL CHECK (height > 0),
  face_score     real NOT NULL CHECK (face_score > 0 AND face_score <= 1),
  face_detector  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- A recorded intro, stored only once it was accepted (short enough, transcribed where a decoder exists, and not
-- flagged by the harm classifier). transcript is null when the audio could not be transcribed on this server.
CREATE TABLE member_intros (
  member_id         uuid PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  audio             bytea NOT NULL,
  media_type        text NOT NULL CHECK (media_type IN ('audio/wav', 'audio/flac', 'audio/ogg', 'audio/webm')),
  duration_ms       integer NOT NULL CHECK (duration_ms > 0),
  transcript        text,
  -- {category: score} from the harm classifier on the transcript
  classifier_scores jsonb,
  stt_model         text,
  classifier_model  text,
  taxonomy_version  text,
  created_at        timestamptz NOT NULL DEFAULT now()
);
