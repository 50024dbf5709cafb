// Readiness of a LiveKit server, managed or external (LIVEKIT_URL): livekit-server answers
// `GET /` on its signalling port with 200 "OK" once it accepts rooms.
import http from 'node:http';
import https from 'node:https';

export interface LiveKitProbeResult {
  ready: boolean;
  /** HTTP status when the server answered. */
  status?: number;
  /** Why it is not ready (connection refused, timeout, unexpected body). */
  reason?: string;
}

/** ws://h:p/path -> http://h:p/ and wss:// -> https://; http(s) URLs pass through. */
export function liveKitHealthUrl(url: string): URL {
  if (typeof url !== 'string' || url === '') throw new TypeError('url must be a non-empty ws(s):// or http(s):// URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(url)}`);
  }
  const scheme = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[parsed.protocol];
  if (scheme === undefined) throw new TypeError(`url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(url)}`);
  return new URL(`${scheme}//${parsed.host}/`);
}

export async function probeLiveKit(url: string, options: { timeoutMs?: number } = {}): Promise<LiveKitProbeResult> {
  const healthUrl = liveKitHealthUrl(url);
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError('timeoutMs must be a positive integer');
  try {
    const { status, body } = await httpGet(healthUrl, timeoutMs);
    if (status === 200 && body.trim() === 'OK') return { ready: true, status };
    return { ready: false, status, reason: `answered ${status} ${JSON.stringify(body.trim().slice(0, 80))}` };
  } catch (err) {
    return { ready: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Polls until the server is ready or `timeoutMs` passes; `shouldContinue` lets a caller stop early
 * (e.g. the child process died). Resolves with the last probe result either way.
 */
export async function waitForLiveKit(
  url: string,
  options: { timeoutMs?: number; intervalMs?: number; shouldContinue?: () => boolean } = {},
): Promise<LiveKitProbeResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 100;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError('timeoutMs must be a positive integer');
  if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('intervalMs must be a positive integer');
  liveKitHealthUrl(url);
  const deadline = performance.now() + timeoutMs;
  let last: LiveKitProbeResult = { ready: false, reason: 'not probed yet' };
  while (options.shouldContinue?.() ?? true) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    last = await probeLiveKit(url, { timeoutMs: Math.max(1, Math.min(2000, Math.ceil(left))) });
    if (last.ready) return last;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - performance.now()))));
  }
  return last;
}

/** One request on its own connection (agent: false), so no keep-alive socket lingers: a lingering
 * one makes livekit-server's graceful HTTP shutdown wait. */
function httpGet(url: URL, timeoutMs: number): Promise<{ status: number; body: string }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 1024) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code ?? err.message)));
  });
}
