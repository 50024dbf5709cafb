/** Asked for a model id the registry does not name. */
export class UnknownModelError extends Error {
  constructor(
    readonly modelId: string,
    readonly knownIds: readonly string[],
  ) {
    super(`unknown model "${modelId}"; known models: ${knownIds.join(', ')}`);
    this.name = 'UnknownModelError';
  }
}
