// The Koa application: error shape, request log, authentication per route, validation, idempotency, routes.
import Router from '@koa/router';
import Koa from 'koa';
import { authenticate } from './auth.js';
import type { ApiServices } from './context.js';
import { toApiErrorFromEngine } from './engine-errors.js';
import { ApiError, errorMiddleware } from './errors.js';
import { IdempotencyStore } from './idempotency-store.js';
import { buildOpenApi } from './openapi.js';
import { parseInput, type RouteDef, type RouteQuota } from './route.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { roomRoutes } from './routes/rooms.js';
import { memberRoutes } from './routes/members.js';
import { groupRoutes } from './routes/groups.js';
import { stageRoutes } from './routes/stage.js';

export interface AppOptions {
  /** Extra route modules (e.g. webhooks) mounted with the same machinery. */
  extraRoutes?: RouteDef[];
  idempotency: IdempotencyStore;
}

export function allRoutes(s: ApiServices, extra: RouteDef[] = []): RouteDef[] {
  return [...healthRoutes(s), ...authRoutes(s), ...roomRoutes(s), ...stageRoutes(s), ...memberRoutes(s), ...groupRoutes(s), ...adminRoutes(s), ...extra];
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
      if (key && auth) {
        const previous = await options.idempotency.find(auth.memberId, def.operationId, key);
        if (previous) {
          if (previous.requestHash !== requestHash) {
            throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request body', [{ field: 'header.Idempotency-Key', message: 'reused with different body' }]);
          }
          ctx.status = previous.status;
          ctx.body = previous.body;
          ctx.set('Idempotent-Replayed', 'true');
          return;
        }
      }
      if (def.quota) await s.quotas.consume(def.quota.name, quotaKey(def.quota, ctx.ip, auth?.memberId, input.params));
      const result = await def.handler({ ...input, auth, ctx });
      ctx.status = result.status ?? 200;
      for (const [k, v] of Object.entries(result.headers ?? {})) ctx.set(k, v);
      if (result.body !== undefined) ctx.body = result.body;
      if (key && auth && ctx.status < 300) await options.idempotency.save(auth.memberId, def.operationId, key, { requestHash, status: ctx.status, body: result.body });
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
