// Accounts and sessions: sign-up, login (throttled), refresh-token rotation, logout, API keys, and turning a
// presented credential into a Principal. Passwords and tokens are only ever stored hashed.
//
// Access tokens only say who and which session; whether that session is still alive, and which platform roles the
// member holds, is read from the database on every use (through a cache of a few seconds at most that changes made
// in this process clear at once). So a logout, a revoked session or a revoked role takes effect on the next request.
//
// Password resets are operator-issued (`roundtable password-reset <email>`; no email is sent): a single-use token,
// stored as its sha256 only, that expires; redeeming it sets a new password (the sign-up policy), consumes the token
// and ends the member's other sessions in one transaction, and opens a new session.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PlatformRole } from '../access/roles.js';
import { inTransaction, type Queryable } from '../../db/queryable.js';
import { EngineError } from '../engine-error.js';
import { PgRateLimiter, type RateLimiter } from '../quotas/index.js';
import { checkPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { createApiKey, createRefreshToken, hashToken, parseApiKey, signAccessToken, verifyAccessToken, verifyApiKey } from './tokens.js';

export interface AuthSettings {
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  loginRatePerMinute: number;
  /** How long a checked session and the member's roles are reused (0: ask the database every time). */
  sessionCacheSeconds: number;
}

export interface Principal {
  memberId: string;
  platformRoles: PlatformRole[];
  via: 'session' | 'api_key';
  sessionId?: string;
  /** Sessions: when the presented access token expires, ms since epoch. */
  expiresAt?: number;
  /** API keys: the key's public id. */
  apiKeyId?: string;
}

/** Called after something that may end or change a member's access happened in this process. */
export type AccessChangeListener = () => void;

/** What the database says about the session an access token names, and about its member. */
interface SessionStanding {
  memberId: string;
  revoked: boolean;
  expiresAt: number;
  platformRoles: PlatformRole[];
  checkedAt: number;
}

const MAX_CACHED_SESSIONS = 10_000;

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
  readonly #cacheMs: number;
  /** sessionId -> standing; Map order is insertion order, so the oldest entries go first when it is full. */
  readonly #sessions = new Map<string, SessionStanding>();
  readonly #watchers = new Map<string, Set<AccessChangeListener>>();

  constructor(pool: pg.Pool, auth: AuthSettings, now: () => number = Date.now) {
    if (typeof auth?.sessionCacheSeconds !== 'number' || !(auth.sessionCacheSeconds >= 0 && auth.sessionCacheSeconds <= 10)) {
      throw new TypeError('auth.sessionCacheSeconds must be a number of seconds from 0 to 10');
    }
    this.#pool = pool;
    this.#auth = auth;
    this.#now = now;
    this.#cacheMs = auth.sessionCacheSeconds * 1000;
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

  /**
   * Rotates the refresh token. Presenting a token that was already rotated away revokes the whole session (the
   * refresh-token family): either the client or someone who copied the token is replaying it, and the server cannot
   * tell which, so neither keeps the session.
   */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const hash = hashToken(refreshToken);
    const nowDate = new Date(this.#now());
    const next = createRefreshToken();
    const outcome = await inTransaction(this.#pool, async (client) => {
      const rotated = await client.query<{ id: string; member_id: string; platform_roles: PlatformRole[] }>(
        `UPDATE sessions s SET refresh_token_hash = $1, refreshed_at = $2 FROM members m
         WHERE m.id = s.member_id AND s.refresh_token_hash = $3 AND s.revoked_at IS NULL AND s.expires_at > $2
         RETURNING s.id, s.member_id, m.platform_roles`,
        [hashToken(next), nowDate, hash],
      );
      const row = rotated.rows[0];
      if (row) {
        await client.query('INSERT INTO session_rotated_tokens (token_hash, session_id, rotated_at) VALUES ($1, $2, $3)', [hash, row.id, nowDate]);
        return { kind: 'rotated' as const, sessionId: row.id, memberId: row.member_id, roles: row.platform_roles };
      }
      const reused = await client.query<{ member_id: string }>(
        `UPDATE sessions s SET revoked_at = $1 FROM session_rotated_tokens r
         WHERE r.token_hash = $2 AND s.id = r.session_id AND s.revoked_at IS NULL RETURNING s.id, s.member_id`,
        [nowDate, hash],
      );
      return reused.rows[0] ? { kind: 'reused' as const, memberId: reused.rows[0].member_id } : { kind: 'invalid' as const };
    });
    if (outcome.kind === 'reused') {
      this.#accessChanged(outcome.memberId);
      throw new EngineError('unauthenticated', 'refresh_token_reused', 'refresh token was already used; the session has been ended, log in again', 'refreshToken');
    }
    if (outcome.kind === 'invalid') throw new EngineError('unauthenticated', 'invalid_refresh_token', 'refresh token is invalid, expired or revoked', 'refreshToken');
    return this.#tokens(outcome.memberId, outcome.roles, outcome.sessionId, next);
  }

  async logOut(sessionId: string): Promise<void> {
    const { rows } = await this.#pool.query<{ member_id: string }>(
      'UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING member_id',
      [new Date(this.#now()), sessionId],
    );
    this.#sessions.delete(sessionId);
    if (rows[0]) this.#accessChanged(rows[0].member_id);
  }

  /**
   * Resolves a bearer access token: its session must exist, belong to the token's member, be neither revoked nor
   * expired; the platform roles are the member's current ones, not the token's.
   */
  async authenticateBearer(token: string): Promise<Principal> {
    const result = verifyAccessToken(token, this.#auth.jwtSecret, Math.floor(this.#now() / 1000));
    if (!result.ok) throw new EngineError('unauthenticated', `token_${result.error.code}`, result.error.message);
    const { sub, sid, exp } = result.claims;
    const standing = await this.#sessionStanding(sid, sub);
    return { memberId: sub, platformRoles: standing.platformRoles, via: 'session', sessionId: sid, expiresAt: exp * 1000 };
  }

  async authenticateApiKey(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new EngineError('unauthenticated', 'invalid_api_key', 'API key is malformed');
    const row = await this.#apiKeyStanding(parsed.id);
    if (!row || !verifyApiKey(key, row.key_hash)) throw new EngineError('unauthenticated', 'invalid_api_key', 'API key is invalid or revoked');
    await this.#pool.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [new Date(this.#now()), parsed.id]);
    return { memberId: row.member_id, platformRoles: this.#admit(row), via: 'api_key', apiKeyId: parsed.id };
  }

  /**
   * Checks again that `principal` may still act, for long-lived uses of one authentication (event streams): its
   * access token has not expired, its session is alive (or its API key unrevoked), and its roles are the current
   * ones. Throws the EngineError a new request with the same credential would get.
   */
  async recheck(principal: Principal): Promise<Principal> {
    if (principal.via === 'api_key') {
      const row = principal.apiKeyId === undefined ? undefined : await this.#apiKeyStanding(principal.apiKeyId);
      if (!row || row.member_id !== principal.memberId) throw new EngineError('unauthenticated', 'invalid_api_key', 'API key is invalid or revoked');
      return { ...principal, platformRoles: this.#admit(row) };
    }
    if (principal.sessionId === undefined || principal.expiresAt === undefined) throw new TypeError('principal must come from authenticateBearer or authenticateApiKey');
    if (this.#now() >= principal.expiresAt) throw new EngineError('unauthenticated', 'token_expired', 'token has expired');
    const standing = await this.#sessionStanding(principal.sessionId, principal.memberId);
    return { ...principal, platformRoles: standing.platformRoles };
  }

  /**
   * Calls `listener` after a logout, a session revocation, an API key revocation or a platform-role change of
   * `memberId` made through this process; returns the unsubscribe function. Follow with recheck().
   */
  watchAccess(memberId: string, listener: AccessChangeListener): () => void {
    if (typeof memberId !== 'string' || memberId.length === 0) throw new TypeError('memberId must be a non-empty string');
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.#watchers.get(memberId);
    if (!set) this.#watchers.set(memberId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#watchers.get(memberId) === set) this.#watchers.delete(memberId);
    };
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
    this.#accessChanged(memberId);
  }

  /**
   * Issues a password-reset token for the member with `email`, valid `ttlSeconds`; earlier unused tokens of theirs
   * stop working. The token is returned once (only its hash is stored).
   */
  async issuePasswordReset(email: string, ttlSeconds: number): Promise<{ memberId: string; token: string; expiresAt: string }> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60) throw new TypeError('ttlSeconds must be an integer of at least 60');
    const memberId = await this.findMemberIdByEmail(email);
    if (!memberId) throw new EngineError('not_found', 'member_not_found', `no member with email ${email.trim()}`, 'email');
    const token = createRefreshToken();
    const now = this.#now();
    const expiresAt = new Date(now + ttlSeconds * 1000);
    await inTransaction(this.#pool, async (client) => {
      await client.query('DELETE FROM password_resets WHERE member_id = $1 AND used_at IS NULL', [memberId]);
      await client.query('INSERT INTO password_resets (id, member_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        memberId,
        hashToken(token),
        new Date(now),
        expiresAt,
      ]);
    });
    return { memberId, token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Redeems a reset token: the new password must pass the sign-up policy; the token is consumed, the password set
   * and the member's sessions ended in one transaction (a token redeemed twice at once works once). Opens a session.
   */
  async resetPassword(token: string, password: string): Promise<SessionTokens> {
    const tokenHash = hashToken(token);
    const nowDate = new Date(this.#now());
    /** The token's row, refused unless it is known, unused and unexpired. */
    const redeemable = async (db: Queryable, lock: boolean) => {
      const { rows } = await db.query<{ id: string; member_id: string; expires_at: Date; used_at: Date | null; email: string; platform_roles: PlatformRole[] }>(
        `SELECT r.id, r.member_id, r.expires_at, r.used_at, m.email, m.platform_roles
           FROM password_resets r JOIN members m ON m.id = r.member_id WHERE r.token_hash = $1 ${lock ? 'FOR UPDATE OF r' : ''}`,
        [tokenHash],
      );
      const row = rows[0];
      if (!row) throw new EngineError('invalid', 'reset_token_unknown', 'this password reset link is not valid; ask an operator for a new one', 'token');
      if (row.used_at !== null) throw new EngineError('conflict', 'reset_token_used', 'this password reset link was already used; ask an operator for a new one', 'token');
      if (row.expires_at.getTime() <= nowDate.getTime()) {
        throw new EngineError('invalid', 'reset_token_expired', 'this password reset link has expired; ask an operator for a new one', 'token');
      }
      return row;
    };
    // Refusals first, before the deliberately slow hash (and without holding a lock across it).
    const found = await redeemable(this.#pool, false);
    const violation = checkPasswordPolicy(password, { email: found.email });
    if (violation) throw new EngineError('invalid', 'weak_password', violation.message, 'password');
    const hash = await hashPassword(password);
    const member = await inTransaction(this.#pool, async (client) => {
      // Again under the row lock: of two redemptions at once, the second finds it used.
      const row = await redeemable(client, true);
      await client.query('UPDATE password_resets SET used_at = $2 WHERE id = $1', [row.id, nowDate]);
      await client.query('UPDATE members SET password_hash = $2, updated_at = now() WHERE id = $1', [row.member_id, hash]);
      // Whoever knew the old password (or holds an old session) is out.
      await client.query('UPDATE sessions SET revoked_at = $2 WHERE member_id = $1 AND revoked_at IS NULL', [row.member_id, nowDate]);
      return { id: row.member_id, roles: row.platform_roles };
    });
    this.#accessChanged(member.id);
    return this.#openSession(member.id, member.roles);
  }

  /**
   * Platform roles are granted by admins (or the CLI for the first admin). Everyone keeps 'member'. Takes effect on
   * the member's next request through this process, and within the session cache time through any other.
   */
  async setPlatformRoles(memberId: string, roles: PlatformRole[]): Promise<PlatformRole[]> {
    const unique = [...new Set<PlatformRole>(['member', ...roles])];
    const res = await this.#pool.query('UPDATE members SET platform_roles = $1, updated_at = now() WHERE id = $2', [unique, memberId]);
    if (res.rowCount !== 1) throw new EngineError('not_found', 'member_not_found', 'member not found', 'memberId');
    this.#accessChanged(memberId);
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

  /** The session `sid` as the database says (cached up to sessionCacheSeconds); refuses unless it is `sub`'s and alive. */
  async #sessionStanding(sid: string, sub: string): Promise<SessionStanding> {
    const now = this.#now();
    let standing = this.#sessions.get(sid);
    if (!standing || now - standing.checkedAt >= this.#cacheMs || now < standing.checkedAt) {
      this.#sessions.delete(sid);
      const { rows } = await this.#pool.query<{ member_id: string; revoked_at: Date | null; expires_at: Date; platform_roles: PlatformRole[] }>(
        'SELECT s.member_id, s.revoked_at, s.expires_at, m.platform_roles FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.id = $1',
        [sid],
      );
      const row = rows[0];
      if (!row) throw new EngineError('unauthenticated', 'session_invalid', 'session does not exist; log in again');
      standing = { memberId: row.member_id, revoked: row.revoked_at !== null, expiresAt: row.expires_at.getTime(), platformRoles: this.#admit(row), checkedAt: now };
      if (this.#cacheMs > 0) {
        if (this.#sessions.size >= MAX_CACHED_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value as string);
        this.#sessions.set(sid, standing);
      }
    }
    // A token whose session belongs to someone else is refused even though its signature is valid.
    if (standing.memberId !== sub) throw new EngineError('unauthenticated', 'session_invalid', 'session does not belong to this token; log in again');
    if (standing.revoked || standing.expiresAt <= now) throw new EngineError('unauthenticated', 'session_revoked', 'session has ended; log in again');
    return standing;
  }

  async #apiKeyStanding(id: string): Promise<{ member_id: string; key_hash: string; platform_roles: PlatformRole[] } | undefined> {
    const { rows } = await this.#pool.query<{ member_id: string; key_hash: string; platform_roles: PlatformRole[] }>(
      'SELECT k.member_id, k.key_hash, m.platform_roles FROM api_keys k JOIN members m ON m.id = k.member_id WHERE k.id = $1 AND k.revoked_at IS NULL',
      [id],
    );
    return rows[0];
  }

  /**
   * The one place where a member's row turns into what they may do, for sessions and API keys alike: today their
   * platform roles. A suspension (moderation) is checked here, by adding its column to the two reads above.
   */
  #admit(member: { platform_roles: PlatformRole[] }): PlatformRole[] {
    return [...member.platform_roles];
  }

  /** Forgets what is cached about `memberId` and tells those watching their access. */
  #accessChanged(memberId: string): void {
    for (const [sid, standing] of this.#sessions) if (standing.memberId === memberId) this.#sessions.delete(sid);
    for (const listener of [...(this.#watchers.get(memberId) ?? [])]) {
      try {
        listener();
      } catch {
        // A watcher's failure is its own; the others are still told.
      }
    }
  }


  #tokens(memberId: string, roles: PlatformRole[], sessionId: string, refreshToken: string): SessionTokens {
    const accessToken = signAccessToken({ sub: memberId, roles, sid: sessionId }, this.#auth.jwtSecret, Math.floor(this.#now() / 1000), this.#auth.accessTtlSeconds);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.#auth.accessTtlSeconds, memberId };
  }
}
