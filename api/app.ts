// The Koa application: error shape, request log, authentication per route, validation, idempotency, routes.
import Router from '@koa/router';
import Koa from 'koa';
import { authenticate } from './auth.js';
import type { ApiServices } from './context.js';
import { toApiErrorFromEngine } from './engine-errors.js';
import { ApiError, errorMiddleware } from './errors.js';
import { IdempotencyStore } from './idempotency-store.js';
import { buildOpenApi } from './openapi.js';
import { parseInput, type RouteDef, type RouteQuota, type RouteResult } from './route.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { roomRoutes } from './routes/rooms.js';
import { webConsole, type WebConsoleOptions } from './web-console.js';
import { memberRoutes } from './routes/members.js';
import { groupRoutes } from './routes/groups.js';
import { stageRoutes } from './routes/stage.js';
import { moderationRoutes } from './routes/moderation.js';
import { decisionRoutes } from './routes/decisions.js';
import { roomSafetyRoutes } from './routes/room-safety.js';
import { matchingProfileRoutes } from './routes/matching-profile.js';
import { matchingSuggestionRoutes } from './routes/matching-suggestions.js';

export interface AppOptions {
  /** Extra route modules (e.g. webhooks) mounted with the same machinery. */
  extraRoutes?: RouteDef[];
  idempotency: IdempotencyStore;
  /** Serve the built web console on this origin (absent in route-only tests). */
  webConsole?: WebConsoleOptions;
}

export function allRoutes(s: ApiServices, extra: RouteDef[] = []): RouteDef[] {
  return [...healthRoutes(s), ...authRoutes(s), ...roomRoutes(s), ...stageRoutes(s), ...memberRoutes(s), ...groupRoutes(s), ...adminRoutes(s), ...moderationRoutes(s), ...decisionRoutes(s), ...roomSafetyRoutes(s), ...matchingProfileRoutes(s), ...matchingSuggestionRoutes(s), ...extra];
}

export function createApp(s: ApiServices, options: AppOptions): Koa {
  const app = new Koa({ proxy: false });
  const router = new Router();
  const routes = allRoutes(s, options.extraRoutes);
  const openapi = buildOpenApi(routes, { title: 'Roundtable API', version: '1' });

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    await next();
    s.log.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
  });
  app.use(errorMiddleware(s.log, toApiErrorFromEngine));
  if (options.webConsole) app.use(webConsole(options.webConsole));

  router.get('/v1/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  for (const def of routes) {
    router[def.method](def.path, async (ctx) => {
      const auth = await authenticate(ctx, def.auth, s.accounts);
      const input = await parseInput(def, ctx);
      const key = def.idempotent ? ctx.get('idempotency-key') : '';
      if (key && key.length > 200) throw ApiError.badRequest('validation_failed', 'Idempotency-Key is longer than 200 characters', [{ field: 'header.Idempotency-Key', message: 'too long' }]);
      const requestHash = IdempotencyStore.hashRequest(input.body);
      // Claimed before the handler runs, so a concurrent duplicate cannot run it too (see IdempotencyStore).
      const claim = key && auth ? await options.idempotency.claim(auth.memberId, def.operationId, key, requestHash) : undefined;
      if (claim?.kind === 'replay') {
        ctx.status = claim.status;
        ctx.body = claim.body;
        ctx.set('Idempotent-Replayed', 'true');
        return;
      }
      let result: RouteResult;
      try {
        // After the replay check (a replay spends nothing), inside the claim (a refusal releases it).
        if (def.quota) await s.quotas.consume(def.quota.name, quotaKey(def.quota, ctx.ip, auth?.memberId, input.params));
        try {
          result = await def.handler({ ...input, auth, ctx });
        } catch (err) {
          // Bad input loses nothing and costs nothing: a 400 (or an upload refused unread: 413 too large, 415 not a
          // type it takes) gives its quota unit back.
          if (def.quota && [400, 413, 415].includes((err instanceof ApiError ? err : toApiErrorFromEngine(err))?.status ?? 0)) {
            await s.quotas.refund(def.quota.name, quotaKey(def.quota, ctx.ip, auth?.memberId, input.params));
          }
          throw err;
        }
      } catch (err) {
        await claim?.release().catch((releaseErr: unknown) => s.log.warn({ err: releaseErr }, 'could not release an idempotency claim'));
        throw err;
      }
      ctx.status = result.status ?? 200;
      for (const [k, v] of Object.entries(result.headers ?? {})) ctx.set(k, v);
      if (result.body !== undefined) ctx.body = result.body;
      if (claim && ctx.status < 300) await claim.complete({ status: ctx.status, body: def.redactReplay ? def.redactReplay(result.body) : result.body });
      else if (claim) await claim.release();
    });
  }
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  return app;
}

/** Whom a route's quota counts: the caller's address, the member, or the member in the room of the path. */
function quotaKey(quota: RouteQuota, ip: string, memberId: string | undefined, params: unknown): string {
  if (quota.per === 'ip') return `ip:${ip || 'unknown'}`;
  if (memberId === undefined) throw new Error(`quota ${quota.name} counts per member but the route is not authenticated`);
  if (quota.per === 'member') return `member:${memberId}`;
  const roomId = (params as { roomId?: unknown } | undefined)?.roomId;
  if (typeof roomId !== 'string') throw new Error(`quota ${quota.name} counts per room but the route has no roomId parameter`);
  return `member:${memberId}:room:${roomId}`;
}
