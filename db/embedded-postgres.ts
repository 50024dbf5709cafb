// PGlite (PostgreSQL in WASM, with pgvector) behind a PostgreSQL wire-protocol socket, so the same `pg` code
// serves the embedded default and a real cluster. Used when no PostgreSQL is configured or reachable.
// The socket is our PgliteWireServer rather than pglite-socket's server, which interleaves concurrent
// connections' extended-protocol messages (see pglite-wire-server.ts).
import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PgliteWireServer } from './pglite-wire-server.js';

export interface EmbeddedPostgresOptions {
  /** Directory for the database files; `undefined` keeps everything in memory (tests). */
  dataDir: string | undefined;
  host?: string;
  /** 0 picks a free port. */
  port: number;
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
    if (this.options.dataDir) await fs.mkdir(this.options.dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir: this.options.dataDir, extensions: { vector } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
    const host = this.options.host ?? '127.0.0.1';
    const server = new PgliteWireServer({ db, host, port: this.options.port });
    await server.start();
    const port = server.port;
    this.#db = db;
    this.#server = server;
    this.#url = `postgres://postgres@${host}:${port}/postgres`;
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
