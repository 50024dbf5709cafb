// The stage of a live room: hands, invitations, moving people on and off stage, moderation, co-hosts, reactions,
// ending the room, and a server-sent-events stream of the stage as the caller may see it. Who may do what is decided
// by StageState (authorize() plus the stage rules); refusals come back as 403/409 with the domain's code.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import { isModeratorView, mayViewStage, publicStageView, type PublicStageState, type RoomStreamEvent, type StageCommandResult } from '../../engine/stage-service/index.js';
import { DomainError, REACTION_EMOJI, normalizeReaction } from '../../engine/stage/index.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';
import { watchSession } from '../session-watch.js';
import { StreamSlots } from '../stream-slots.js';
import { RoomIdParams } from './schemas.js';

const MemberParams = z.object({ roomId: z.uuid(), memberId: z.uuid() });
const EffectParams = z.object({ roomId: z.uuid(), effectId: z.uuid() });
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
const Effect = z
  .object({
    id: z.uuid(),
    roomId: z.uuid(),
    kind: z.enum(['grant_publish', 'revoke_publish', 'mute_track', 'remove']),
    identity: z.string(),
    status: z.enum(['pending', 'applied', 'failed']).describe('pending: queued or being retried; failed: LiveKit refused, or retries ran out'),
    outcome: z.enum(['applied', 'participant_absent', 'refused', 'retries_exhausted']).nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.number().describe('ms since epoch'),
    settledAt: z.number().nullable().describe('ms since epoch'),
  })
  .describe('an effect of a stage command on LiveKit (publish permission, mute, removal)');
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
      effects: z.array(Effect).optional().describe('effects on LiveKit still pending, or failed and not made moot by a later one'),
    })
    .optional()
    .describe('hand queue, pending invitations, bans and the audience: host, co-hosts and trust-and-safety staff only'),
});

const CommandResult = StageView.extend({ effects: z.array(Effect).describe("this command's effects on LiveKit as they stand") });
const STATE = { 200: { description: 'the stage as you may see it', schema: StageView } };
const CHANGED = {
  200: { description: 'the stage after the change, as you may see it; every effect on LiveKit is applied', schema: CommandResult },
  202: {
    description:
      'the stage changed, but LiveKit has not carried out every effect yet (unreachable or slow: retried) or refused it: ' +
      'see effects[].status; follow an effect with GET /v1/rooms/{roomId}/stage/effects/{effectId} or the event stream',
    schema: CommandResult,
  },
};
const HEARTBEAT_MS = 15_000;

type Service = ApiServices['stage'];
type StageCall = (stage: Service, roomId: string, by: Principal) => Promise<StageCommandResult>;
type TargetCall = (stage: Service, roomId: string, by: Principal, memberId: string) => Promise<StageCommandResult>;

/** 200 when LiveKit carried out every effect of the command, 202 while any is pending (or failed). */
async function answer(pending: Promise<StageCommandResult>): Promise<{ status: number; body: StageCommandResult }> {
  const result = await pending;
  return { status: result.effects.every((e) => e.status === 'applied') ? 200 : 202, body: result };
}

export function stageRoutes(s: ApiServices): RouteDef[] {
  const streamSlots = new StreamSlots(s.config.rooms.stageStreamsPerMember, HEARTBEAT_MS / 1000);
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
      responses: CHANGED,
      handler: async ({ params, auth }) => answer(call(s.stage, params.roomId, auth)),
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
      responses: CHANGED,
      handler: async ({ params, auth }) => answer(targeting('params.memberId', call(s.stage, params.roomId, auth, params.memberId))),
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
    defineRoute<z.infer<typeof EffectParams>, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId/stage/effects/:effectId',
      operationId: 'getStageEffect',
      summary: "One effect of a stage command on LiveKit and its status (the room's host, co-hosts, trust-and-safety staff)",
      tag: 'stage',
      auth: 'member',
      params: EffectParams,
      responses: { 200: { description: 'the effect as it stands', schema: Effect } },
      handler: async ({ params, auth }) => ({ body: await s.stage.effect(params.roomId, auth, params.effectId) }),
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
            'with `data:` the same JSON object GET /v1/rooms/{roomId}/stage returns. Every event carries `id:`, the ' +
            "room's event id (the same in every API process); an event this viewer does not get still advances it with " +
            'an `id:`-only line. Reconnecting with the `Last-Event-ID` header (EventSource does it) replays every event ' +
            'after that id, then goes on live: nothing missed, nothing twice, and no first stage event (unless the ' +
            'events after that id are past retention: then the stream starts again from the current stage). ' +
            '`: keep-alive` comments every 15 s. Moderators (host, co-hosts, staff) also get `event: stage_effect` with an effect ' +
            '(GET /v1/rooms/{roomId}/stage/effects/{effectId}) each time one is applied, retried or failed. ' +
            'Everyone gets `event: caption` for each stored utterance on stage (`data`: segmentId, speaker, text, startedAt, ' +
            'endedAt; `text` null and `withheld` true when moderation flagged it); moderators also get `event: moderation_flag` ' +
            '(speaker, categories, action, step, caseId, reason) when the room policy acts on an utterance. ' +
            'Everyone gets `event: moderation_undone` (actionId, undone, speaker, effect, publishRestored, by, at) when a host ' +
            'undoes an automatic action (POST /v1/rooms/{roomId}/moderation/actions/{actionId}/undo). ' +
            'The stream ends after the room ends (last stage_state has ended: true), ' +
            'with `event: stage_closed` and `data: {"reason": …}` when you are no longer in the room (`not_in_room`), ' +
            'when your session ends by logout or revocation (`session_ended`) or your access token expires ' +
            '(`session_expired`: open a new stream with a fresh token), and when the client disconnects. ' +
            'A member holding STAGE_EVENT_STREAMS_PER_MEMBER open streams is answered 429 too_many_streams with Retry-After.',
        },
      },
      handler: async ({ params, auth, ctx }) => {
        const resumeAfter = lastEventIdHeader(ctx.get('last-event-id'));
        const releaseSlot = streamSlots.acquire(auth.memberId);
        let head: number;
        let first: PublicStageState;
        try {
          // The head before the snapshot: an event committed in between is in the snapshot and comes again after
          // it (dropped by its version), never lost.
          head = await s.stage.lastEventId(params.roomId);
          first = await s.stage.snapshot(params.roomId, auth);
        } catch (err) {
          releaseSlot();
          throw err;
        }
        // An id this room never gave (another database, a typo) cannot be resumed: start from the stage.
        const resume = resumeAfter !== undefined && resumeAfter <= head ? resumeAfter : undefined;
        const stream = stageEventStream(s.stage, params.roomId, auth, releaseSlot);
        // Written straight to the socket (ctx.respond = false): Koa's stream piping would report every client that
        // goes away as a server error.
        ctx.respond = false;
        ctx.req.socket.setTimeout(0);
        ctx.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
        ctx.res.once('close', stream.close);
        stream.start(ctx.res, resume === undefined ? { first, id: head } : { after: resume, moderatorView: first.moderation !== undefined });
        // The stream lives only as long as the session that opened it.
        stream.onClose(
          watchSession(s.accounts, auth, { ended: stream.end, changed: stream.setViewer }, { recheckMs: HEARTBEAT_MS, log: s.log }),
        );
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
      responses: CHANGED,
      handler: async ({ params, body, auth }) => answer(s.stage.setHandRaising(params.roomId, auth, body.enabled)),
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
      responses: CHANGED,
      handler: async ({ params, body, auth }) => answer(targeting('body.memberId', s.stage.invite(params.roomId, auth, body.memberId))),
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
      responses: CHANGED,
      handler: async ({ params, body, auth }) => answer(targeting('params.memberId', s.stage.remove(params.roomId, auth, params.memberId, { ban: body.ban }))),
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
      responses: CHANGED,
      handler: async ({ params, body, auth }) => answer(s.stage.react(params.roomId, auth, body.emoji)),
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

/** The Last-Event-ID header: absent, or the id of the last event a client got. */
export function lastEventIdHeader(value: string): number | undefined {
  if (value === '') return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw ApiError.badRequest('validation_failed', 'Last-Event-ID must be an event id this stream sent (a non-negative integer)', [
      { field: 'header.Last-Event-ID', message: 'must be a non-negative integer' },
    ]);
  }
  return Number(value);
}

/** Where a stream starts: from the current stage (sent first, as event `id`), or right after an event the client has. */
type StreamStart = { first: PublicStageState; id: number } | { after: number; moderatorView: boolean };

interface StageEventStream {
  /** Starts writing to `sink`: the first state (or nothing, when resuming), then every event after it, in order. */
  start(sink: ServerResponse, from: StreamStart): void;
  /** Sends `event: stage_closed` with `reason`, then ends the stream. */
  end(reason: string): void;
  /** The viewer's standing changed (e.g. a platform role was revoked): show the stage as they may now see it, or end. */
  setViewer(fresh: Principal): void;
  /** Runs `cleanup` when the stream closes (at once if it already has). */
  onClose(cleanup: () => void): void;
  close(): void;
}

/** One client's stream of a room's events (the room event bus, through the stage service), as this viewer may see them. */
function stageEventStream(stage: Service, roomId: string, initialViewer: Principal, releaseSlot: () => void): StageEventStream {
  let viewer = initialViewer;
  /** Whether the last view sent was a moderator's (it carries `moderation`): flags go to moderators only. */
  let moderatorView = false;
  let sink: ServerResponse | undefined;
  let closed = false;
  let lastVersion = -1;
  let unsubscribe: () => void = () => undefined;
  const cleanups: (() => void)[] = [releaseSlot];

  const write = (chunk: string): void => {
    if (!closed && sink !== undefined && !sink.writableEnded) sink.write(chunk);
  };
  /** `id: N` alone: the client's Last-Event-ID moves past an event it does not get, so a resume does not resend it. */
  const skip = (id: number): void => write(`id: ${id}\n\n`);
  const idLine = (id: number | undefined): string => (id === undefined ? '' : `id: ${id}\n`);
  /** Writes a stage view (unless older than the one sent); returns whether it did. */
  const push = (view: PublicStageState, id: number | undefined, force = false): boolean => {
    if (view.version <= lastVersion && !view.ended && !force) return false;
    lastVersion = Math.max(lastVersion, view.version);
    moderatorView = view.moderation !== undefined;
    write(`event: stage_state\n${idLine(id)}data: ${JSON.stringify(view)}\n\n`);
    if (view.ended) close();
    return true;
  };
  const end = (reason: string): void => {
    write(`event: stage_closed\ndata: ${JSON.stringify({ reason })}\n\n`);
    close();
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (sink !== undefined && !sink.writableEnded) sink.end();
  };
  /** Reads the stage afresh for this viewer and sends it (a gap in the replay, a change of platform roles). */
  const refresh = (): void => {
    stage.snapshot(roomId, viewer).then(
      (view) => {
        if (!closed) push(view, undefined, true);
      },
      (err: unknown) => {
        // Refused: they may no longer see this stage. Anything else (the database) waits for the next change.
        if (err instanceof DomainError) end('not_in_room');
      },
    );
  };
  const onEvent = (event: RoomStreamEvent): void => {
    if (closed) return;
    switch (event.kind) {
      case 'gap':
        refresh();
        return;
      case 'stage_effect': {
        const { state, room, effect } = event.change;
        if (mayViewStage(state, room, viewer) && isModeratorView(state, room, viewer)) write(`event: stage_effect\nid: ${event.id}\ndata: ${JSON.stringify(effect)}\n\n`);
        else skip(event.id);
        return;
      }
      case 'stage_state': {
        const { state, room, reactions } = event.change;
        if (!mayViewStage(state, room, viewer)) {
          skip(event.id);
          end('not_in_room');
          return;
        }
        if (!push(publicStageView(state, room, viewer, reactions), event.id)) skip(event.id);
        return;
      }
      case 'caption':
        write(`event: caption\nid: ${event.id}\ndata: ${JSON.stringify(event.feed)}\n\n`);
        return;
      case 'moderation_undone':
        write(`event: moderation_undone\nid: ${event.id}\ndata: ${JSON.stringify(event.feed)}\n\n`);
        return;
      case 'moderation_flag':
        if (moderatorView) write(`event: moderation_flag\nid: ${event.id}\ndata: ${JSON.stringify(event.feed)}\n\n`);
        else skip(event.id);
        return;
    }
  };
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();

  return {
    close,
    end,
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    setViewer(fresh) {
      const before = viewer;
      viewer = fresh;
      // What this viewer may see depends on their platform roles: read the stage again as they are now.
      if (!closed && !sameRoles(before, fresh)) refresh();
    },
    start(target, from) {
      sink = target;
      if (closed) {
        target.end(); // closed between the first read and now
        return;
      }
      let after: number;
      if ('first' in from) {
        push(from.first, from.id);
        after = from.id;
      } else {
        moderatorView = from.moderatorView;
        after = from.after;
      }
      if (!closed) unsubscribe = stage.subscribe(roomId, onEvent, { after });
    },
  };
}

function sameRoles(a: Principal, b: Principal): boolean {
  return a.platformRoles.length === b.platformRoles.length && a.platformRoles.every((r) => b.platformRoles.includes(r));
}
