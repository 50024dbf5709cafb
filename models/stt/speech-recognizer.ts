// The speech-to-text surface everything above the models codes against, shaped after livekit/agents-js
// `stt/stt.ts` (typed results, capabilities, errors that say whether a retry can help) but batch-only: the agent
// worker cuts speech into VAD segments and hands each one over whole.
export interface RecognizerCapabilities {
  /** Always false here: recognizers take a whole segment. */
  streaming: false;
  /** Languages the model transcribes (BCP-47). */
  languages: readonly string[];
  /** Longest segment accepted, in seconds; callers split longer speech. */
  maxAudioSeconds: number;
  /** Runs on this machine (true) or sends audio to a server (false). */
  local: boolean;
}

export interface TranscriptionResult {
  text: string;
  language: string;
  /** Length of the audio transcribed. */
  audioSeconds: number;
  /** Wall time the recognizer spent on it. */
  processingMs: number;
  /** True when decoding stopped at the token budget instead of end-of-text: the text may be cut short. */
  truncated: boolean;
  recognizerId: string;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
}

export interface SpeechRecognizer {
  /** Registry model id (or backend id) of what is transcribing. */
  readonly id: string;
  readonly capabilities: RecognizerCapabilities;
  /** 16 kHz mono float32 samples in [-1, 1]. */
  transcribe(pcm16k: Float32Array, opts?: TranscribeOptions): Promise<TranscriptionResult>;
  /** Frees the model; later transcribe calls reject with SttError code 'closed'. */
  close(): Promise<void>;
}
