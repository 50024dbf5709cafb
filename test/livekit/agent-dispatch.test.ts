// The managed server accepts explicit agent dispatch, the path the moderation worker
// (@livekit/agents, registered with an agentName) is sent into rooms by.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { AgentDispatchClient, RoomAgentDispatch, RoomServiceClient } from 'livekit-server-sdk';
import { loadConfig } from '../../core/config.js';
import { LiveKitServer, liveKitHealthUrl } from '../../engine/livekit/index.js';
import { liveKitTestEnv } from './fixtures/ports.js';

test('rooms created with agents[] get a dispatch; dispatches can be added, read and deleted', async (t) => {
  const config = loadConfig(await liveKitTestEnv());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-livekit-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const server = LiveKitServer.fromConfig(config, { dataDir, stopGraceMs: 300 });
  t.teardown(() => server.stop());
  await server.start();
  const host = liveKitHealthUrl(server.url).origin;
  const rooms = new RoomServiceClient(host, config.livekit.apiKey, config.livekit.apiSecret);
  const dispatch = new AgentDispatchClient(host, config.livekit.apiKey, config.livekit.apiSecret);

  const room = await rooms.createRoom({
    name: 'dispatch-check',
    emptyTimeout: 60,
    agents: [new RoomAgentDispatch({ agentName: config.agent.name, metadata: '{"policy":"default"}' })],
  });
  t.is(room.name, 'dispatch-check');
  const initial = await dispatch.listDispatch('dispatch-check');
  t.deepEqual(
    initial.map((d) => [d.agentName, d.metadata]),
    [[config.agent.name, '{"policy":"default"}']],
  );

  const extra = await dispatch.createDispatch('dispatch-check', 'second-agent', { metadata: 'x' });
  t.truthy(extra.id);
  t.is((await dispatch.getDispatch(extra.id, 'dispatch-check'))?.agentName, 'second-agent');
  await dispatch.deleteDispatch(extra.id, 'dispatch-check');
  t.deepEqual(
    (await dispatch.listDispatch('dispatch-check')).map((d) => d.agentName),
    [config.agent.name],
  );
});
