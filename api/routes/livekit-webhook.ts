// LiveKit's webhooks: verified with the shared API secret (unsigned or forged -> 401), then handed to the engine.
import { WebhookReceiver } from 'livekit-server-sdk';
import { z } from 'zod';
import type { LiveKitEventHandler } from '../../engine/rooms/livekit-events.js';
import { readRawBody } from '../body.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';

export function liveKitWebhookRoutes(s: ApiServices, handler: LiveKitEventHandler): RouteDef[] {
  const receiver = new WebhookReceiver(s.config.livekit.apiKey, s.config.livekit.apiSecret);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/livekit/webhook',
      operationId: 'receiveLiveKitWebhook',
      summary: 'LiveKit server webhook (signed with the LiveKit API secret); keeps presence and room state',
      tag: 'livekit',
      auth: 'webhook',
      rawBody: true,
      body: z.unknown(),
      responses: { 200: { description: 'accepted', schema: z.object({ handled: z.boolean() }) }, 401: { description: 'missing or bad signature' } },
      handler: async ({ ctx }) => {
        const raw = (await readRawBody(ctx)).toString('utf8');
        const auth = ctx.get('authorization');
        if (!auth) throw ApiError.unauthorized('webhook is not signed', 'webhook_unsigned');
        let event;
        try {
          event = await receiver.receive(raw, auth);
        } catch (err) {
          throw ApiError.unauthorized(`webhook signature rejected: ${(err as Error).message}`, 'webhook_bad_signature');
        }
        return { body: { handled: await handler.handle(event) } };
      },
    }),
  ];
}
