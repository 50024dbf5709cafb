import { z } from 'zod';
import type { ApiServices } from '../context.js';
import { publicHealthReport } from '../health-check.js';
import { defineRoute, type RouteDef } from '../route.js';

const PublicReport = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.object({ ok: z.boolean() })),
});
const Report = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.union([z.object({ ok: z.literal(true), detail: z.string().optional() }), z.object({ ok: z.literal(false), error: z.string() })])),
});

export function healthRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Readiness of the database, LiveKit, the local models and the agents; 503 names what is down (details: GET /v1/admin/health)',
      tag: 'health',
      auth: 'public',
      responses: { 200: { description: 'all parts ready', schema: PublicReport }, 503: { description: 'some part is not ready', schema: PublicReport } },
      handler: async () => {
        const report = await s.health.run();
        return { status: report.status === 'ok' ? 200 : 503, body: publicHealthReport(report) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/admin/health',
      operationId: 'getHealthDetails',
      summary: 'The health checks with their details and error messages (trust-and-safety staff and admins)',
      tag: 'health',
      auth: 'staff',
      responses: { 200: { description: 'all parts ready', schema: Report }, 503: { description: 'some part is not ready', schema: Report } },
      handler: async () => {
        const report = await s.health.run();
        return { status: report.status === 'ok' ? 200 : 503, body: report };
      },
    }),
  ];
}
