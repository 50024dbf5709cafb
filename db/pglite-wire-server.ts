// A PostgreSQL wire-protocol server in front of one PGlite, for several client connections at once.
//
// Why not @electric-sql/pglite-socket's server: it queues each protocol *message* separately, so when two
// connections run parameterised queries at once their Parse/Bind/Execute/Sync messages interleave on PGlite's
// single session and one runs the other's statement ("bind message supplies 1 parameters, but prepared statement
// requires 2"; upstream electric-sql/pglite#1046). Here each connection's messages are grouped into units that end
// at Sync, a simple Query or the startup message, and a unit runs whole under one lock; a connection inside a
// transaction keeps the lock until it commits or rolls back.
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export interface PgliteWireServerOptions {
  db: PGlite;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** A connection idle this long inside a transaction is rolled back and closed, so it cannot stall the others. */
  idleInTransactionMs?: number;
}

/** Hands the single PGlite session to one connection at a time. */
class SessionLock {
  #owner: Connection | null = null;
  readonly #waiting: { conn: Connection; resolve: () => void }[] = [];

  get owner(): Connection | null {
    return this.#owner;
  }

  async acquire(conn: Connection): Promise<void> {
    if (this.#owner === conn) return;
    if (this.#owner === null) {
      this.#owner = conn;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push({ conn, resolve }));
  }

  release(conn: Connection): void {
    if (this.#owner !== conn) {
      const i = this.#waiting.findIndex((w) => w.conn === conn);
      if (i >= 0) this.#waiting.splice(i, 1);
      return;
    }
    const next = this.#waiting.shift();
    this.#owner = next?.conn ?? null;
    next?.resolve();
  }
}

class Connection {
  #buffer: Buffer = Buffer.alloc(0);
  #started = false;
  #unit: Uint8Array[] = [];
  readonly #units: Uint8Array[][] = [];
  #running = false;
  #closed = false;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly db: PGlite,
    private readonly lock: SessionLock,
    private readonly idleInTransactionMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => void this.#onClose());
    socket.on('error', () => socket.destroy());
  }

  #onData(chunk: Buffer): void {
    clearTimeout(this.#idleTimer);
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    for (;;) {
      if (!this.#started) {
        if (this.#buffer.length < 8) return;
        const length = this.#buffer.readInt32BE(0);
        if (this.#buffer.length < length) return;
        const code = this.#buffer.readInt32BE(4);
        const message = this.#buffer.subarray(0, length);
        this.#buffer = this.#buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N'); // no encryption on a loopback socket; the client then sends its startup
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        if (code !== PROTOCOL_3) {
          this.socket.destroy();
          return;
        }
        this.#started = true;
        this.#enqueue([new Uint8Array(message)]);
        continue;
      }
      if (this.#buffer.length < 5) return;
      const length = this.#buffer.readInt32BE(1) + 1;
      if (this.#buffer.length < length) return;
      const type = String.fromCharCode(this.#buffer[0]!);
      const message = new Uint8Array(this.#buffer.subarray(0, length));
      this.#buffer = this.#buffer.subarray(length);
      if (type === 'X') {
        this.socket.end();
        return;
      }
      this.#unit.push(message);
      // Sync closes an extended-protocol sequence; a simple Query is a sequence on its own.
      if (type === 'S' || type === 'Q') {
        this.#enqueue(this.#unit);
        this.#unit = [];
      }
    }
  }

  #enqueue(unit: Uint8Array[]): void {
    this.#units.push(unit);
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#units.length > 0 && !this.#closed) {
        const unit = this.#units.shift()!;
        await this.lock.acquire(this);
        if (this.#closed) break;
        try {
          await this.db.runExclusive(async () => {
            for (const message of unit) {
              await this.db.execProtocolRawStream(message, {
                onRawData: (data: Uint8Array) => {
                  if (!this.#closed && data.length > 0) this.socket.write(Buffer.from(data));
                },
              });
            }
          });
        } catch {
          this.socket.destroy();
          break;
        }
        if (this.db.isInTransaction()) {
          this.#idleTimer = setTimeout(() => this.socket.destroy(), this.idleInTransactionMs);
        } else {
          this.lock.release(this);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #onClose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    if (this.lock.owner === this && this.db.isInTransaction()) {
      await this.db.exec('ROLLBACK').catch(() => undefined);
    }
    this.lock.release(this);
  }
}

export class PgliteWireServer {
  readonly #server: net.Server;
  readonly #lock = new SessionLock();
  readonly #sockets = new Set<net.Socket>();
  #port: number | undefined;

  constructor(private readonly options: PgliteWireServerOptions) {
    if (!options?.db) throw new TypeError('PgliteWireServer: db is required');
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new TypeError(`PgliteWireServer: port must be an integer from 0 to 65535, got ${String(options.port)}`);
    }
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      new Connection(socket, options.db, this.#lock, options.idleInTransactionMs ?? 30_000);
    });
  }

  get port(): number {
    if (this.#port === undefined) throw new Error('PgliteWireServer is not listening');
    return this.#port;
  }

  async start(): Promise<void> {
    await this.options.db.waitReady;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.#port = (this.#server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#port = undefined;
  }
}
