// `roundtable round [--dry-run] [--json]` and `roundtable import-members <file.jsonl> [--no-embed]`: operator
// commands on the configured database (the same one `roundtable start` uses; it may be running).
import fs from 'node:fs/promises';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { sharedProfileEmbedder } from '../engine/matching/embedder.js';
import { EmbeddingService } from '../engine/matching/embedding-service.js';
import { MatchingProfileService } from '../engine/matching/matching-profile-service.js';
import { describeProblem, ImportError, importMembers, parseImport } from '../engine/matching/member-import.js';
import { NotificationService } from '../engine/matching/notification-service.js';
import { formatRound, RoundService } from '../engine/matching/round-service.js';
import { SuggestionService } from '../engine/matching/suggestion-service.js';
import { MatchingVectorIndex } from '../engine/matching/vector-index.js';
import { SanctionStore } from '../engine/sanctions/sanction-store.js';
import { SocialService } from '../engine/social/index.js';

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export interface MatchingEngine {
  db: Database;
  profiles: MatchingProfileService;
  embeddings: EmbeddingService;
  suggestions: SuggestionService;
  rounds: RoundService;
  close(): Promise<void>;
}

/**
 * The matching services on the configured database. The index is built in memory from member_embeddings (default):
 * the API may be running and owns the persisted index files under the data dir; it picks up rows written here when
 * it restarts (stale checksum → rebuild) or when the member's profile next changes.
 */
export async function openMatching(config: Config, log: Logger, opts: { indexDir?: string | null } = {}): Promise<MatchingEngine> {
  const db = await openDatabase(config, log);
  try {
    await migrate(db.pool);
    const profiles = new MatchingProfileService({
      pool: db.pool,
      limits: config.matching,
      restrictions: new SanctionStore(db.pool),
      blocks: new SocialService(db.pool),
      introModels: () => Promise.reject(new Error('intros are not processed by this command')),
      log,
    });
    const index = await MatchingVectorIndex.open({ db: db.pool, dir: opts.indexDir ?? null, log });
    const embeddings = new EmbeddingService({ db: db.pool, index, embedder: () => sharedProfileEmbedder(config.dirs.models), log });
    const suggestions = new SuggestionService({ pool: db.pool, profiles, embeddings, notifications: new NotificationService(db.pool), log });
    const rounds = new RoundService({ pool: db.pool, profiles, embeddings, suggestions, log });
    return {
      db,
      profiles,
      embeddings,
      suggestions,
      rounds,
      close: async () => {
        await index.close();
        await profiles.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

export async function roundCommand(args: string[], config: Config, log: Logger, io: Io): Promise<number> {
  const unknown = args.filter((a) => a !== '--dry-run' && a !== '--json');
  if (unknown.length > 0) {
    io.err(`unknown argument: ${unknown[0]}\nusage: roundtable round [--dry-run] [--json]\n`);
    return 2;
  }
  const engine = await openMatching(config, log);
  try {
    const report = await engine.rounds.run({ dryRun: args.includes('--dry-run') });
    io.out(args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatRound(report));
    return 0;
  } finally {
    await engine.close();
  }
}

export async function importMembersCommand(args: string[], config: Config, log: Logger, io: Io): Promise<number> {
  const files = args.filter((a) => !a.startsWith('--'));
  const flags = args.filter((a) => a.startsWith('--'));
  if (files.length !== 1 || flags.some((f) => f !== '--no-embed')) {
    io.err('usage: roundtable import-members <file.jsonl> [--no-embed]\n');
    return 2;
  }
  let text: string;
  try {
    text = await fs.readFile(files[0]!, 'utf8');
  } catch (err) {
    io.err(`cannot read ${files[0]}: ${(err as Error).message}\n`);
    return 1;
  }
  const parsed = parseImport(text);
  if (!parsed.ok) {
    io.err(`${parsed.problems.map(describeProblem).join('\n')}\nnothing imported: fix the lines above and run again\n`);
    return 1;
  }
  const engine = await openMatching(config, log);
  try {
    let ids: string[];
    try {
      ids = (await importMembers(engine.db.pool, parsed.members)).memberIds;
    } catch (err) {
      if (!(err instanceof ImportError)) throw err;
      io.err(`${err.message}\nnothing imported\n`);
      return 1;
    }
    let embedded = 0;
    if (!flags.includes('--no-embed')) {
      for (const id of ids) {
        const m = await engine.profiles.matchProfile(id);
        if (m) {
          await engine.embeddings.reembed(id, m.texts);
          embedded++;
        }
      }
    }
    io.out(
      `imported ${ids.length} members (${embedded} embedded). They have a random, unusable password and must set a new one before they can log in; ` +
        'each becomes matchable after uploading a photo with their face and recording an intro.\n',
    );
    return 0;
  } finally {
    await engine.close();
  }
}
