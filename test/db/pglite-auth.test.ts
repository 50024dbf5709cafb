// The embedded database's wire server lets in only clients that prove its password (SCRAM-SHA-256); the password
// is generated once and kept in the data directory, readable by its owner alone.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import pg from 'pg';
import { openEmbedded } from '../../db/database.js';
import { EmbeddedPasswordFileError } from '../../db/embedded-postgres.js';
import { quietLog } from '../support/database.js';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-pglite-auth-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

function withPassword(url: string, password: string | undefined): string {
  const u = new URL(url);
  u.password = password ?? '';
  return u.toString();
}

async function connectError(connectionString: string): Promise<Error & { code?: string }> {
  const c = new pg.Client({ connectionString });
  c.on('error', () => undefined);
  try {
    await c.connect();
  } catch (err) {
    return err as Error & { code?: string };
  } finally {
    await c.end().catch(() => undefined);
  }
  throw new Error('connected without the right password');
}

test('the right password connects; a wrong one is refused with 28P01; none at all is refused', async (t) => {
  const db = await openEmbedded(undefined, 0, quietLog);
  t.teardown(() => db.close());
  const password = decodeURIComponent(new URL(db.url).password);
  t.true(password.length >= 16, 'the URL handed to workers carries the password');

  const ok = new pg.Client({ connectionString: db.url });
  await ok.connect();
  t.is((await ok.query('SELECT 1 AS one')).rows[0].one, 1);
  await ok.end();

  const wrong = await connectError(withPassword(db.url, `${password}x`));
  t.is(wrong.code, '28P01');
  t.regex(wrong.message, /password authentication failed/);

  // pg refuses on its own side when the server asks for SCRAM and it has no password: the server asked.
  const none = await connectError(withPassword(db.url, undefined));
  t.regex(none.message, /SASL|password/);
});

test('a raw client that skips authentication gets an error and no session, not a query result', async (t) => {
  const db = await openEmbedded(undefined, 0, quietLog);
  t.teardown(() => db.close());
  const { hostname, port } = new URL(db.url);
  const socket = net.connect(Number(port), hostname);
  const received: Buffer[] = [];
  socket.on('data', (b) => received.push(b));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8 + params.length);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4);
  params.copy(startup, 8);
  socket.write(startup);
  await new Promise((r) => setTimeout(r, 200));
  const sql = Buffer.from('SELECT 42\0');
  const query = Buffer.alloc(5 + sql.length);
  query.write('Q', 0);
  query.writeInt32BE(4 + sql.length, 1);
  sql.copy(query, 5);
  socket.write(query);
  await closed;
  const all = Buffer.concat(received);
  t.is(String.fromCharCode(all[0]!), 'R');
  t.is(all.readInt32BE(5), 10, 'the first answer is AuthenticationSASL, not AuthenticationOk (0)');
  t.true(all.toString('latin1').includes('SCRAM-SHA-256'));
  const afterAuthRequest = all.subarray(1 + all.readInt32BE(1));
  t.is(String.fromCharCode(afterAuthRequest[0]!), 'E', 'the query is answered with an ErrorResponse');
  t.false(all.toString('latin1').includes('42'), 'no row was returned');
});

test('the password is generated once into the data directory with mode 0600 and reused on the next start', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'pglite-password');
  const first = await openEmbedded(undefined, 0, quietLog, file);
  const firstPassword = decodeURIComponent(new URL(first.url).password);
  await first.close();
  const stat = await fs.stat(file);
  t.is(stat.mode & 0o777, 0o600);
  t.is((await fs.readFile(file, 'utf8')).trim(), firstPassword);

  const second = await openEmbedded(undefined, 0, quietLog, file);
  t.teardown(() => second.close());
  t.is(decodeURIComponent(new URL(second.url).password), firstPassword);
  const c = new pg.Client({ connectionString: second.url });
  await c.connect();
  await c.end();
  t.pass();
});

test('a password file other users can read is refused, naming the file and the fix', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'pglite-password');
  await fs.writeFile(file, 'a-password-of-enough-length\n', { mode: 0o644 });
  await fs.chmod(file, 0o644);
  const err = await t.throwsAsync(openEmbedded(undefined, 0, quietLog, file), { instanceOf: EmbeddedPasswordFileError });
  t.true(err!.message.includes(file));
  t.regex(err!.message, /chmod 600/);
});
