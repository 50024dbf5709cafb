// /healthz: 200 when the database, LiveKit, the models and the agents are ready; 503 naming what is not. The public
// answer carries names only; messages and details are for staff at /v1/admin/health.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startTestStack } from '../support/stack.js';

test('all parts ready -> 200 with each check ok', async (t) => {
  const env = await startTestStack({ workers: 0 });
  t.teardown(() => env.stop());
  const res = await env.api.get('/healthz');
  t.is(res.status, 200);
  t.is(res.body.status, 'ok');
  t.deepEqual(Object.keys(res.body.checks).sort(), ['agents', 'db', 'livekit', 'models']);
  t.deepEqual(res.body.checks, { agents: { ok: true }, db: { ok: true }, livekit: { ok: true }, models: { ok: true } });
  const staff = await env.staff();
  const details = await staff.client.get('/v1/admin/health');
  t.is(details.status, 200);
  t.like(details.body.checks, { db: { ok: true, detail: 'postgres' }, livekit: { ok: true }, models: { ok: true } });
});

test('a missing model -> 503 naming the models check and the file, the other checks still ok', async (t) => {
  const emptyModels = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-no-models-'));
  const env = await startTestStack({ workers: 0, env: { MODELS_DIR: emptyModels } });
  t.teardown(async () => {
    await env.stop();
    await fs.rm(emptyModels, { recursive: true, force: true });
  });
  const res = await env.api.get('/healthz');
  t.is(res.status, 503);
  t.is(res.body.status, 'degraded');
  t.deepEqual(res.body.checks.models, { ok: false }, 'the public answer names the models check, without its message');
  t.false(JSON.stringify(res.body).includes(emptyModels), 'no file-system path in the public answer');
  t.false(JSON.stringify(res.body).includes('moonshine'));
  t.true(res.body.checks.db.ok);
  t.true(res.body.checks.livekit.ok);

  const staff = await env.staff();
  const details = await staff.client.get('/v1/admin/health');
  t.is(details.status, 503);
  t.regex(details.body.checks.models.error, /moonshine-base-en/);
  t.regex(details.body.checks.models.error, /roundtable models fetch/);

  const member = await env.api.signUp('Mo Member');
  const refused = await member.client.get('/v1/admin/health');
  t.is(refused.status, 403);
  t.is(refused.body.error.code, 'staff_only');
  t.is((await env.api.get('/v1/admin/health')).status, 401);
});

test('a database that went away -> 503 naming db', async (t) => {
  const env = await startTestStack({ workers: 0 });
  t.teardown(() => env.stop());
  await env.stack.database.pool.end();
  const res = await env.api.get('/healthz');
  t.is(res.status, 503);
  t.false(res.body.checks.db.ok);
  t.true(res.body.checks.livekit.ok);
});
