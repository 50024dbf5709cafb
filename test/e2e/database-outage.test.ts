// The database goes away for 30 s while someone speaks: the agent keeps what it hears on local disk and writes it
// when the database answers again — every segment is there afterwards, scored, in order. Real parts throughout
// (LiveKit, the agent with its models, the embedded PostgreSQL); the outage is a TCP proxy between the agent worker
// and the database that refuses connections and cuts the open ones, as a restart or failover does.
import fs from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { MODERATION_TOPIC } from '../../agents/protocol.js';
import { wordErrorRate } from '../../models/stt/wer.js';
import { freeTcpPort } from '../livekit/fixtures/ports.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { synthesizeSpeech } from '../support/tts.js';

const BEFORE = 'Good morning, this is the first point on our hiring plan.';
const DURING = ['The second point is about remote interviews.', 'The third point is about salary bands for senior engineers.'];
const OUTAGE_MS = 30_000;

let env: TestStack;
let proxy: FaultProxy;

test.before(async () => {
  const pgPort = await freeTcpPort();
  proxy = await FaultProxy.start(pgPort);
  env = await startTestStack({
    db: 'embedded',
    workers: 1,
    env: { ROUNDTABLE_EMBEDDED_PG_PORT: String(pgPort) },
    workerDatabaseUrl: (url) => {
      const u = new URL(url);
      u.port = String(proxy.port);
      return u.toString();
    },
  });
  await env.stack.workersRegistered;
});

test.after.always(async () => {
  await proxy?.stop();
  await env?.stop();
  await dispose();
});

async function segments(roomId: string): Promise<{ text: string; scored: boolean }[]> {
  const { rows } = await env.stack.database.pool.query(
    `SELECT ts.text, sc.segment_id IS NOT NULL AS scored FROM transcript_segments ts
       LEFT JOIN segment_classifications sc ON sc.segment_id = ts.id WHERE ts.room_id = $1 ORDER BY ts.started_at`,
    [roomId],
  );
  return rows;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('PostgreSQL unreachable for 30 s while a speaker talks: nothing is lost', async (t) => {
  t.timeout(240_000);
  const host = await env.api.signUp('Ada Host');
  const created = await host.client.post('/v1/rooms', { title: 'Hiring plan' });
  t.is(created.status, 201, JSON.stringify(created.body));
  const roomId: string = created.body.id;
  const ticket = await host.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  const speaker = await SpeakingParticipant.connect(ticket.body.url, ticket.body.token);
  t.teardown(() => speaker.disconnect());
  const notice = speaker.waitForData(MODERATION_TOPIC, 60_000);
  await speaker.publishMicrophone();
  await notice;
  const [before, ...during] = await Promise.all([BEFORE, ...DURING].map((s) => synthesizeSpeech(s)));

  await speaker.silence(0.5);
  await speaker.speak(before!);
  await speaker.silence(1.5);
  await until(async () => ((await segments(roomId)).length >= 1 ? true : undefined), 60_000, 'the first segment');

  // The database goes away for the agent.
  await proxy.set('refuse');
  const cutAt = Date.now();
  for (const speech of during) {
    await speaker.speak(speech);
    await speaker.silence(3);
  }
  const spoolDir = path.join(env.config.dirs.data, 'agent-spool', roomId);
  const spooled = await until(async () => {
    const files = (await fs.readdir(spoolDir).catch(() => [])).filter((f) => f.endsWith('.json'));
    return files.length >= DURING.length ? files : undefined;
  }, OUTAGE_MS, 'the agent spooling what it heard');
  t.log(`${spooled.length} segments waited on disk`);
  t.is((await segments(roomId)).length, 1, 'nothing reached the database during the outage');
  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));

  // Back: every segment appears, scored, in the order spoken; the spool empties.
  await proxy.set('forward');
  const all = await until(async () => {
    const s = await segments(roomId);
    return s.length >= 1 + DURING.length ? s : undefined;
  }, 60_000, 'the spooled segments in the database');
  t.log(all.map((s) => s.text).join(' | '));
  t.true(all.every((s) => s.scored), 'every segment carries its scores');
  const { wer } = wordErrorRate([BEFORE, ...DURING].join(' '), all.map((s) => s.text).join(' '));
  t.true(wer <= 0.25, `words kept in order (WER ${(wer * 100).toFixed(1)} %)`);
  await until(async () => ((await fs.readdir(spoolDir)).filter((f) => f.endsWith('.json')).length === 0 ? true : undefined), 10_000, 'the spool to empty');
});
