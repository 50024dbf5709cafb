// Sign-up, login, refresh, logout and API keys.
import { z } from 'zod';
import { nonBlankText } from '../../core/text-schema.js';
import type { Principal } from '../../engine/identity/account-service.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../engine/identity/index.js';
import type { ApiServices } from '../context.js';
import { defineRoute, type RouteDef } from '../route.js';
import { SessionTokens } from './schemas.js';

const Email = z.email().max(254);
const SignUp = z.object({
  email: Email,
  // The length the password policy enforces, stated here so the document says it; the policy's other rules
  // (common, repetitive, contains the email) are answered as weak_password.
  password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
  displayName: nonBlankText(100),
  headline: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
});
const LogIn = z.object({ email: Email, password: z.string().min(1).max(256) });
const Refresh = z.object({ refreshToken: z.string().min(10).max(200) });
const PasswordReset = z.object({
  token: z.string().min(20).max(200).describe('the token of the reset link an operator issued (roundtable password-reset)'),
  // Length stated for the document; the rest of the sign-up policy is answered as weak_password.
  password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
});
const ApiKeyCreate = z.object({ name: nonBlankText(100) });
const NewApiKey = z.object({
  id: z.string(),
  name: z.string(),
  key: z
    .string()
    .nullable()
    .describe('the whole key, shown only in the response that created it; null when an Idempotency-Key replay answers (the key is never stored)'),
  keyRedacted: z
    .boolean()
    .describe('true on an Idempotency-Key replay: the key was shown once and cannot be shown again; if it was lost, revoke this id and create another'),
});
const ApiKey = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });

export function authRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<undefined, undefined, z.infer<typeof SignUp>>({
      method: 'post',
      path: '/v1/auth/signup',
      operationId: 'signUp',
      quota: { name: 'signup', per: 'ip' },
      summary: 'Create a member account with a personal password; returns a session',
      tag: 'auth',
      auth: 'public',
      body: SignUp,
      responses: { 201: { description: 'account created', schema: SessionTokens } },
      handler: async ({ body }) => ({ status: 201, body: await s.accounts.signUp(body) }),
    }),
    defineRoute<undefined, undefined, z.infer<typeof LogIn>>({
      method: 'post',
      path: '/v1/auth/login',
      operationId: 'logIn',
      summary: 'Log in with email and password (rate-limited per IP and email)',
      tag: 'auth',
      auth: 'public',
      body: LogIn,
      responses: { 200: { description: 'session opened', schema: SessionTokens } },
      handler: async ({ body, ctx }) => ({ body: await s.accounts.logIn({ ...body, ip: ctx.ip }) }),
    }),
    defineRoute<undefined, undefined, z.infer<typeof Refresh>>({
      method: 'post',
      path: '/v1/auth/refresh',
      operationId: 'refreshSession',
      summary: 'Exchange a refresh token for a new access token (the refresh token rotates)',
      tag: 'auth',
      auth: 'public',
      body: Refresh,
      responses: { 200: { description: 'session refreshed', schema: SessionTokens } },
      handler: async ({ body }) => ({ body: await s.accounts.refresh(body.refreshToken) }),
    }),
    defineRoute<undefined, undefined, z.infer<typeof PasswordReset>>({
      method: 'post',
      path: '/v1/auth/password-reset',
      operationId: 'resetPassword',
      summary:
        'Set a new password with an operator-issued reset token (single use, expiring); ends your other sessions and opens a new one',
      tag: 'auth',
      auth: 'public',
      body: PasswordReset,
      responses: {
        200: { description: 'password set; a new session', schema: SessionTokens },
        400: { description: 'reset_token_unknown, reset_token_expired, weak_password or a malformed body' },
        409: { description: 'reset_token_used: the token was already redeemed' },
      },
      handler: async ({ body }) => ({ body: await s.accounts.resetPassword(body.token, body.password) }),
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/auth/logout',
      operationId: 'logOut',
      summary: 'End the current session; its tokens stop working',
      tag: 'auth',
      auth: 'member',
      responses: { 204: { description: 'logged out' } },
      handler: async ({ auth }) => {
        if (auth.sessionId) await s.accounts.logOut(auth.sessionId);
        return { status: 204 };
      },
    }),
    defineRoute<undefined, undefined, z.infer<typeof ApiKeyCreate>, Principal>({
      method: 'post',
      path: '/v1/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key for a service acting as you; the key is shown once (an Idempotency-Key replay answers without it)',
      tag: 'auth',
      auth: 'member',
      body: ApiKeyCreate,
      idempotent: true,
      redactReplay: (created) => ({ ...(created as z.infer<typeof NewApiKey>), key: null, keyRedacted: true }),
      responses: { 201: { description: 'key created', schema: NewApiKey } },
      handler: async ({ body, auth }) => ({ status: 201, body: { ...(await s.accounts.createApiKey(auth.memberId, body.name)), keyRedacted: false } }),
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/api-keys',
      operationId: 'listApiKeys',
      summary: 'Your active API keys (without secrets)',
      tag: 'auth',
      auth: 'member',
      responses: { 200: { description: 'keys', schema: z.object({ items: z.array(ApiKey) }) } },
      handler: async ({ auth }) => ({ body: { items: await s.accounts.listApiKeys(auth.memberId) } }),
    }),
    defineRoute<{ keyId: string }, undefined, undefined, Principal>({
      method: 'delete',
      path: '/v1/api-keys/:keyId',
      operationId: 'revokeApiKey',
      summary: 'Revoke one of your API keys',
      tag: 'auth',
      auth: 'member',
      params: z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be a 16-character key id') }),
      responses: { 204: { description: 'revoked' } },
      handler: async ({ params, auth }) => {
        await s.accounts.revokeApiKey(auth.memberId, params.keyId);
        return { status: 204 };
      },
    }),
  ];
}
