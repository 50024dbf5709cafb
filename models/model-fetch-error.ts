/** Fetching a model from its registry failed: the client exited non-zero, or the archive is not the pinned one. */
export class ModelFetchError extends Error {
  constructor(
    readonly modelId: string,
    message: string,
    readonly clientOutput = '',
  ) {
    super(`fetching model "${modelId}": ${message}`);
    this.name = 'ModelFetchError';
  }
}
