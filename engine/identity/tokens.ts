// Session and service credentials, with node:crypto only:
// - access tokens: HS256 JWTs carrying { sub, roles, sid }, short-lived; time is always passed in (seconds).
// - refresh tokens: 32 random bytes, base64url; only their sha256 (hashToken) is stored.
// - API keys: `rt_<id>_<secret>`; the id finds the row, the sha256 of the whole key is stored and compared.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type PlatformRole, isPlatformRole } from '../access/roles.js';

export interface AccessTokenInput {
  /** Member id. */
  sub: string;
  roles: readonly PlatformRole[];
  /** Session id (the refresh-token family), so a logout can be checked against it. */
  sid: string;
}

export interface AccessClaims {
  sub: string;
  roles: PlatformRole[];
  sid: string;
  /** Issued at, seconds since epoch. */
  iat: number;
  /** Expires at, seconds since epoch; the token is expired from this second on. */
  exp: number;
}

export type AccessTokenErrorCode = 'malformed' | 'unsupported_alg' | 'bad_signature' | 'expired' | 'not_yet_valid';

export interface AccessTokenError {
  code: AccessTokenErrorCode;
  message: string;
}

export type VerifyAccessResult = { ok: true; claims: AccessClaims } | { ok: false; error: AccessTokenError };

export const MIN_SECRET_LENGTH = 32;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new TypeError(`secret must be a string of at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}

function checkSeconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${field} must be a non-negative integer number of seconds`);
  }
  return value;
}

function sign(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

export function signAccessToken(claims: AccessTokenInput, secret: string, nowSeconds: number, ttlSeconds: number): string {
  if (typeof claims !== 'object' || claims === null) throw new TypeError('claims must be an object');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new TypeError('claims.sub must be a non-empty string');
  if (typeof claims.sid !== 'string' || claims.sid.length === 0) throw new TypeError('claims.sid must be a non-empty string');
  if (!Array.isArray(claims.roles) || !claims.roles.every(isPlatformRole)) {
    throw new TypeError('claims.roles must be an array of platform roles');
  }
  checkSecret(secret);
  const iat = checkSeconds(nowSeconds, 'nowSeconds');
  const ttl = checkSeconds(ttlSeconds, 'ttlSeconds');
  if (ttl === 0) throw new TypeError('ttlSeconds must be positive');
  const payload: AccessClaims = { sub: claims.sub, roles: [...claims.roles], sid: claims.sid, iat, exp: iat + ttl };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${sign(body, secret)}`;
}

function fail(code: AccessTokenErrorCode, message: string): VerifyAccessResult {
  return { ok: false, error: { code, message } };
}

function parseJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Checks the signature before trusting any claim, accepts only alg HS256 (no `none`, no key confusion), and
 * treats a token as expired from `exp` on. `leewaySeconds` tolerates clock skew for iat/exp.
 */
export function verifyAccessToken(
  token: string,
  secret: string,
  nowSeconds: number,
  options: { leewaySeconds?: number } = {},
): VerifyAccessResult {
  checkSecret(secret);
  const now = checkSeconds(nowSeconds, 'nowSeconds');
  const leeway = checkSeconds(options.leewaySeconds ?? 0, 'options.leewaySeconds');
  if (typeof token !== 'string') return fail('malformed', 'token must be a string');
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined || !parts.every((p) => SEGMENT.test(p))) {
    return fail('malformed', 'token is not three base64url segments');
  }
  const head = parseJsonSegment(header);
  if (typeof head !== 'object' || head === null) return fail('malformed', 'token header is not JSON');
  if ((head as { alg?: unknown }).alg !== 'HS256') return fail('unsupported_alg', 'only HS256 tokens are accepted');

  const expected = Buffer.from(sign(`${header}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return fail('bad_signature', 'token signature does not match');

  const body = parseJsonSegment(payload) as Partial<Record<keyof AccessClaims, unknown>> | undefined;
  if (typeof body !== 'object' || body === null) return fail('malformed', 'token payload is not JSON');
  const { sub, roles, sid, iat, exp } = body;
  if (
    typeof sub !== 'string' || sub.length === 0 ||
    typeof sid !== 'string' || sid.length === 0 ||
    !Array.isArray(roles) || !roles.every(isPlatformRole) ||
    !Number.isInteger(iat) || !Number.isInteger(exp)
  ) {
    return fail('malformed', 'token payload lacks sub, sid, roles, iat or exp');
  }
  const issuedAt = iat as number;
  const expiresAt = exp as number;
  if (now >= expiresAt + leeway) return fail('expired', 'token has expired');
  if (issuedAt > now + leeway) return fail('not_yet_valid', 'token was issued in the future');
  return { ok: true, claims: { sub, roles, sid, iat: issuedAt, exp: expiresAt } };
}

/** 32 random bytes, base64url: hand to the client once, store only hashToken(token). */
export function createRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** sha256 hex of a high-entropy token (refresh token, API key). Not for passwords: those need scrypt. */
export function hashToken(token: string): string {
  if (typeof token !== 'string' || token.length === 0) throw new TypeError('token must be a non-empty string');
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time check of a presented token against a stored hashToken() value. */
export function tokenMatchesHash(token: string, storedHash: string): boolean {
  if (typeof storedHash !== 'string' || !/^[0-9a-f]{64}$/.test(storedHash)) throw new TypeError('storedHash must be a sha256 hex digest');
  return timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(storedHash, 'hex'));
}

// ---- API keys -----------------------------------------------------------------------------------------------------

const API_KEY = /^rt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** Public lookup id (16 hex chars): store it in clear, show it in key listings. */
  id: string;
  /** The full `rt_<id>_<secret>` key: shown to the owner once, never stored. */
  key: string;
  /** sha256 hex of the full key: store this. */
  hash: string;
}

export function createApiKey(): NewApiKey {
  const id = randomBytes(8).toString('hex');
  const key = `rt_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashToken(key) };
}

/** Splits a presented key into its id and secret; null when it is not an `rt_<id>_<secret>` key. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  if (typeof key !== 'string') return null;
  const match = API_KEY.exec(key);
  if (match === null || match[1] === undefined || match[2] === undefined) return null;
  return { id: match[1], secret: match[2] };
}

/** Constant-time check of a presented API key against the stored hash of the row its id points to. */
export function verifyApiKey(key: string, storedHash: string): boolean {
  if (parseApiKey(key) === null) return false;
  return tokenMatchesHash(key, storedHash);
}
