/**
 * A cached model file is missing or does not match the registry's sha256/size. It names the model, the file and
 * the command that repairs the cache, because the person who sees it is usually an operator, not the author.
 */
export class ModelFileError extends Error {
  readonly fixCommand: string;

  constructor(
    readonly modelId: string,
    readonly filePath: string,
    readonly problem: 'missing' | 'size-mismatch' | 'sha256-mismatch',
    detail = '',
    fixCommand = `npx roundtable models fetch ${modelId}`,
  ) {
    const what = { missing: 'is missing', 'size-mismatch': 'has the wrong size', 'sha256-mismatch': 'fails its sha256 check' }[problem];
    super(`model "${modelId}": file ${filePath} ${what}${detail ? ` (${detail})` : ''}; run \`${fixCommand}\` to repair it`);
    this.name = 'ModelFileError';
    this.fixCommand = fixCommand;
  }
}
