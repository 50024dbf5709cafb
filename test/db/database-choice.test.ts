// Without DATABASE_URL the database is chosen once per data directory and remembered: a slow or stopped local
// PostgreSQL never makes a later start switch silently to an empty embedded database.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadConfig } from '../../core/config.js';
import { DatabaseChoiceError, databaseChoiceFile, openDatabase, readDatabaseChoice, type Database } from '../../db/database.js';
import { freeTcpPort } from '../livekit/fixtures/ports.js';
import { createTestDatabase, quietLog } from '../support/database.js';

const PG_SOCKET = '/var/run/postgresql/.s.PGSQL.5432';

/** A loopback TCP front for the real PostgreSQL (reached by its Unix socket) that can be made to hang. */
async function pgFront(t: { teardown(fn: () => unknown): void }): Promise<{ port: number; hang(): void }> {
  let hanging = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (hanging) return; // accepts and never answers: a PostgreSQL slow to answer
    const upstream = net.connect(PG_SOCKET);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as net.AddressInfo).port, hang: () => (hanging = true) };
}

async function setup(t: { teardown(fn: () => unknown): void }) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-db-choice-'));
  t.teardown(() => fs.rm(dataDir, { recursive: true, force: true }));
  const cluster = await createTestDatabase('postgres', { migrate: false });
  t.teardown(() => cluster.close());
  const front = await pgFront(t);
  const dbName = new URL(cluster.url).pathname;
  const localUrl = `postgres://roundtable:roundtable@127.0.0.1:${front.port}${dbName}`;
  const config = async (extra: Record<string, string> = {}) =>
    loadConfig({ ROUNDTABLE_DATA_DIR: dataDir, ROUNDTABLE_LOCAL_PG_URL: localUrl, ROUNDTABLE_EMBEDDED_PG_PORT: String(await freeTcpPort()), ...extra });
  return { dataDir, front, config, choiceFile: databaseChoiceFile(dataDir) };
}

async function open(t: { teardown(fn: () => unknown): void }, config: Parameters<typeof openDatabase>[0]): Promise<Database> {
  const db = await openDatabase(config, quietLog);
  t.teardown(() => db.close());
  return db;
}

test('the first start remembers the reachable PostgreSQL; when it later hangs, the start fails saying how to change', async (t) => {
  const { front, config, choiceFile, dataDir } = await setup(t);
  const first = await openDatabase(await config(), quietLog);
  t.is(first.kind, 'postgres');
  await first.close();
  const choice = await readDatabaseChoice(choiceFile);
  t.is(choice?.kind, 'postgres');
  t.false(JSON.stringify(choice).includes(':roundtable@'), 'the remembered URL carries no password');

  front.hang();
  const err = await t.throwsAsync(openDatabase(await config(), quietLog), { instanceOf: DatabaseChoiceError });
  t.regex(err!.message, /not reachable/);
  t.regex(err!.message, /ROUNDTABLE_DB=embedded/);
  t.true(err!.message.includes(choiceFile));
  await t.throwsAsync(fs.stat(path.join(dataDir, 'pglite')), { code: 'ENOENT' }, 'no empty embedded database was started');
});

test('a remembered embedded database stays the database even when a PostgreSQL is reachable', async (t) => {
  const { config, choiceFile } = await setup(t);
  await fs.writeFile(choiceFile, JSON.stringify({ kind: 'embedded', chosenAt: '2026-01-01T00:00:00Z', reason: 'test' }));
  const db = await open(t, await config());
  t.is(db.kind, 'embedded');
});

test('ROUNDTABLE_DB switches deliberately and records it; existing embedded data with a reachable PostgreSQL and no record is refused', async (t) => {
  const { config, choiceFile, dataDir } = await setup(t);
  await fs.writeFile(choiceFile, JSON.stringify({ kind: 'postgres', chosenAt: '2026-01-01T00:00:00Z', reason: 'test' }));
  const embedded = await openDatabase(await config({ ROUNDTABLE_DB: 'embedded' }), quietLog);
  t.is(embedded.kind, 'embedded');
  await embedded.pool.query('CREATE TABLE kept (id int)');
  await embedded.close();
  t.is((await readDatabaseChoice(choiceFile))?.kind, 'embedded');

  // Data from before choices were remembered: which database is the real one is not guessed.
  await fs.rm(choiceFile);
  const err = await t.throwsAsync(openDatabase(await config(), quietLog), { instanceOf: DatabaseChoiceError });
  t.true(err!.message.includes(path.join(dataDir, 'pglite')));
  t.regex(err!.message, /ROUNDTABLE_DB=embedded or ROUNDTABLE_DB=postgres/);
  await t.throwsAsync(fs.stat(choiceFile), { code: 'ENOENT' });
});

test('a choice file that names no database is an error naming the file', async (t) => {
  const { config, choiceFile } = await setup(t);
  await fs.writeFile(choiceFile, '{"kind":"mysql"}');
  const err = await t.throwsAsync(openDatabase(await config(), quietLog), { instanceOf: DatabaseChoiceError });
  t.true(err!.message.includes(choiceFile));
});
