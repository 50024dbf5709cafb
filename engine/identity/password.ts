// Personal passwords: scrypt (node:crypto) with a random salt, stored as `scrypt$N$r$p$salt$hash` (salt and hash in
// base64url) so the cost can be raised later without breaking old hashes (see needsRehash). Passwords are
// NFKC-normalised first, so the same characters typed on different keyboards verify.
// Never log the plain password; the functions here never put it in an error message.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** ~32 MiB and ~100 ms on a small server: the OWASP-recommended minimum for scrypt. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds keep a corrupt or hostile stored hash from asking for gigabytes of memory.
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
const B64URL = /^[A-Za-z0-9_-]+$/;

function deriveKey(plain: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function checkParams(params: ScryptParams, field: string): void {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < MIN_N || N > MAX_N || (N & (N - 1)) !== 0) {
    throw new TypeError(`${field}.N must be a power of two between ${MIN_N} and ${MAX_N}`);
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) throw new TypeError(`${field}.r must be an integer from 1 to 32`);
  if (!Number.isInteger(p) || p < 1 || p > 16) throw new TypeError(`${field}.p must be an integer from 1 to 16`);
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function parseEncoded(encoded: unknown): ParsedHash {
  if (typeof encoded !== 'string') throw new TypeError('encoded must be a string');
  const parts = encoded.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  const malformed = (): never => {
    throw new TypeError('encoded is not a scrypt$N$r$p$salt$hash password hash');
  };
  if (parts.length !== 6 || scheme !== 'scrypt' || salt === undefined || hash === undefined) return malformed();
  const digits = /^[1-9][0-9]{0,7}$/;
  if (![n, r, p].every((v) => v !== undefined && digits.test(v)) || !B64URL.test(salt) || !B64URL.test(hash)) return malformed();
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  checkParams(params, 'encoded');
  const saltBytes = Buffer.from(salt, 'base64url');
  const hashBytes = Buffer.from(hash, 'base64url');
  if (saltBytes.length < 8 || hashBytes.length < 16 || hashBytes.length > 64) return malformed();
  return { params, salt: saltBytes, hash: hashBytes };
}

export async function hashPassword(plain: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (typeof plain !== 'string') throw new TypeError('password must be a string');
  checkParams(params, 'params');
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(plain, salt, params, KEY_BYTES);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison of the derived key. Throws TypeError only when `encoded` is not a valid stored hash. */
export async function verifyPassword(plain: string, encoded: string): Promise<boolean> {
  if (typeof plain !== 'string') throw new TypeError('password must be a string');
  const stored = parseEncoded(encoded);
  const key = await deriveKey(plain, stored.salt, stored.params, stored.hash.length);
  return timingSafeEqual(key, stored.hash);
}

/** True when the stored hash was made with other parameters than `params`: re-hash after a successful login. */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const stored = parseEncoded(encoded);
  return stored.params.N !== params.N || stored.params.r !== params.r || stored.params.p !== params.p || stored.hash.length !== KEY_BYTES;
}

let dummyHash: Promise<string> | undefined;

/**
 * A valid hash of a random password, made once per process. Verify against it when the e-mail is unknown,
 * so a login for a missing account takes as long as one with a wrong password.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummyHash;
}

// ---- Policy -------------------------------------------------------------------------------------------------------

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordPolicyCode = 'too_short' | 'too_long' | 'too_common' | 'too_repetitive' | 'contains_email';

export interface PasswordPolicyViolation {
  field: 'password';
  code: PasswordPolicyCode;
  message: string;
}

// Length-qualifying entries of the most common breached-password lists: the ones a length rule alone lets through.
const COMMON = new Set([
  '1234567890', '12345678910', '123456789a', '0123456789', '0987654321', '1q2w3e4r5t', '1qaz2wsx3edc', 'qwertyuiop',
  'qwerty1234', 'qwerty12345', 'asdfghjkl1', 'zxcvbnm123', 'password12', 'password123', 'password1234', 'password!1',
  'passw0rd12', 'iloveyou12', 'abcdefghij', 'abc1234567', 'letmein123', 'welcome123', 'admin12345', 'administrator',
  'changeme123', 'football123', 'baseball123', 'monkey1234', 'dragon1234', 'sunshine12', 'princess12', 'trustno1234',
  'qwertyuiop123', 'superman123', 'michael123', 'jessica123', 'liverpool1', 'chocolate1', 'roundtable', 'roundtable1',
]);

/**
 * NIST 800-63B style: a length range, no well-known passwords, no single repeated character or straight run,
 * and not built from the e-mail address. No composition rules (they push people to predictable patterns).
 * Returns the first violation, or null when the password is acceptable.
 */
export function checkPasswordPolicy(plain: string, context: { email?: string } = {}): PasswordPolicyViolation | null {
  if (typeof plain !== 'string') throw new TypeError('password must be a string');
  const normalized = plain.normalize('NFKC');
  const chars = [...normalized];
  const violation = (code: PasswordPolicyCode, message: string): PasswordPolicyViolation => ({ field: 'password', code, message });
  if (chars.length < PASSWORD_MIN_LENGTH) return violation('too_short', `password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (chars.length > PASSWORD_MAX_LENGTH) return violation('too_long', `password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = normalized.toLowerCase();
  if (COMMON.has(lower)) return violation('too_common', 'password is one of the most common passwords');
  if (new Set(chars).size <= 2 || isStraightRun(chars)) return violation('too_repetitive', 'password is too repetitive');
  const email = context.email;
  if (email !== undefined) {
    if (typeof email !== 'string') throw new TypeError('context.email must be a string');
    const local = email.trim().toLowerCase().split('@')[0] ?? '';
    if (local.length >= 4 && lower.includes(local)) return violation('contains_email', 'password must not contain your e-mail address');
  }
  return null;
}

/** abcdefghij, 9876543210: every character one code point after (or before) the previous one. */
function isStraightRun(chars: string[]): boolean {
  const codes = chars.map((c) => c.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (Math.abs(step) !== 1) return false;
  return codes.every((c, i) => i === 0 || c - (codes[i - 1] ?? 0) === step);
}
