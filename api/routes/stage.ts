// The stage of a live room: hands, invitations, moving people on and off stage, moderation, co-hosts, reactions,
// ending the room, and a server-sent-events stream of the stage as the caller may see it. Who may do what is decided
// by StageState (authorize() plus the stage rules); refusals come back as 403/409 with the domain's code.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import { mayViewStage, publicStageView, type PublicStageState } from '../../engine/stage-service/index.js';
import { DomainError, REACTION_EMOJI, normalizeReaction } from '../../engine/stage/index.js';
import type { ApiServices } from '../context.js';
import { defineRoute, type RouteDef } from '../route.js';
import { RoomIdParams } from './schemas.js';

const MemberParams = z.object({ roomId: z.uuid(), memberId: z.uuid() });
type RoomParams = z.infer<typeof RoomIdParams>;
type TargetParams = z.infer<typeof MemberParams>;

const HandRaisingBody = z.strictObject({ enabled: z.boolean() });
const InviteBody = z.strictObject({ memberId: z.uuid() });
const RemoveBody = z.strictObject({ ban: z.boolean().default(true) });
const ReactionBody = z.strictObject({
  emoji: z
    .string()
    .max(16)
    .refine(
      (v) => {
        try {
          normalizeReaction(v);
          return true;
        } catch {
          return false;
        }
      },
      { message: `must be one of ${REACTION_EMOJI.join(' ')}` },
    ),
});

const RoomRole = z.enum(['host', 'co_host', 'speaker', 'listener']);
const StageView = z.object({
  roomId: z.uuid(),
  hostId: z.string(),
  version: z.number().int().describe('grows with every change; drop updates older than the one you have'),
  ended: z.boolean(),
  endedAt: z.number().nullable().describe('ms since epoch'),
  handRaisingEnabled: z.boolean(),
  onStage: z.array(z.object({ identity: z.string(), role: z.enum(['host', 'co_host', 'speaker']), since: z.number() })),
  listenerCount: z.number().int(),
  raisedHandCount: z.number().int(),
  reactions: z.record(z.string(), z.number().int()).describe('count per palette emoji'),
  you: z
    .object({ role: RoomRole.nullable(), handRaised: z.boolean(), invitedBy: z.string().nullable() })
    .optional()
    .describe("the caller's own standing"),
  moderation: z
    .object({
      hands: z.array(z.object({ identity: z.string(), raisedAt: z.number() })),
      invites: z.array(z.object({ identity: z.string(), invitedBy: z.string(), invitedAt: z.number() })),
      bans: z.array(z.string()),
      audience: z.array(z.string()),
    })
    .optional()
    .describe('hand queue, pending invitations, bans and the audience: host, co-hosts and trust-and-safety staff only'),
});

const STATE = { 200: { description: 'the stage after the change, as you may see it', schema: StageView } };
const HEARTBEAT_MS = 15_000;

type Service = ApiServices['stage'];
type StageCall = (stage: Service, roomId: string, by: Principal) => Promise<PublicStageState>;
type TargetCall = (stage: Service, roomId: string, by: Principal, memberId: string) => Promise<PublicStageState>;

export function stageRoutes(s: ApiServices): RouteDef[] {
  /** A command on the stage with no target. */
  const command = (method: 'post' | 'delete', path: string, operationId: string, summary: string, call: StageCall): RouteDef =>
    defineRoute<RoomParams, undefined, undefined, Principal>({
      method,
      path: `/v1/rooms/:roomId${path}`,
      operationId,
      summary,
      tag: 'stage',
      auth: 'member',
      params: RoomIdParams,
      responses: STATE,
      handler: async ({ params, auth }) => ({ body: await call(s.stage, params.roomId, auth) }),
    });
  /** A command on one participant, named in the path. */
  const onMember = (method: 'post' | 'delete', path: string, operationId: string, summary: string, call: TargetCall): RouteDef =>
    defineRoute<TargetParams, undefined, undefined, Principal>({
      method,
      path: `/v1/rooms/:roomId${path}`,
      operationId,
      summary,
      tag: 'stage',
      auth: 'member',
      params: MemberParams,
      responses: STATE,
      handler: async ({ params, auth }) => ({ body: await targeting('params.memberId', call(s.stage, params.roomId, auth, params.memberId)) }),
    });

  return [
    defineRoute<RoomParams, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId/stage',
      operationId: 'getStage',
      summary: 'The stage as you may see it (participants of the room, its host and trust-and-safety staff)',
      tag: 'stage',
      auth: 'member',
      params: RoomIdParams,
      responses: STATE,
      handler: async ({ params, auth }) => ({ body: await s.stage.snapshot(params.roomId, auth) }),
    }),
    defineRoute<RoomParams, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId/stage/events',
      operationId: 'streamStage',
      summary: 'Server-sent events (text/event-stream) of the stage as you may see it',
      tag: 'stage',
      auth: 'member',
      params: RoomIdParams,
      responses: {
        200: {
          description:
            'A text/event-stream. The first event is the current stage; then one `event: stage_state` per change, ' +
            '`id:` the stage version and `data:` the same JSON object GET /v1/rooms/{roomId}/stage returns. ' +
            '`: keep-alive` comments every 15 s. The stream ends after the room ends (last stage_state has ended: true), ' +
            'or with `event: stage_closed` when you are no longer in the room, and when the client disconnects.',
        },
      },
      handler: async ({ params, auth, ctx }) => {
        const stream = stageEventStream(s.stage, params.roomId, auth);
        const first = await s.stage.snapshot(params.roomId, auth).catch((err: unknown) => {
          stream.close();
          throw err;
        });
        // Written straight to the socket (ctx.respond = false): Koa's stream piping would report every client that
        // goes away as a server error.
        ctx.respond = false;
        ctx.req.socket.setTimeout(0);
        ctx.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
        ctx.res.once('close', stream.close);
        stream.start(first, ctx.res);
        return { status: 200 };
      },
    }),

    command('post', '/stage/hand', 'raiseHand', 'Raise your hand to ask to speak (listeners)', (st, r, by) => st.raiseHand(r, by)),
    command('delete', '/stage/hand', 'lowerHand', 'Lower your raised hand', (st, r, by) => st.lowerHand(r, by)),
    onMember('post', '/stage/hands/:memberId/approve', 'approveHand', 'Bring a listener with a raised hand on stage (host, co-host)', (st, r, by, m) =>
      st.approveHand(r, by, m),
    ),
    onMember('post', '/stage/hands/:memberId/dismiss', 'dismissHand', "Dismiss a listener's raised hand (host, co-host)", (st, r, by, m) =>
      st.dismissHand(r, by, m),
    ),
    defineRoute<RoomParams, undefined, z.infer<typeof HandRaisingBody>, Principal>({
      method: 'put',
      path: '/v1/rooms/:roomId/stage/hand-raising',
      operationId: 'setHandRaising',
      summary: 'Turn hand raising on or off; off clears the queue (host, co-host)',
      tag: 'stage',
      auth: 'member',
      params: RoomIdParams,
      body: HandRaisingBody,
      responses: STATE,
      handler: async ({ params, body, auth }) => ({ body: await s.stage.setHandRaising(params.roomId, auth, body.enabled) }),
    }),
    defineRoute<RoomParams, undefined, z.infer<typeof InviteBody>, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/stage/invites',
      operationId: 'inviteToStage',
      summary: 'Invite a listener on stage; they must accept (host, co-host)',
      tag: 'stage',
      auth: 'member',
      params: RoomIdParams,
      body: InviteBody,
      responses: STATE,
      handler: async ({ params, body, auth }) => ({ body: await targeting('body.memberId', s.stage.invite(params.roomId, auth, body.memberId)) }),
    }),
    command('post', '/stage/invite/accept', 'acceptStageInvite', 'Accept your pending invitation and come on stage', (st, r, by) =>
      st.respondToInvite(r, by, true),
    ),
    command('post', '/stage/invite/decline', 'declineStageInvite', 'Decline your pending invitation to the stage', (st, r, by) =>
      st.respondToInvite(r, by, false),
    ),
    onMember('post', '/stage/participants/:memberId/move-to-audience', 'moveToAudience', 'Move a speaker or co-host to the audience; their tracks are unpublished', (st, r, by, m) =>
      st.moveToAudience(r, by, m),
    ),
    command('post', '/stage/leave', 'leaveStage', 'Step down from the stage to the audience (speakers, co-hosts)', (st, r, by) => st.leaveStage(r, by)),
    onMember('post', '/stage/participants/:memberId/mute', 'muteParticipant', "Mute a participant's microphone (host, co-host, staff)", (st, r, by, m) =>
      st.mute(r, by, m),
    ),
    defineRoute<TargetParams, undefined, z.infer<typeof RemoveBody>, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/stage/participants/:memberId/remove',
      operationId: 'removeParticipant',
      summary: 'Remove a participant from the room; with ban (default true) they cannot rejoin. Body required ({} for defaults).',
      tag: 'stage',
      auth: 'member',
      params: MemberParams,
      body: RemoveBody,
      responses: STATE,
      handler: async ({ params, body, auth }) => ({
        body: await targeting('params.memberId', s.stage.remove(params.roomId, auth, params.memberId, { ban: body.ban })),
      }),
    }),
    onMember('post', '/stage/participants/:memberId/cohost', 'promoteCohost', 'Make a speaker a co-host (host)', (st, r, by, m) => st.promoteCohost(r, by, m)),
    onMember('delete', '/stage/participants/:memberId/cohost', 'demoteCohost', 'Demote a co-host to speaker (host), or step down yourself', (st, r, by, m) =>
      st.demoteCohost(r, by, m),
    ),
    defineRoute<RoomParams, undefined, z.infer<typeof ReactionBody>, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/stage/reactions',
      operationId: 'sendReaction',
      quota: { name: 'reaction', per: 'member_in_room' },
      summary: 'Send a reaction from the fixed palette; counted per room and sent on the roundtable.reactions data topic (the stage itself is not changed)',
      tag: 'stage',
      auth: 'member',
      params: RoomIdParams,
      body: ReactionBody,
      idempotent: true,
      responses: STATE,
      handler: async ({ params, body, auth }) => ({ body: await s.stage.react(params.roomId, auth, body.emoji) }),
    }),
    command('post', '/end', 'endRoom', 'End the room for everyone (host, trust-and-safety staff)', (st, r, by) => st.end(r, by)),
  ];
}

/** The stage names the participant a command aims at `target`; the API names the input that carried it. */
async function targeting<T>(field: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    if (err instanceof DomainError && err.field === 'target') throw new DomainError(err.code, err.message, field);
    throw err;
  }
}

interface StageEventStream {
  /** Sends the first state to `sink`, then what changed meanwhile (if newer), then each change as it comes. */
  start(first: PublicStageState, sink: ServerResponse): void;
  close(): void;
}

/** Subscribes before the first read, so no change between the read and the subscription is lost. */
function stageEventStream(stage: Service, roomId: string, viewer: Principal): StageEventStream {
  let sink: ServerResponse | undefined;
  let closed = false;
  let lastVersion = -1;
  const pending: PublicStageState[] = [];

  const write = (chunk: string): void => {
    if (!closed && sink !== undefined && !sink.writableEnded) sink.write(chunk);
  };
  const push = (view: PublicStageState): void => {
    if (view.version <= lastVersion && !view.ended) return;
    lastVersion = view.version;
    write(`event: stage_state\nid: ${view.version}\ndata: ${JSON.stringify(view)}\n\n`);
    if (view.ended) close();
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    if (sink !== undefined && !sink.writableEnded) sink.end();
  };
  const unsubscribe = stage.subscribe(roomId, ({ state, room, reactions }) => {
    if (!mayViewStage(state, room, viewer)) {
      write(`event: stage_closed\ndata: ${JSON.stringify({ reason: 'not_in_room' })}\n\n`);
      close();
      return;
    }
    const view = publicStageView(state, room, viewer, reactions);
    if (sink !== undefined) push(view);
    else pending.push(view);
  });
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();

  return {
    close,
    start(first, target) {
      sink = target;
      if (closed) {
        target.end(); // the viewer left the room between the first read and now
        return;
      }
      push(first);
      for (const view of pending.splice(0)) push(view);
    },
  };
}
