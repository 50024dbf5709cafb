import test from 'ava';
import { ConfigError, DEV_AUTH_JWT_SECRET, loadConfig } from '../../core/config.js';

test('defaults describe a managed local LiveKit and the embedded-or-local database choice', (t) => {
  const c = loadConfig({ HOME: '/home/x', XDG_CACHE_HOME: '/cache' });
  t.is(c.dirs.cache, '/cache/roundtable');
  t.is(c.dirs.models, '/cache/roundtable/models');
  t.true(c.livekit.managed);
  t.is(c.livekit.url, 'ws://127.0.0.1:7880');
  t.is(c.database.url, undefined);
  t.is(c.database.mode, 'auto');
  t.is(c.api.publicUrl, 'http://127.0.0.1:8080');
});

test('an explicit LIVEKIT_URL means an external server', (t) => {
  const c = loadConfig({ LIVEKIT_URL: 'wss://lk.example.com', LIVEKIT_API_SECRET: 'l'.repeat(40), AUTH_JWT_SECRET: 'j'.repeat(40), ROUNDTABLE_DB: 'embedded' });
  t.false(c.livekit.managed);
  t.is(c.livekit.url, 'wss://lk.example.com');
});

test('MODELS_DIR overrides the model cache', (t) => {
  t.is(loadConfig({ MODELS_DIR: '/m' }).dirs.models, '/m');
});

test('bad values are reported with the variable named', (t) => {
  const err = t.throws(() => loadConfig({ API_PORT: 'eighty', LIVEKIT_API_SECRET: 'short' }), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.variable).sort(), ['API_PORT', 'LIVEKIT_API_SECRET']);
  t.regex(err?.message ?? '', /API_PORT/);
});

test('empty variables count as unset', (t) => {
  t.is(loadConfig({ DATABASE_URL: '' }).database.url, undefined);
});

test('the repo-known secrets are refused on a listener beyond loopback, naming the variable to set', (t) => {
  const err = t.throws(() => loadConfig({ API_HOST: '0.0.0.0' }), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.variable).sort(), ['AUTH_JWT_SECRET', 'LIVEKIT_API_SECRET', 'ROUNDTABLE_LOCAL_PG_URL']);
  t.regex(err?.message ?? '', /set AUTH_JWT_SECRET/);
  t.regex(err?.message ?? '', /API_HOST=0\.0\.0\.0/);
});

test('an empty AUTH_JWT_SECRET= (as in .env.example) does not slip the dev default past the check', (t) => {
  const env = { API_HOST: '0.0.0.0', AUTH_JWT_SECRET: '', LIVEKIT_API_SECRET: 'x'.repeat(40), ROUNDTABLE_DB: 'embedded' };
  const err = t.throws(() => loadConfig(env), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.variable), ['AUTH_JWT_SECRET']);
});

test('setting the dev value explicitly counts as the dev value', (t) => {
  const env = { API_HOST: '10.0.0.5', AUTH_JWT_SECRET: DEV_AUTH_JWT_SECRET, LIVEKIT_API_SECRET: 'x'.repeat(40), ROUNDTABLE_DB: 'embedded' };
  t.throws(() => loadConfig(env), { instanceOf: ConfigError, message: /AUTH_JWT_SECRET/ });
});

test('a managed LiveKit advertised beyond loopback, or an external one, exposes the dev LiveKit secret', (t) => {
  const own = { AUTH_JWT_SECRET: 'j'.repeat(40), ROUNDTABLE_DB: 'embedded' };
  const node = t.throws(() => loadConfig({ ...own, LIVEKIT_NODE_IP: '192.0.2.10' }), { instanceOf: ConfigError });
  t.deepEqual(node?.issues.map((i) => i.variable), ['LIVEKIT_API_SECRET']);
  t.regex(node?.message ?? '', /LIVEKIT_NODE_IP=192\.0\.2\.10/);
  t.throws(() => loadConfig({ ...own, LIVEKIT_URL: 'wss://lk.example.com' }), { instanceOf: ConfigError, message: /LIVEKIT_API_SECRET/ });
  t.notThrows(() => loadConfig({ ...own, LIVEKIT_URL: 'ws://127.0.0.1:7880' }));
});

test('the development database password is refused in DATABASE_URL beyond loopback', (t) => {
  const own = { API_HOST: '0.0.0.0', AUTH_JWT_SECRET: 'j'.repeat(40), LIVEKIT_API_SECRET: 'l'.repeat(40) };
  const err = t.throws(() => loadConfig({ ...own, DATABASE_URL: 'postgres://roundtable:roundtable@postgres:5432/roundtable' }), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.variable), ['DATABASE_URL']);
  t.notThrows(() => loadConfig({ ...own, DATABASE_URL: 'postgres://roundtable:s3cret-of-my-own@postgres:5432/roundtable' }));
});

test('own secrets everywhere start on any address', (t) => {
  const c = loadConfig({ API_HOST: '0.0.0.0', LIVEKIT_NODE_IP: '192.0.2.10', AUTH_JWT_SECRET: 'j'.repeat(40), LIVEKIT_API_SECRET: 'l'.repeat(40), ROUNDTABLE_DB: 'embedded' });
  t.is(c.api.host, '0.0.0.0');
});

test('dev secrets are fine on loopback (npm start, tests) and with an explicit ROUNDTABLE_DEV=1', (t) => {
  t.is(loadConfig({}).auth.jwtSecret, DEV_AUTH_JWT_SECRET);
  t.notThrows(() => loadConfig({ API_HOST: 'localhost', LIVEKIT_NODE_IP: '127.0.0.2' }));
  t.notThrows(() => loadConfig({ API_HOST: '::1' }));
  t.true(loadConfig({ API_HOST: '0.0.0.0', ROUNDTABLE_DEV: '1' }).dev);
});

test('quotas have production defaults, each is overridable, and a zero or non-number is refused naming the variable', (t) => {
  const c = loadConfig({});
  t.deepEqual(c.quotas, {
    signup: { limit: 10, windowSeconds: 3600 },
    room_create: { limit: 10, windowSeconds: 3600 },
    reaction: { limit: 30, windowSeconds: 60 },
    report: { limit: 20, windowSeconds: 3600 },
    invitation: { limit: 50, windowSeconds: 3600 },
    media_upload: { limit: 20, windowSeconds: 3600 },
  });
  t.like(c.rooms, { liveRoomsPerMember: 2, liveRoomsTotal: 20 });
  t.is(loadConfig({ QUOTA_REPORTS_PER_MEMBER_PER_HOUR: '5' }).quotas.report.limit, 5);
  t.is(loadConfig({ QUOTA_LIVE_ROOMS_TOTAL: '7' }).rooms.liveRoomsTotal, 7);
  const err = t.throws(() => loadConfig({ QUOTA_SIGNUPS_PER_IP_PER_HOUR: '0', QUOTA_LIVE_ROOMS_PER_MEMBER: 'many' }), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.variable).sort(), ['QUOTA_LIVE_ROOMS_PER_MEMBER', 'QUOTA_SIGNUPS_PER_IP_PER_HOUR']);
});
