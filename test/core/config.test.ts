import test from 'ava';
import { ConfigError, loadConfig } from '../../core/config.js';

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
  const c = loadConfig({ LIVEKIT_URL: 'wss://lk.example.com' });
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

test('quotas have production defaults, each is overridable, and a zero or non-number is refused naming the variable', (t) => {
  const c = loadConfig({});
  t.deepEqual(c.quotas, {
    signup: { limit: 10, windowSeconds: 3600 },
    room_create: { limit: 10, windowSeconds: 3600 },
    reaction: { limit: 30, windowSeconds: 60 },
    report: { limit: 20, windowSeconds: 3600 },
    invitation: { limit: 50, windowSeconds: 3600 },
  });
  t.like(c.rooms, { liveRoomsPerMember: 2, liveRoomsTotal: 20 });
  t.is(loadConfig({ QUOTA_REPORTS_PER_MEMBER_PER_HOUR: '5' }).quotas.report.limit, 5);
  t.is(loadConfig({ QUOTA_LIVE_ROOMS_TOTAL: '7' }).rooms.liveRoomsTotal, 7);
  const err = t.throws(() => loadConfig({ QUOTA_SIGNUPS_PER_IP_PER_HOUR: '0', QUOTA_LIVE_ROOMS_PER_MEMBER: 'many' }), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.variable).sort(), ['QUOTA_LIVE_ROOMS_PER_MEMBER', 'QUOTA_SIGNUPS_PER_IP_PER_HOUR']);
});
