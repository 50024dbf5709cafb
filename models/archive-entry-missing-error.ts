/** The pinned archive lacks an entry the registry expects: the package changed shape or the registry entry is wrong. */
export class ArchiveEntryMissingError extends Error {
  constructor(
    readonly archivePath: string,
    readonly entries: readonly string[],
  ) {
    super(`archive ${archivePath} has no entry ${entries.join(', ')}`);
    this.name = 'ArchiveEntryMissingError';
  }
}
