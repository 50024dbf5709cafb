// PGlite (PostgreSQL in WASM, with pgvector) behind a PostgreSQL wire-protocol socket, so the same `pg` code
// serves the embedded default and a real cluster. Used when no PostgreSQL is configured or reachable.
import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** Directory for the database files; `undefined` keeps everything in memory (tests). */
  dataDir: string | undefined;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The socket server multiplexes clients onto one PGlite; its default of 1 breaks a `pg` Pool. */
  maxConnections?: number;
}

export class EmbeddedPostgres {
  #db: PGlite | undefined;
  #server: PGLiteSocketServer | undefined;
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
    const server = new PGLiteSocketServer({
      db,
      host,
      port: this.options.port,
      maxConnections: this.options.maxConnections ?? 16,
    });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
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
