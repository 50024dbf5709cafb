// Opens the one PostgreSQL the process uses: an explicit DATABASE_URL, else the local cluster when reachable,
// else the embedded PGlite under the data directory. Every caller gets a plain `pg` Pool either way.
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export type DatabaseKind = 'postgres' | 'embedded';

export interface Database {
  readonly pool: pg.Pool;
  readonly kind: DatabaseKind;
  /** Connection URL other processes (agent workers) use to reach the same database. */
  readonly url: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable';
  constructor(url: string, cause: unknown) {
    super(`PostgreSQL at ${redactUrl(url)} is not reachable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const { url, mode, localUrl, embeddedPort } = config.database;
  if (url) return connectPostgres(url, log);
  if (mode !== 'embedded') {
    try {
      return await connectPostgres(localUrl, log, 1500);
    } catch (err) {
      if (mode === 'postgres') throw err;
      log.info({ url: redactUrl(localUrl), reason: (err as Error).message }, 'no local PostgreSQL; using embedded PGlite');
    }
  }
  return openEmbedded(path.join(config.dirs.data, 'pglite'), embeddedPort, log, embeddedPasswordFile(config.dirs.data));
}

export async function connectPostgres(url: string, log: Logger, connectTimeoutMs = 5000): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: connectTimeoutMs });
  pool.on('error', (err) => log.warn({ err }, 'idle PostgreSQL client error'));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnavailableError(url, err);
  }
  log.info({ url: redactUrl(url) }, 'connected to PostgreSQL');
  return { pool, kind: 'postgres', url, close: () => pool.end() };
}

/** Where the embedded database's connection password lives (mode 0600), beside its data. */
export function embeddedPasswordFile(dataRoot: string): string {
  return path.join(dataRoot, 'pglite-password');
}

/**
 * `dataDir` undefined keeps the embedded database in memory; port 0 picks a free one. `passwordFile` undefined:
 * a password for this process only.
 */
export async function openEmbedded(dataDir: string | undefined, port: number, log: Logger, passwordFile?: string): Promise<Database> {
  const embedded = new EmbeddedPostgres({ dataDir, port, passwordFile });
  const url = await embedded.start();
  // PGlite runs one query at a time; a small pool avoids queueing inside the multiplexer.
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', (err) => log.warn({ err }, 'idle embedded-PostgreSQL client error'));
  log.info({ url: redactUrl(url), dataDir: dataDir ?? 'memory' }, 'embedded PostgreSQL (PGlite) started');
  return {
    pool,
    kind: 'embedded',
    url,
    close: async () => {
      await pool.end();
      await embedded.stop();
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
