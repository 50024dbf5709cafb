// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
import { z, type ZodType } from 'zod';
import type { RouteDef } from './route.js';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string().optional(), message: z.string() })),
  }),
});

export function buildOpenApi(routes: RouteDef[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const json = toJson(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
      }
    }
    if (r.idempotent) {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses)) {
      responses[status] = resp.mediaType
        ? { description: resp.description, content: { [resp.mediaType]: { schema: { type: 'string', contentMediaType: resp.mediaType } } } }
        : resp.schema
          ? { description: resp.description, content: { 'application/json': { schema: toJson(resp.schema, 'output') } } }
          : { description: resp.description };
    }
    if (r.quota) {
      responses['429'] = {
        description: `over the ${r.quota.name} quota (code rate_limited)`,
        headers: { 'Retry-After': { description: 'seconds until a call is allowed again', schema: { type: 'integer', minimum: 1 } } },
        content: { 'application/json': { schema: toJson(ErrorBody, 'output') } },
      };
    }
    responses.default = { description: 'error', content: { 'application/json': { schema: toJson(ErrorBody, 'output') } } };
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJson(r.body, 'input') } } } } : {}),
      ...(r.uploadMediaTypes ? { requestBody: { required: true, content: Object.fromEntries(r.uploadMediaTypes.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])) } } : {}),
      responses,
      ...(r.auth === 'member' || r.auth === 'staff' ? { security: [{ bearer: [] }, { apiKey: [] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
  };
}

function toJson(schema: ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}
