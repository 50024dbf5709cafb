export type SttErrorCode = 'invalid-audio' | 'closed' | 'aborted' | 'inference-failed' | 'backend-unavailable' | 'backend-rejected';

/**
 * A transcription failed. `retryable` tells the caller whether sending the same audio again can succeed (a
 * remote backend's 5xx or timeout) or cannot (bad audio, a closed recognizer, a model that fails to run).
 */
export class SttError extends Error {
  readonly code: SttErrorCode;
  readonly retryable: boolean;
  readonly recognizerId: string;

  constructor(recognizerId: string, code: SttErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(`${recognizerId}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SttError';
    this.code = code;
    this.recognizerId = recognizerId;
    this.retryable = opts.retryable ?? false;
  }
}
