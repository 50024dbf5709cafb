// Accounts and sessions: sign-up, login (throttled), refresh-token rotation, logout, API keys, and turning a
// presented credential into a Principal. Passwords and tokens are only ever stored hashed.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PlatformRole } from '../access/roles.js';
import { EngineError } from '../engine-error.js';
import { PgRateLimiter, type RateLimiter } from '../quotas/index.js';
import { checkPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { createApiKey, createRefreshToken, hashToken, parseApiKey, signAccessToken, verifyAccessToken, verifyApiKey } from './tokens.js';

export interface AuthSettings {
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  loginRatePerMinute: number;
}

export interface Principal {
  memberId: string;
  platformRoles: PlatformRole[];
  via: 'session' | 'api_key';
  sessionId?: string;
}

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  memberId: string;
}

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  headline?: string;
  company?: string;
}

export class AccountService {
  readonly #pool: pg.Pool;
  readonly #auth: AuthSettings;
  readonly #now: () => number;
  /** Login attempts per (ip, e-mail) go through the one shared limiter (engine/quotas), bucket `login`. */
  readonly #limiter: RateLimiter;

  constructor(pool: pg.Pool, auth: AuthSettings, now: () => number = Date.now) {
    this.#pool = pool;
    this.#auth = auth;
    this.#now = now;
    this.#limiter = new PgRateLimiter(pool, { now });
  }

  async signUp(input: SignUpInput): Promise<SessionTokens> {
    const violation = checkPasswordPolicy(input.password, { email: input.email });
    if (violation) throw new EngineError('invalid', 'weak_password', violation.message, 'password');
    const id = randomUUID();
    const hash = await hashPassword(input.password);
    try {
      await this.#pool.query(
        `INSERT INTO members (id, email, password_hash, display_name, headline, company) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, input.email.trim(), hash, input.displayName.trim(), input.headline ?? '', input.company ?? ''],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new EngineError('conflict', 'email_taken', 'an account with this email already exists', 'email');
      throw err;
    }
    return this.#openSession(id, ['member']);
  }

  async logIn(input: { email: string; password: string; ip: string }): Promise<SessionTokens> {
    const email = input.email.trim().toLowerCase();
    // Every attempt counts (before the password is checked); a successful login forgets them.
    const limitKey = `${input.ip || 'unknown'}\n${email}`;
    const decision = await this.#limiter.consume('login', limitKey, { limit: this.#auth.loginRatePerMinute, windowSeconds: 60 });
    if (!decision.allowed) {
      throw new EngineError('rate_limited', 'too_many_attempts', `too many login attempts; retry in ${decision.retryAfterSeconds} s`, undefined, decision.retryAfterSeconds);
    }
    const { rows } = await this.#pool.query<{ id: string; password_hash: string; platform_roles: PlatformRole[] }>(
      'SELECT id, password_hash, platform_roles FROM members WHERE lower(email) = $1',
      [email],
    );
    const row = rows[0];
    // Verify against a dummy hash when the account is unknown, so timing does not reveal which emails exist.
    const ok = await verifyPassword(input.password, row?.password_hash ?? (await dummyPasswordHash()));
    if (!row || !ok) throw new EngineError('unauthenticated', 'invalid_credentials', 'email or password is wrong');
    await this.#limiter.reset('login', limitKey);
    return this.#openSession(row.id, row.platform_roles);
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    const hash = hashToken(refreshToken);
    const nowDate = new Date(this.#now());
    const { rows } = await this.#pool.query<{ id: string; member_id: string; expires_at: Date; revoked_at: Date | null; platform_roles: PlatformRole[] }>(
      `SELECT s.id, s.member_id, s.expires_at, s.revoked_at, m.platform_roles
       FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.refresh_token_hash = $1`,
      [hash],
    );
    const s = rows[0];
    if (!s || s.revoked_at || s.expires_at <= nowDate) throw new EngineError('unauthenticated', 'invalid_refresh_token', 'refresh token is invalid, expired or revoked', 'refreshToken');
    const next = createRefreshToken();
    const updated = await this.#pool.query(
      `UPDATE sessions SET refresh_token_hash = $1, refreshed_at = $2 WHERE id = $3 AND refresh_token_hash = $4 AND revoked_at IS NULL`,
      [hashToken(next), nowDate, s.id, hash],
    );
    if (updated.rowCount !== 1) throw new EngineError('unauthenticated', 'invalid_refresh_token', 'refresh token was already used', 'refreshToken');
    return this.#tokens(s.member_id, s.platform_roles, s.id, next);
  }

  async logOut(sessionId: string): Promise<void> {
    await this.#pool.query('UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [new Date(this.#now()), sessionId]);
  }

  /** Resolves a bearer access token; a logged-out session's tokens stop working at once. */
  async authenticateBearer(token: string): Promise<Principal> {
    const result = verifyAccessToken(token, this.#auth.jwtSecret, Math.floor(this.#now() / 1000));
    if (!result.ok) throw new EngineError('unauthenticated', `token_${result.error.code}`, result.error.message);
    const { rows } = await this.#pool.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM sessions WHERE id = $1', [result.claims.sid]);
    if (!rows[0] || rows[0].revoked_at) throw new EngineError('unauthenticated', 'session_revoked', 'session has ended; log in again');
    return { memberId: result.claims.sub, platformRoles: result.claims.roles, via: 'session', sessionId: result.claims.sid };
  }

  async authenticateApiKey(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new EngineError('unauthenticated', 'invalid_api_key', 'API key is malformed');
    const { rows } = await this.#pool.query<{ member_id: string; key_hash: string; revoked_at: Date | null; platform_roles: PlatformRole[] }>(
      'SELECT k.member_id, k.key_hash, k.revoked_at, m.platform_roles FROM api_keys k JOIN members m ON m.id = k.member_id WHERE k.id = $1',
      [parsed.id],
    );
    const row = rows[0];
    if (!row || row.revoked_at || !verifyApiKey(key, row.key_hash)) throw new EngineError('unauthenticated', 'invalid_api_key', 'API key is invalid or revoked');
    await this.#pool.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [new Date(this.#now()), parsed.id]);
    return { memberId: row.member_id, platformRoles: row.platform_roles, via: 'api_key' };
  }

  async createApiKey(memberId: string, name: string): Promise<{ id: string; key: string; name: string }> {
    const k = createApiKey();
    await this.#pool.query('INSERT INTO api_keys (id, member_id, name, key_hash) VALUES ($1, $2, $3, $4)', [k.id, memberId, name, k.hash]);
    return { id: k.id, key: k.key, name };
  }

  async listApiKeys(memberId: string): Promise<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }[]> {
    const { rows } = await this.#pool.query<{ id: string; name: string; created_at: Date; last_used_at: Date | null }>(
      'SELECT id, name, created_at, last_used_at FROM api_keys WHERE member_id = $1 AND revoked_at IS NULL ORDER BY created_at',
      [memberId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString(), lastUsedAt: r.last_used_at?.toISOString() ?? null }));
  }

  async revokeApiKey(memberId: string, id: string): Promise<void> {
    const res = await this.#pool.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND member_id = $3 AND revoked_at IS NULL', [new Date(this.#now()), id, memberId]);
    if (res.rowCount !== 1) throw new EngineError('not_found', 'api_key_not_found', 'API key not found', 'keyId');
  }

  /** Platform roles are granted by admins (or the CLI for the first admin). Everyone keeps 'member'. */
  async setPlatformRoles(memberId: string, roles: PlatformRole[]): Promise<PlatformRole[]> {
    const unique = [...new Set<PlatformRole>(['member', ...roles])];
    const res = await this.#pool.query('UPDATE members SET platform_roles = $1, updated_at = now() WHERE id = $2', [unique, memberId]);
    if (res.rowCount !== 1) throw new EngineError('not_found', 'member_not_found', 'member not found', 'memberId');
    return unique;
  }

  async findMemberIdByEmail(email: string): Promise<string | undefined> {
    const { rows } = await this.#pool.query<{ id: string }>('SELECT id FROM members WHERE lower(email) = lower($1)', [email.trim()]);
    return rows[0]?.id;
  }

  async #openSession(memberId: string, roles: PlatformRole[]): Promise<SessionTokens> {
    const sessionId = randomUUID();
    const refreshToken = createRefreshToken();
    const now = this.#now();
    await this.#pool.query('INSERT INTO sessions (id, member_id, refresh_token_hash, created_at, refreshed_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)', [
      sessionId,
      memberId,
      hashToken(refreshToken),
      new Date(now),
      new Date(now + this.#auth.refreshTtlSeconds * 1000),
    ]);
    return this.#tokens(memberId, roles, sessionId, refreshToken);
  }

  #tokens(memberId: string, roles: PlatformRole[], sessionId: string, refreshToken: string): SessionTokens {
    const accessToken = signAccessToken({ sub: memberId, roles, sid: sessionId }, this.#auth.jwtSecret, Math.floor(this.#now() / 1000), this.#auth.accessTtlSeconds);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.#auth.accessTtlSeconds, memberId };
  }
}
