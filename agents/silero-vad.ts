// Silero VAD for the agent, loaded from the verified model cache rather than the plugin's bundled copy, so a
// missing or corrupt model is reported like every other model.
import type { VAD } from '@livekit/agents';
import { VAD as SileroVAD } from '@livekit/agents-plugin-silero';
import { InferenceSession } from 'onnxruntime-node';
import type { Config } from '../core/config.js';
import { resolveModelFiles } from '../models/fetch.js';

/** `minSilenceMs` overrides the configured closing silence (the bench compares settings in one process). */
export async function loadSileroVad(config: Config, minSilenceMs?: number): Promise<VAD> {
  const files = await resolveModelFiles('silero-vad', config.dirs.models);
  const session = await InferenceSession.create(files['silero_vad.onnx']!, {
    interOpNumThreads: 1,
    intraOpNumThreads: 1,
    executionMode: 'sequential',
  });
  // The plugin's durations are milliseconds.
  return new SileroVAD(session, {
    minSpeechDuration: 50,
    // Professional talk has pauses; 600 ms of silence (VAD_MIN_SILENCE_MS) ends an utterance without splitting
    // sentences too eagerly (shorter settings measured by bench/stt-chunking.ts).
    minSilenceDuration: minSilenceMs ?? config.stt.vadMinSilenceMs,
    prefixPaddingDuration: 300,
    // Moonshine takes at most 64 s of audio; speech past this without a pause is dropped by the plugin (logged).
    maxBufferedSpeech: 60_000,
    activationThreshold: 0.5,
    sampleRate: 16000,
    forceCPU: true,
  });
}
