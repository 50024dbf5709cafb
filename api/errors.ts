// One error shape for every response: {"error":{"code","message","details"}} with the matching HTTP status.
import type { Context, Next } from 'koa';
import type { Logger } from '../core/logger.js';

export interface ErrorDetail {
  /** Dotted path of the offending input, e.g. `body.title` or `query.limit`. */
  field?: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static badRequest(code: string, message: string, details: ErrorDetail[] = []): ApiError {
    return new ApiError(400, code, message, details);
  }
  static unauthorized(message = 'authentication required', code = 'unauthorized'): ApiError {
    return new ApiError(401, code, message);
  }
  static forbidden(message: string, code = 'forbidden'): ApiError {
    return new ApiError(403, code, message);
  }
  static notFound(what: string, code = 'not_found'): ApiError {
    return new ApiError(404, code, `${what} not found`);
  }
  static conflict(code: string, message: string): ApiError {
    return new ApiError(409, code, message);
  }
}

/** Anything a domain module throws that carries an HTTP-meaningful code can be mapped here without the domain knowing HTTP. */
export interface CodedError {
  code: string;
  message: string;
  status?: number;
  field?: string;
}

/** Translates errors from lower layers (the engine) into ApiErrors; undefined when it does not know the error. */
export type ErrorTranslator = (err: unknown) => ApiError | undefined;

export function errorMiddleware(log: Logger, translate: ErrorTranslator = () => undefined) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      // The router answers a method a path does not have with an empty 405, or 501 for one it knows nowhere
      // (TRACE); both are the client's mistake: 405 in the error shape, keeping the router's Allow header.
      // An empty Allow means no route has this path at all: that is a 404.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        const allow = ctx.response.get('Allow');
        if (allow) throw new ApiError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allow}`, [], { Allow: allow });
        ctx.remove('Allow');
        ctx.status = 404;
      }
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError(404, 'route_not_found', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const apiError = translate(err) ?? toApiError(err);
      if (apiError.status >= 500) log.error({ err, path: ctx.path, method: ctx.method }, 'request failed');
      ctx.status = apiError.status;
      for (const [k, v] of Object.entries(apiError.headers)) ctx.set(k, v);
      ctx.body = { error: { code: apiError.code, message: apiError.message, details: apiError.details } };
    }
  };
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as Partial<CodedError> & { expose?: boolean; statusCode?: number };
  if (typeof e?.status === 'number' && typeof e.code === 'string' && e.status < 500) {
    return new ApiError(e.status, e.code, e.message ?? e.code, e.field ? [{ field: e.field, message: e.message ?? '' }] : []);
  }
  const status = e?.status ?? e?.statusCode;
  if (e?.expose && typeof status === 'number' && status < 500) return new ApiError(status, 'bad_request', e.message ?? 'bad request');
  return new ApiError(500, 'internal', 'internal error');
}
