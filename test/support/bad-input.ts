// One bad request, checked the same way everywhere: refused with the expected status and code, the error names
// the field (in its details and its message), and no table of the schema changed (test/support/table-snapshot.ts).
import type { ExecutionContext } from 'ava';
import type pg from 'pg';
import type { ApiClient } from './api-client.js';
import { diffSnapshots, snapshotTables } from './table-snapshot.js';

export interface BadInput {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The field the error must name, e.g. `body.password` or `params.groupId`. */
  field: string;
  status?: number;
  code?: string;
}

export async function assertRefusedAndNothingWritten(t: ExecutionContext, pool: pg.Pool, client: ApiClient, c: BadInput): Promise<void> {
  const before = await snapshotTables(pool);
  t.true(before.size >= 10, `the snapshot sees the schema's tables (${before.size})`);
  const res = await client.request(c.method, c.path, c.body, c.headers);
  t.is(res.status, c.status ?? 400, JSON.stringify(res.body));
  t.is(res.body?.error?.code, c.code ?? 'validation_failed', JSON.stringify(res.body));
  const fields = (res.body?.error?.details ?? []).map((d: { field?: string }) => d.field);
  t.true(fields.includes(c.field), `details name ${c.field}: ${JSON.stringify(res.body?.error?.details)}`);
  t.true(String(res.body?.error?.message).includes(c.field), `message names ${c.field}: ${res.body?.error?.message}`);
  t.deepEqual(diffSnapshots(before, await snapshotTables(pool)), [], 'nothing was written in any table');
}
