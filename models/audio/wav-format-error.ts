/** A byte buffer that is not a WAV file this module can read; the message says which part is wrong. */
export class WavFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}
