// Registered under the framework's end-of-turn method so that its turn-detection model (a 345 MB inference process
// that @livekit/agents 1.9 starts whenever its native binding is present) is never loaded: the moderation agent
// listens, it never takes turns in a conversation. Asking it is a programming error and says so.
import { InferenceRunner } from '@livekit/agents';

export default class NoTurnDetectionRunner extends InferenceRunner<unknown, never> {
  async initialize(): Promise<void> {}

  async run(): Promise<never> {
    throw new Error('end-of-turn detection is not used by the Roundtable moderation agent');
  }

  async close(): Promise<void> {}
}
