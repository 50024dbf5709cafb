// A PostgreSQL wire-protocol server in front of one PGlite, for several client connections at once.
//
// Why not @electric-sql/pglite-socket's server: it queues each protocol *message* separately, so when two
// connections run parameterised queries at once their Parse/Bind/Execute/Sync messages interleave on PGlite's
// single session and one runs the other's statement ("bind message supplies 1 parameters, but prepared statement
// requires 2"; upstream electric-sql/pglite#1046). Here each connection's messages are grouped into units that end
// at Sync, a simple Query or the startup message, and a unit runs whole under one lock; a connection inside a
// transaction keeps the lock until it commits or rolls back.
//
// Every connection authenticates with SCRAM-SHA-256 against one password (PGlite itself has no authentication:
// its single session is superuser), before its startup message ever reaches PGlite.
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { SCRAM_MECHANISM, ScramError, ScramExchange, scramVerifier, type ScramVerifier } from './scram-sha256.js';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export interface PgliteWireServerOptions {
  db: PGlite;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The password every client must prove with SCRAM-SHA-256. */
  password: string;
  /** A connection that has not authenticated within this is closed. */
  authTimeoutMs?: number;
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
  /** Held back until the client has authenticated; then it opens the PGlite session like a plain startup. */
  #startup: Uint8Array | undefined;
  #user = '';
  #scram: ScramExchange | undefined;
  #authenticated = false;
  readonly #authTimer: NodeJS.Timeout;
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
    private readonly verifier: ScramVerifier,
    authTimeoutMs: number,
  ) {
    this.#authTimer = setTimeout(() => this.#refuse('08006', 'authentication timed out'), authTimeoutMs);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => void this.#onClose());
    socket.on('error', () => socket.destroy());
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
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
        this.#startup = new Uint8Array(message);
        this.#user = startupParameter(message, 'user') ?? '';
        // AuthenticationSASL: the one mechanism offered.
        this.socket.write(authMessage(10, Buffer.from(`${SCRAM_MECHANISM}\0\0`)));
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
      if (!this.#authenticated) {
        if (!this.#authenticate(type, message)) return;
        continue;
      }
      this.#unit.push(message);
      // Sync closes an extended-protocol sequence; a simple Query is a sequence on its own.
      if (type === 'S' || type === 'Q') {
        this.#enqueue(this.#unit);
        this.#unit = [];
      }
    }
  }

  /** One SASL message of the SCRAM exchange; false when the connection was refused. */
  #authenticate(type: string, message: Uint8Array): boolean {
    if (type !== 'p') return this.#refuse('08P01', `expected a password message, got '${type}'`);
    const body = Buffer.from(message.buffer, message.byteOffset + 5, message.length - 5);
    try {
      if (!this.#scram) {
        // SASLInitialResponse: mechanism name, then the client-first message (length-prefixed).
        const nul = body.indexOf(0);
        if (nul < 0 || body.length < nul + 5) return this.#refuse('08P01', 'malformed SASL initial response');
        if (body.toString('utf8', 0, nul) !== SCRAM_MECHANISM) return this.#refuse('28000', `only ${SCRAM_MECHANISM} is supported`);
        const length = body.readInt32BE(nul + 1);
        if (length < 0 || nul + 5 + length > body.length) return this.#refuse('08P01', 'malformed SASL initial response');
        this.#scram = new ScramExchange(this.verifier);
        const serverFirst = this.#scram.first(body.toString('utf8', nul + 5, nul + 5 + length));
        this.socket.write(authMessage(11, Buffer.from(serverFirst)));
        return true;
      }
      const serverFinal = this.#scram.final(body.toString('utf8'));
      this.#authenticated = true;
      clearTimeout(this.#authTimer);
      this.socket.write(authMessage(12, Buffer.from(serverFinal)));
      // PGlite answers the held-back startup with AuthenticationOk, its parameters and ReadyForQuery.
      this.#enqueue([this.#startup!]);
      return true;
    } catch (err) {
      if (!(err instanceof ScramError)) throw err;
      return this.#refuse('28P01', `password authentication failed for user "${this.#user}"`);
    }
  }

  #refuse(code: string, message: string): false {
    clearTimeout(this.#authTimer);
    if (!this.socket.destroyed) this.socket.end(errorResponse(code, message));
    this.#buffer = Buffer.alloc(0);
    this.#closed = true;
    return false;
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
    clearTimeout(this.#authTimer);
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    if (this.lock.owner === this && this.db.isInTransaction()) {
      await this.db.exec('ROLLBACK').catch(() => undefined);
    }
    this.lock.release(this);
  }
}

/** An Authentication ('R') message of the given kind (10 SASL, 11 SASLContinue, 12 SASLFinal). */
function authMessage(kind: number, data: Buffer): Buffer {
  const out = Buffer.alloc(9 + data.length);
  out.write('R', 0);
  out.writeInt32BE(8 + data.length, 1);
  out.writeInt32BE(kind, 5);
  data.copy(out, 9);
  return out;
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const out = Buffer.alloc(5 + fields.length);
  out.write('E', 0);
  out.writeInt32BE(4 + fields.length, 1);
  fields.copy(out, 5);
  return out;
}

/** A parameter of a startup message (after length and protocol version: name\0value\0 … \0). */
function startupParameter(message: Buffer, name: string): string | undefined {
  const parts = message.toString('utf8', 8).split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] === name) return parts[i + 1];
  return undefined;
}

export class PgliteWireServer {
  readonly #server: net.Server;
  readonly #verifier: ScramVerifier;
  readonly #lock = new SessionLock();
  readonly #sockets = new Set<net.Socket>();
  #port: number | undefined;

  constructor(private readonly options: PgliteWireServerOptions) {
    if (!options?.db) throw new TypeError('PgliteWireServer: db is required');
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new TypeError(`PgliteWireServer: port must be an integer from 0 to 65535, got ${String(options.port)}`);
    }
    if (typeof options.password !== 'string' || options.password.length < 16) {
      throw new TypeError('PgliteWireServer: password must be a string of at least 16 characters');
    }
    this.#verifier = scramVerifier(options.password);
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      new Connection(socket, options.db, this.#lock, options.idleInTransactionMs ?? 30_000, this.#verifier, options.authTimeoutMs ?? 10_000);
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
