import { STT_SAMPLE_RATE } from '../audio/pcm.js';
import { SttError } from './stt-error.js';

/** Shared argument checks for every recognizer: a TypeError for the wrong type, SttError for unusable audio. */
export function validatePcm16k(recognizerId: string, pcm16k: unknown, maxAudioSeconds: number): Float32Array {
  if (!(pcm16k instanceof Float32Array)) {
    throw new TypeError(`pcm16k must be a Float32Array of 16 kHz mono samples, got ${describe(pcm16k)}`);
  }
  const seconds = pcm16k.length / STT_SAMPLE_RATE;
  if (seconds > maxAudioSeconds) {
    throw new SttError(
      recognizerId,
      'invalid-audio',
      `pcm16k is ${seconds.toFixed(1)} s long; at most ${maxAudioSeconds} s per call — split longer speech into segments`,
    );
  }
  return pcm16k;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
