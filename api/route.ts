// Routes are data: one definition drives validation, the handler call and the OpenAPI document, so the
// document can never drift from what the server accepts.
import type { Context } from 'koa';
import { z, type ZodType } from 'zod';
import type { QuotaName } from '../engine/quotas/index.js';
import { readJsonBody } from './body.js';
import { ApiError, type ErrorDetail } from './errors.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route before any per-resource check: the route's handler does the fine-grained authorization. */
export type RouteAuth = 'public' | 'member' | 'staff' | 'webhook';

export interface RouteResponse {
  description: string;
  schema?: ZodType;
  /** A non-JSON body (e.g. `audio/flac` bytes): documented as a string of this media type. */
  mediaType?: string;
}

export interface RouteInput<P, Q, B, A> {
  params: P;
  query: Q;
  body: B;
  auth: A;
  ctx: Context;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The quota a call spends (engine/quotas), counted after authentication and validation and before the handler:
 * per caller IP, per member, or per member in the room named by the `roomId` path parameter.
 */
export interface RouteQuota {
  name: QuotaName;
  per: 'ip' | 'member' | 'member_in_room';
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown, A = unknown> {
  method: HttpMethod;
  /** Koa-style path, e.g. `/v1/rooms/:roomId`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Supports an `Idempotency-Key` header: a repeated key replays the first response. */
  idempotent?: boolean;
  /**
   * The response carries a secret that is shown once: what the idempotency store keeps, and a replay answers
   * with, in place of the response body. Secrets are never stored in clear, so a replay cannot reveal them.
   */
  redactReplay?: (body: unknown) => unknown;
  /** Rate limit this route spends; over it, 429 rate_limited with Retry-After. An idempotent replay spends nothing. */
  quota?: RouteQuota;
  /** Raw body routes (webhooks) read the body themselves. */
  rawBody?: boolean;
  /** A raw upload (photo, audio): the media types the body may have, documented as binary request bodies. */
  uploadMediaTypes?: readonly string[];
  responses: Record<number, RouteResponse>;
  handler(input: RouteInput<P, Q, B, A>): Promise<RouteResult>;
}

/** Keeps each route's generic types while collecting them in one array. */
export function defineRoute<P = undefined, Q = undefined, B = undefined, A = unknown>(def: RouteDef<P, Q, B, A>): RouteDef {
  return def as unknown as RouteDef;
}

export async function parseInput(def: RouteDef, ctx: Context): Promise<{ params: unknown; query: unknown; body: unknown }> {
  const params = def.params ? validate(def.params, ctx.params ?? {}, 'params') : undefined;
  const query = def.query ? validate(def.query, ctx.query, 'query') : undefined;
  let body: unknown;
  if (def.body && !def.rawBody) {
    const raw = await readJsonBody(ctx);
    if (raw === undefined) throw ApiError.badRequest('validation_failed', 'request body is required', [{ field: 'body', message: 'required' }]);
    body = validate(def.body, raw, 'body');
  }
  return { params, query, body };
}

export function validate<T>(schema: ZodType<T>, value: unknown, where: 'params' | 'query' | 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) {
    // PostgreSQL text cannot hold U+0000: refuse it here, naming the field, instead of failing at the database.
    const nul = findNulCharacter(result.data, [where]);
    if (nul !== undefined) throw ApiError.badRequest('validation_failed', `invalid ${nul}: contains a NUL character`, [{ field: nul, message: 'contains a NUL character' }]);
    return result.data;
  }
  const details: ErrorDetail[] = result.error.issues.flatMap((issue) =>
    // A strict object's unknown keys are one issue at the object; name each key as the offending field.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [where, ...issue.path.map(String), key].join('.'), message: 'unknown field' }))
      : [{ field: [where, ...issue.path.map(String)].join('.'), message: issue.message }],
  );
  const fields = [...new Set(details.map((d) => d.field))].join(', ');
  throw ApiError.badRequest('validation_failed', `invalid ${fields}: ${details[0]?.message ?? 'invalid input'}`, details);
}

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** The path of the first string (value or key) holding U+0000, or undefined. */
function findNulCharacter(value: unknown, path: string[]): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, key];
    if (key.includes('\u0000')) return at.join('.');
    const found = findNulCharacter(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
