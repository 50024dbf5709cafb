// PGlite (PostgreSQL in WASM, with pgvector) behind a PostgreSQL wire-protocol socket, so the same `pg` code
// serves the embedded default and a real cluster. Used when no PostgreSQL is configured or reachable.
// The socket is our PgliteWireServer rather than pglite-socket's server, which interleaves concurrent
// connections' extended-protocol messages (see pglite-wire-server.ts).
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PgliteWireServer } from './pglite-wire-server.js';

export interface EmbeddedPostgresOptions {
  /** Directory for the database files; `undefined` keeps everything in memory (tests). */
  dataDir: string | undefined;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * Where the connection password is kept (created with mode 0600 on first start). Undefined: a fresh password
   * for this process only (tests, in-memory databases).
   */
  passwordFile?: string;
}

export class EmbeddedPasswordFileError extends Error {
  readonly code = 'embedded_password_file';
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPasswordFileError';
  }
}

/**
 * The embedded database's password: read from `file`, or generated and written there with mode 0600. A file
 * that others can read is refused rather than trusted (its secret may already be known).
 */
export async function loadOrCreateEmbeddedPassword(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const generated = crypto.randomBytes(24).toString('base64url');
  try {
    await fs.writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return generated;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0) {
    throw new EmbeddedPasswordFileError(
      `${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`, or delete it to have a new password generated`,
    );
  }
  const password = (await fs.readFile(file, 'utf8')).trim();
  if (password.length < 16) throw new EmbeddedPasswordFileError(`${file} holds no usable password (16+ characters); delete it to have one generated`);
  return password;
}

export class EmbeddedPostgres {
  #db: PGlite | undefined;
  #server: PgliteWireServer | undefined;
  #url: string | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new TypeError(`port must be an integer from 0 to 65535, got ${String(options.port)}`);
    }
  }

  get url(): string {
    if (!this.#url) throw new Error('embedded PostgreSQL is not started');
    return this.#url;
  }

  async start(): Promise<string> {
    if (this.#url) return this.#url;
    // The password first: a refused password file stops the start before PGlite opens the data.
    const password = this.options.passwordFile
      ? await loadOrCreateEmbeddedPassword(this.options.passwordFile)
      : crypto.randomBytes(24).toString('base64url');
    if (this.options.dataDir) await fs.mkdir(this.options.dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir: this.options.dataDir, extensions: { vector } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
    const host = this.options.host ?? '127.0.0.1';
    const server = new PgliteWireServer({ db, host, port: this.options.port, password });
    await server.start();
    const port = server.port;
    this.#db = db;
    this.#server = server;
    this.#url = `postgres://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres`;
    return this.#url;
  }

  async stop(): Promise<void> {
    await this.#server?.stop();
    await this.#db?.close();
    this.#server = undefined;
    this.#db = undefined;
    this.#url = undefined;
  }
}
