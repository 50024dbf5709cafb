// Server side of SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL speaks it in SASL messages, for the embedded
// database's wire server: the password never crosses the socket, and a client proves it knows it.
import crypto from 'node:crypto';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
const ITERATIONS = 4096;

/** What the server keeps instead of the password (PostgreSQL's pg_authid form). */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramVerifier(password: string, salt = crypto.randomBytes(16), iterations = ITERATIONS): ScramVerifier {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('password must be a non-empty string');
  const salted = crypto.pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { salt, iterations, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

export class ScramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScramError';
  }
}

/** One exchange: `first` answers the client-first message, `final` checks the proof and returns the server signature. */
export class ScramExchange {
  #clientFirstBare: string | undefined;
  #serverFirst: string | undefined;
  #nonce: string | undefined;
  #gs2Header: string | undefined;

  constructor(private readonly verifier: ScramVerifier) {}

  first(clientFirst: string): string {
    // gs2 header: "n,," (no channel binding) or "y,," (client could, server does not offer it); "p=" needs PLUS.
    const m = /^([ny]),(?:a=[^,]*)?,(.*)$/.exec(clientFirst);
    if (!m) throw new ScramError('channel binding is not supported; use SCRAM-SHA-256 without it');
    this.#gs2Header = clientFirst.slice(0, clientFirst.length - m[2]!.length);
    this.#clientFirstBare = m[2]!;
    const clientNonce = attribute(this.#clientFirstBare, 'r');
    if (!clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) throw new ScramError('invalid client nonce');
    this.#nonce = clientNonce + crypto.randomBytes(18).toString('base64');
    this.#serverFirst = `r=${this.#nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    return this.#serverFirst;
  }

  /** Throws ScramError when the proof is wrong; otherwise returns the server-final message ("v=…"). */
  final(clientFinal: string): string {
    if (!this.#serverFirst || !this.#clientFirstBare || !this.#gs2Header) throw new ScramError('client-final before client-first');
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('client proof missing');
    const withoutProof = clientFinal.slice(0, proofAt);
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    if (attribute(withoutProof, 'c') !== Buffer.from(this.#gs2Header).toString('base64')) throw new ScramError('channel binding mismatch');
    if (attribute(withoutProof, 'r') !== this.#nonce) throw new ScramError('nonce mismatch');
    if (proof.length !== 32) throw new ScramError('invalid client proof');
    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!crypto.timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) throw new ScramError('password authentication failed');
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}

function attribute(message: string, name: string): string | undefined {
  for (const part of message.split(',')) if (part.startsWith(`${name}=`)) return part.slice(name.length + 1);
  return undefined;
}

function hmac(key: Buffer, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

function sha256(data: Buffer): Buffer {
  return crypto.createHash('sha256').update(data).digest();
}
