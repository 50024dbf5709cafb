// Captions and moderation flags published by one process's RoomFeed reach another process's stage stream through
// the room event bus, in the order they were published, each once, with event ids from the table.
import crypto from 'node:crypto';
import test from 'ava';
import { connectPostgres } from '../../db/database.js';
import { RoomFeed, type RoomFeedEvent } from '../../engine/moderation/room-feed.js';
import { RoomEventBus } from '../../engine/room-events/index.js';
import { StageService, type RoomStreamEvent } from '../../engine/stage-service/index.js';
import { createTestDatabase, quietLog } from '../support/database.js';

test('captions and flags from one process arrive on the other process\'s stage stream in publish order', async (t) => {
  t.timeout(120_000);
  const db = await createTestDatabase('postgres');
  const other = await connectPostgres(db.url, quietLog, 30_000);
  const busA = new RoomEventBus(db.pool, { log: quietLog, listen: true });
  const busB = new RoomEventBus(other.pool, { log: quietLog, listen: true, pollMs: 60_000 });
  await busA.start();
  await busB.start();
  t.teardown(async () => {
    await busA.stop();
    await busB.stop();
    await other.close();
    await db.close();
  });
  const feed = new RoomFeed({ events: busA, log: quietLog });
  // Process B's stage service: only its stream is used here (no stage commands, so no LiveKit calls).
  const stage = new StageService(other.pool, {} as never, quietLog, { events: busB });
  const roomId = crypto.randomUUID();
  const heard: RoomStreamEvent[] = [];
  stage.subscribe(roomId, (e) => heard.push(e), { after: 0 });

  const published: RoomFeedEvent[] = [];
  for (let i = 0; i < 10; i++) {
    const base = { roomId, segmentId: crypto.randomUUID(), speaker: 'speaker-1' };
    const event: RoomFeedEvent =
      i % 2 === 0
        ? { ...base, type: 'caption', text: `line ${i}`, withheld: false, startedAt: new Date(i * 1000).toISOString(), endedAt: new Date(i * 1000 + 900).toISOString() }
        : { ...base, type: 'moderation_flag', categories: ['threat'], action: 'mute', step: 1, caseId: null, actionId: null, reason: `flag ${i}` };
    feed.publish(event); // not awaited, as the evaluator calls it
    published.push(event);
  }
  const deadline = Date.now() + 30_000;
  while (heard.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.deepEqual(
    heard.map((e) => (e.kind === 'caption' || e.kind === 'moderation_flag' ? e.feed : e)),
    published,
    'every event once, in publish order',
  );
  t.deepEqual(heard.map((e) => e.id), Array.from({ length: 10 }, (_, i) => i + 1));
  const { rows } = await db.pool.query<{ kind: string }>('SELECT kind FROM room_events WHERE room_id = $1 ORDER BY seq', [roomId]);
  t.deepEqual(rows.map((r) => r.kind), published.map((e) => e.type));
  t.is(stage.subscriberCount(roomId), 1);
});
