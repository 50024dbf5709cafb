// The methods the worker's one inference process serves to every room's job process, and what crosses the IPC
// channel (JSON): audio travels as base64 of its float32 bytes, not as a typed array JSON would mangle.
import type { Classification } from '../../models/classifier/harm-classifier.js';
import type { TranscriptionResult } from '../../models/stt/speech-recognizer.js';

export const STT_METHOD = 'roundtable.stt';
export const CLASSIFY_METHOD = 'roundtable.classify';

export interface SttRequest {
  pcm16kBase64: string;
}
export type SttResponse = TranscriptionResult;

export interface ClassifyRequest {
  text: string;
  previous?: string;
}
export type ClassifyResponse = Classification;

/** A refusal of the inference process (queue full, closed). `retryable` says whether asking again can help. */
export interface InferenceFailure {
  message: string;
  retryable: boolean;
}

export function encodePcm(pcm: Float32Array): string {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
}

export function decodePcm(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  // Copy into an aligned buffer: a Buffer's offset into its pool need not be a multiple of 4.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
