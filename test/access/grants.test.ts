// LiveKit grants per role: listeners can never publish; stage roles publish the microphone only.
import test from 'ava';
import { ROOM_ROLES, grantsFor, moderatorAgentGrants, type RoomRole } from '../../engine/access/index.js';

test('listeners get a grant that cannot publish media or data', (t) => {
  t.deepEqual(grantsFor('listener'), {
    roomJoin: true,
    canPublish: false,
    canSubscribe: true,
    canPublishData: false,
    hidden: false,
    canPublishSources: [],
    canUpdateOwnMetadata: false,
  });
});

test('host, co-host and speaker publish the microphone and nothing else', (t) => {
  for (const role of ['host', 'co_host', 'speaker'] as const) {
    t.deepEqual(grantsFor(role), {
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      hidden: false,
      canPublishSources: ['microphone'],
      canUpdateOwnMetadata: false,
    }, role);
  }
});

test('only listeners are refused publishing', (t) => {
  t.deepEqual(ROOM_ROLES.filter((r) => !grantsFor(r).canPublish), ['listener']);
});

test('each call returns a fresh object', (t) => {
  const a = grantsFor('speaker');
  a.canPublishSources.push('camera');
  t.deepEqual(grantsFor('speaker').canPublishSources, ['microphone']);
});

test('the moderator agent hears everything, publishes no media and is hidden', (t) => {
  t.like(moderatorAgentGrants(), { roomJoin: true, canPublish: false, canSubscribe: true, hidden: true, agent: true, canPublishSources: [] });
});

test('an unknown role is a TypeError', (t) => {
  t.throws(() => grantsFor('owner' as RoomRole), { instanceOf: TypeError, message: /role/ });
});
