// Registers the models the worker's inference process loads once and serves to all its rooms; called before the
// agent server starts (the framework forks that process with exactly the registered runners).
import { InferenceRunner } from '@livekit/agents';
import { CLASSIFY_METHOD, STT_METHOD } from './protocol.js';

/** @livekit/agents 1.9's end-of-turn method (inference/eot/runner.js, not exported). */
const FRAMEWORK_EOT_METHOD = 'lk_eot_audio';

export function registerInferenceRunners(): void {
  const here = (file: string) => new URL(`./${file}`, import.meta.url).toString();
  InferenceRunner.registerRunner(STT_METHOD, here('stt-runner.ts'));
  InferenceRunner.registerRunner(CLASSIFY_METHOD, here('classifier-runner.ts'));
  InferenceRunner.registerRunner(FRAMEWORK_EOT_METHOD, here('no-turn-detection-runner.ts'));
}
