// The OpenAPI document describes exactly what the server serves. The truth it is compared with is not the route
// table it is built from but what the Koa router actually mounts (its layers, read from the app createApp
// builds) and what the running server answers when each documented operation is called.
import test from 'ava';
import type Koa from 'koa';
import { allRoutes, createApp } from '../../api/app.js';
import type { ApiServices } from '../../api/context.js';
import type { IdempotencyStore } from '../../api/idempotency-store.js';
import { liveKitWebhookRoutes } from '../../api/routes/livekit-webhook.js';
import type { LiveKitEventHandler } from '../../engine/rooms/livekit-events.js';
import { loadConfig } from '../../core/config.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

/** The one route that is the document itself. */
const SELF = 'GET /v1/openapi.json';

interface RouterLayer {
  path: string;
  methods: string[];
}

/** "METHOD /path/{param}" for every route the router of an app mounts (HEAD, which Koa adds for GET, left out). */
function mountedRoutes(app: Koa): string[] {
  const routers = app.middleware
    .map((mw) => (mw as unknown as { router?: { stack: RouterLayer[] } }).router)
    .filter((r): r is { stack: RouterLayer[] } => r !== undefined);
  const mounted: string[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) mounted.push(`${method} ${layer.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    }
  }
  return mounted.sort();
}

function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

test('the document lists exactly the routes the Koa router mounts', async (t) => {
  const doc = (await env.api.get('/v1/openapi.json')).body;
  t.is(doc.openapi, '3.1.0');
  // Route factories only keep the services for their handlers, so an app can be built without them; it is the
  // same createApp the stack serves, with the same extra (webhook) routes.
  const services = { config: loadConfig({}) } as unknown as ApiServices;
  const app = createApp(services, { idempotency: {} as IdempotencyStore, extraRoutes: liveKitWebhookRoutes(services, {} as LiveKitEventHandler) });
  const mounted = mountedRoutes(app);
  t.true(mounted.length >= 60, `${mounted.length} mounted routes`);
  t.true(mounted.includes(SELF), 'the document itself is served');
  const documented = documentedRoutes(doc);
  t.deepEqual(mounted.filter((r) => r !== SELF && !documented.includes(r)), [], 'mounted but not documented');
  t.deepEqual(documented.filter((r) => !mounted.includes(r)), [], 'documented but not mounted');
  t.is(new Set(mounted).size, mounted.length, 'no route is mounted twice');
  // Each route that validates a JSON body documents it.
  for (const r of allRoutes(services, liveKitWebhookRoutes(services, {} as LiveKitEventHandler))) {
    const op = doc.paths[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method];
    if (r.body && !r.rawBody) t.truthy(op?.requestBody?.content?.['application/json']?.schema, `${r.operationId} documents its body`);
  }
});

test('every documented operation is answered by its route on the running server', async (t) => {
  const doc = (await env.api.get('/v1/openapi.json')).body;
  const ids = new Set<string>();
  for (const route of documentedRoutes(doc)) {
    const [method, path] = route.split(' ') as [string, string];
    const op = doc.paths[path][method.toLowerCase()];
    t.false(ids.has(op.operationId), `operation id ${op.operationId} is unique`);
    ids.add(op.operationId);
    t.true(op.summary.length > 10, `${op.operationId} has a summary`);
    t.truthy(op.responses.default?.content?.['application/json']?.schema, `${op.operationId} documents the error shape`);
    const pathParams = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
    t.deepEqual(pathParams, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]), `${op.operationId} path parameters`);
    // Called without credentials or body: whatever the answer (401, 400, 404 for the resource…), it must come
    // from the route, not from the router failing to find it.
    const url = path.replace(/\{keyId\}/g, '0000000000000000').replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
    const res = await env.api.request(method, url);
    t.not(res.body?.error?.code, 'route_not_found', `${route} is served`);
    t.not(res.status, 405, `${route} is served`);
  }
});
