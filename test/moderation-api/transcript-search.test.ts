// Staff search transcripts by words (stemmed), speaker, room and time.
import test from 'ava';
import { liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('transcript search finds an inserted segment, with filters', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  const otherRoom = await liveRoom(host, 'Other');
  const hit = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'I threatened to leak the quarterly numbers', scores: { threat: 0.7 }, categories: ['threat'] });
  await segment(s.pool, { roomId: otherRoom, speaker: host.memberId, text: 'nobody threatens anyone here' });
  await segment(s.pool, { roomId, speaker: host.memberId, text: 'the weather is fine' });

  const res = await reviewer.client.get('/v1/moderation/transcripts?q=threaten');
  t.is(res.status, 200, JSON.stringify(res.body));
  t.is(res.body.items.length, 2);
  const byRoom = await reviewer.client.get(`/v1/moderation/transcripts?q=threaten&roomId=${roomId}`);
  t.deepEqual(byRoom.body.items.map((h: { id: string }) => h.id), [hit]);
  t.like(byRoom.body.items[0], { speakerIdentity: speaker.memberId, flagged: true, categories: ['threat'] });
  t.regex(byRoom.body.items[0].headline, /«threatened»/);
  const bySpeaker = await reviewer.client.get(`/v1/moderation/transcripts?q=threaten&speaker=${host.memberId}`);
  t.is(bySpeaker.body.items.length, 1);
  t.is(bySpeaker.body.items[0].roomId, otherRoom);
  const since = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
  t.deepEqual((await reviewer.client.get(`/v1/moderation/transcripts?q=threaten&since=${since}`)).body.items, []);
  t.deepEqual((await reviewer.client.get('/v1/moderation/transcripts?q=flamingo')).body.items, []);
  const paged = await reviewer.client.get('/v1/moderation/transcripts?q=threaten&limit=1');
  t.is(paged.body.items.length, 1);
  const next = await reviewer.client.get(`/v1/moderation/transcripts?q=threaten&limit=1&before=${paged.body.nextBefore}`);
  t.is(next.body.items.length, 1);
  t.not(next.body.items[0].id, paged.body.items[0].id);
});
