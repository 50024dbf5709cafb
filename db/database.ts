// Opens the one PostgreSQL the process uses: an explicit DATABASE_URL, else the local cluster or the embedded
// PGlite under the data directory. Every caller gets a plain `pg` Pool either way.
//
// Without DATABASE_URL the choice between the two is made once and remembered in the data directory
// (database-choice.json): a later start never switches silently to the other one (an empty database) because the
// known one is slow or down; it fails saying how to change the choice deliberately.
import fs from 'node:fs/promises';
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

/** The remembered database of an installation without DATABASE_URL. */
export interface DatabaseChoice {
  kind: DatabaseKind;
  /** The local cluster's URL without its password, for messages. */
  url?: string;
  chosenAt: string;
  /** Why: the first start's probe, or an explicit ROUNDTABLE_DB. */
  reason: string;
}

export class DatabaseChoiceError extends Error {
  readonly code = 'database_choice';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseChoiceError';
  }
}

export function databaseChoiceFile(dataRoot: string): string {
  return path.join(dataRoot, 'database-choice.json');
}

const HOW_TO_CHANGE =
  'to change databases deliberately, start once with ROUNDTABLE_DB=embedded or ROUNDTABLE_DB=postgres (which records the new choice), or set DATABASE_URL';

export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const { url, mode, localUrl, embeddedPort } = config.database;
  if (url) return connectPostgres(url, log);
  const choiceFile = databaseChoiceFile(config.dirs.data);
  const pgliteDir = path.join(config.dirs.data, 'pglite');
  const embedded = () => openEmbedded(pgliteDir, embeddedPort, log, embeddedPasswordFile(config.dirs.data));
  const remembered = await readDatabaseChoice(choiceFile);

  if (mode !== 'auto') {
    if (remembered && remembered.kind !== mode) {
      log.warn({ from: remembered.kind, to: mode, choiceFile }, 'ROUNDTABLE_DB changes the remembered database');
    }
    const db = mode === 'postgres' ? await connectPostgres(localUrl, log) : await embedded();
    if (remembered?.kind !== mode) {
      await writeDatabaseChoice(choiceFile, { kind: mode, url: mode === 'postgres' ? redactUrl(localUrl) : undefined, reason: `ROUNDTABLE_DB=${mode}` });
    }
    return db;
  }

  if (remembered?.kind === 'embedded') return embedded();
  if (remembered?.kind === 'postgres') {
    try {
      return await connectPostgres(localUrl, log);
    } catch (err) {
      throw new DatabaseChoiceError(
        `this installation's database is the PostgreSQL at ${redactUrl(localUrl)} (remembered in ${choiceFile} since ${remembered.chosenAt}), ` +
          `and it is not reachable: ${(err as Error).message}. Start that PostgreSQL (or fix ROUNDTABLE_LOCAL_PG_URL); ${HOW_TO_CHANGE}`,
        { cause: err },
      );
    }
  }

  // First start of this data directory: choose once, and say so.
  let local: Database | undefined;
  let reason = '';
  try {
    local = await connectPostgres(localUrl, log);
  } catch (err) {
    reason = (err as Error).message;
  }
  if (await hasEmbeddedData(pgliteDir)) {
    // Data from before choices were remembered: an embedded database exists, and maybe the cluster too.
    if (local) {
      await local.close();
      throw new DatabaseChoiceError(
        `${pgliteDir} holds an embedded database and the PostgreSQL at ${redactUrl(localUrl)} is reachable too; which one holds this installation's data is not known. ` +
          'Start once with ROUNDTABLE_DB=embedded or ROUNDTABLE_DB=postgres to choose (the choice is remembered)',
      );
    }
    await writeDatabaseChoice(choiceFile, { kind: 'embedded', reason: 'existing embedded data' });
    return embedded();
  }
  if (local) {
    await writeDatabaseChoice(choiceFile, { kind: 'postgres', url: redactUrl(localUrl), reason: 'first start: local PostgreSQL reachable' });
    return local;
  }
  log.warn(
    { url: redactUrl(localUrl), reason, choiceFile },
    `no local PostgreSQL on the first start; using the embedded PGlite from now on (${HOW_TO_CHANGE})`,
  );
  const db = await embedded();
  await writeDatabaseChoice(choiceFile, { kind: 'embedded', reason: `first start: local PostgreSQL not reachable (${reason})` });
  return db;
}

export async function readDatabaseChoice(file: string): Promise<DatabaseChoice | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let choice: Partial<DatabaseChoice>;
  try {
    choice = JSON.parse(text) as Partial<DatabaseChoice>;
  } catch {
    choice = {};
  }
  if (choice.kind !== 'postgres' && choice.kind !== 'embedded') {
    throw new DatabaseChoiceError(`${file} does not name a database ("kind": "postgres" or "embedded"); fix it, or ${HOW_TO_CHANGE}`);
  }
  return { kind: choice.kind, url: choice.url, chosenAt: String(choice.chosenAt ?? 'unknown'), reason: String(choice.reason ?? '') };
}

async function writeDatabaseChoice(file: string, choice: Omit<DatabaseChoice, 'chosenAt'>): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify({ ...choice, chosenAt: new Date().toISOString() }, null, 2)}\n`);
  await fs.rename(temp, file);
}

async function hasEmbeddedData(dir: string): Promise<boolean> {
  try {
    await fs.stat(path.join(dir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

/**
 * A client checked out of the pool (a transaction, a held advisory lock) whose connection breaks between two of its
 * queries emits 'error' with nobody listening, which would end the process. Logged instead: its next query fails
 * (the caller sees the database unavailable) and the pool drops it on release.
 */
function guardCheckedOutClients(pool: pg.Pool, log: Logger): void {
  pool.on('connect', (client) => client.on('error', (err) => log.warn({ err }, 'PostgreSQL connection lost while checked out')));
}

export async function connectPostgres(url: string, log: Logger, connectTimeoutMs = 5000): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: connectTimeoutMs });
  pool.on('error', (err) => log.warn({ err }, 'idle PostgreSQL client error'));
  guardCheckedOutClients(pool, log);
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
  guardCheckedOutClients(pool, log);
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
