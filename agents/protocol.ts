// What the moderation agent says to clients over LiveKit data messages.
/** Data topic on which the agent tells a speaker that their speech is now transcribed for safety. */
export const MODERATION_TOPIC = 'roundtable.moderation';

export interface TranscriptionStartedNotice {
  type: 'transcription_started';
  speaker: string;
  trackSid: string | undefined;
}
