// Shared setup for the rooms tests (not a test file).
import { AccessToken } from 'livekit-server-sdk';
import crypto from 'node:crypto';
import type { ApiClient } from '../support/api-client.js';
import type { TestStack } from '../support/stack.js';

export const JOIN = { acceptTranscription: true };

export async function createRoom(client: ApiClient, body: Record<string, unknown> = {}): Promise<any> {
  const res = await client.post('/v1/rooms', { title: 'A room', ...body });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Posts a webhook signed the way livekit-server signs it (a JWT carrying the body's sha256). */
export async function postSignedWebhook(env: TestStack, payload: unknown, secret = env.config.livekit.apiSecret): Promise<{ status: number; body: any }> {
  const body = JSON.stringify(payload);
  const at = new AccessToken(env.config.livekit.apiKey, secret);
  at.sha256 = crypto.createHash('sha256').update(body).digest('base64');
  const token = await at.toJwt();
  return env.api.request('POST', '/v1/livekit/webhook', body, { 'content-type': 'application/webhook+json', authorization: token });
}
