// Proves audio flows through the real livekit-server between two real @livekit/rtc-node
// participants, and that every ICE candidate, UDP socket and selected pair is on 127.0.0.0/8.
// Runs the server and both clients in an isolated network namespace (scripts/netns.sh): on the
// host, libwebrtc ignores the loopback interface and would send media via the eth0/LAN address.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { MediaProbeReport } from './fixtures/media-loopback-probe.js';
import { liveKitTestEnv } from './fixtures/ports.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const loopback = (address: string): boolean => address.startsWith('127.') || address === '::1';

async function runProbe(): Promise<{ report: MediaProbeReport | undefined; output: string; code: number | null }> {
  const env = { ...process.env, ...(await liveKitTestEnv(51000)), LOG_LEVEL: 'warn' };
  const child = spawn('bash', ['scripts/netns.sh', 'run', '--', process.execPath, '--import', 'tsx', 'test/livekit/fixtures/media-loopback-probe.ts'], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  const line = output.split('\n').find((l) => l.startsWith('MEDIA_PROBE_REPORT '));
  return { report: line ? (JSON.parse(line.slice('MEDIA_PROBE_REPORT '.length)) as MediaProbeReport) : undefined, output, code };
}

test('a 440 Hz tone published by one participant reaches the other, entirely over 127.0.0.0/8', async (t) => {
  const { report, output, code } = await runProbe();
  if (report === undefined) {
    t.fail(`media probe produced no report (exit ${code}):\n${output.slice(-4000)}`);
    return;
  }
  t.is(code, 0);
  t.log(
    `server startup ${report.startupMs} ms, join->subscribed ${report.joinToSubscribedMs} ms, ` +
      `rms ${report.rms.toFixed(0)}, tone ${report.toneHz.toFixed(1)} Hz, ${report.subscriberBytesReceived} bytes on the nominated pair`,
  );

  // Isolation really happened: nothing but loopback-range addresses exist where the probe ran.
  t.is(report.netns, 'isolated');
  t.deepEqual(report.interfaceAddresses.filter((a) => !loopback(a)), []);

  // Media: a sine of amplitude 8000 has RMS ~5657; silence or comfort noise is far below 1000.
  t.true(report.rms > 2000, `rms ${report.rms}`);
  t.true(Math.abs(report.toneHz - 440) < 20, `tone ${report.toneHz} Hz`);
  t.true(report.subscriberBytesReceived > 5000, `bytes ${report.subscriberBytesReceived}`);

  // Addresses: client-side ICE candidates, server-side selected pairs, and UDP sockets.
  t.true(report.clientCandidateAddresses.includes('127.0.0.1'), 'the server candidate is the node IP');
  t.deepEqual(report.clientCandidateAddresses.filter((a) => !loopback(a)), []);
  t.true(report.serverSelectedPairAddresses.length >= 2, 'server logged its selected ICE pairs');
  t.deepEqual(report.serverSelectedPairAddresses.filter((a) => !loopback(a)), []);
  t.true(report.udpSocketAddresses.length > 0);
  t.deepEqual(report.udpSocketAddresses.filter((a) => !loopback(a)), []);

  // Webhooks arrive signed with the configured key.
  t.true(report.webhookEvents.includes('room_started'));
  t.true(report.webhookEvents.includes('track_published'));
  t.deepEqual(report.webhookEvents.filter((e) => e.startsWith('invalid')), []);
});
