// The OpenAPI document describes every endpoint the API serves, from the same route table the server mounts.
import test from 'ava';
import { allRoutes } from '../../api/app.js';
import type { ApiServices } from '../../api/context.js';
import { liveKitWebhookRoutes } from '../../api/routes/livekit-webhook.js';
import type { LiveKitEventHandler } from '../../engine/rooms/livekit-events.js';
import { loadConfig } from '../../core/config.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('every mounted route is in /v1/openapi.json with its operation id, summary, parameters and body', async (t) => {
  const doc = (await env.api.get('/v1/openapi.json')).body;
  t.is(doc.openapi, '3.1.0');
  // Route factories only keep the services for their handlers, so the table can be listed without them.
  const services = { config: loadConfig({}) } as unknown as ApiServices;
  const routes = allRoutes(services, liveKitWebhookRoutes(services, {} as LiveKitEventHandler));
  t.true(routes.length >= 60, `${routes.length} routes`);
  const ids = new Set<string>();
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const op = doc.paths[path]?.[r.method];
    t.truthy(op, `${r.method.toUpperCase()} ${r.path} is documented`);
    if (!op) continue;
    t.is(op.operationId, r.operationId);
    t.false(ids.has(r.operationId), `operation id ${r.operationId} is unique`);
    ids.add(r.operationId);
    t.true(op.summary.length > 10, `${r.operationId} has a summary`);
    if (r.body && !r.rawBody) t.truthy(op.requestBody?.content?.['application/json']?.schema, `${r.operationId} documents its body`);
    const pathParams = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
    t.deepEqual(pathParams, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]), `${r.operationId} path parameters`);
    t.truthy(op.responses.default, `${r.operationId} documents the error shape`);
  }
  const documented = Object.values(doc.paths).reduce((n: number, methods) => n + Object.keys(methods as object).length, 0);
  t.is(documented, routes.length, 'nothing documented that is not served');
});
