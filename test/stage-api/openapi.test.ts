// The OpenAPI document lists every stage route with its inputs, generated from the same schemas that validate them.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

test('every stage route is documented with its parameters, body and security', async (t) => {
  const doc = (await env.api.get('/v1/openapi.json')).body;
  const op = (path: string, method: string) => doc.paths[path]?.[method];
  const expected: [string, string, string][] = [
    ['/v1/rooms/{roomId}/stage', 'get', 'getStage'],
    ['/v1/rooms/{roomId}/stage/events', 'get', 'streamStage'],
    ['/v1/rooms/{roomId}/stage/hand', 'post', 'raiseHand'],
    ['/v1/rooms/{roomId}/stage/hand', 'delete', 'lowerHand'],
    ['/v1/rooms/{roomId}/stage/hands/{memberId}/approve', 'post', 'approveHand'],
    ['/v1/rooms/{roomId}/stage/hands/{memberId}/dismiss', 'post', 'dismissHand'],
    ['/v1/rooms/{roomId}/stage/hand-raising', 'put', 'setHandRaising'],
    ['/v1/rooms/{roomId}/stage/invites', 'post', 'inviteToStage'],
    ['/v1/rooms/{roomId}/stage/invite/accept', 'post', 'acceptStageInvite'],
    ['/v1/rooms/{roomId}/stage/invite/decline', 'post', 'declineStageInvite'],
    ['/v1/rooms/{roomId}/stage/participants/{memberId}/move-to-audience', 'post', 'moveToAudience'],
    ['/v1/rooms/{roomId}/stage/leave', 'post', 'leaveStage'],
    ['/v1/rooms/{roomId}/stage/participants/{memberId}/mute', 'post', 'muteParticipant'],
    ['/v1/rooms/{roomId}/stage/participants/{memberId}/remove', 'post', 'removeParticipant'],
    ['/v1/rooms/{roomId}/stage/participants/{memberId}/cohost', 'post', 'promoteCohost'],
    ['/v1/rooms/{roomId}/stage/participants/{memberId}/cohost', 'delete', 'demoteCohost'],
    ['/v1/rooms/{roomId}/stage/reactions', 'post', 'sendReaction'],
    ['/v1/rooms/{roomId}/end', 'post', 'endRoom'],
  ];
  for (const [path, method, operationId] of expected) {
    const o = op(path, method);
    t.is(o?.operationId, operationId, `${method} ${path}`);
    t.deepEqual(o.security, [{ bearer: [] }, { apiKey: [] }], `${operationId} needs a member`);
    const pathParams = o.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
    t.deepEqual(pathParams, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]), `${operationId} path parameters`);
  }
  const body = (path: string, method: string) => op(path, method).requestBody.content['application/json'].schema;
  t.deepEqual(body('/v1/rooms/{roomId}/stage/hand-raising', 'put').required, ['enabled']);
  t.deepEqual(body('/v1/rooms/{roomId}/stage/invites', 'post').required, ['memberId']);
  t.deepEqual(body('/v1/rooms/{roomId}/stage/reactions', 'post').required, ['emoji']);
  t.is(body('/v1/rooms/{roomId}/stage/participants/{memberId}/remove', 'post').properties.ban.default, true);
  t.regex(op('/v1/rooms/{roomId}/stage/events', 'get').responses['200'].description, /text\/event-stream/);
  t.truthy(op('/v1/rooms/{roomId}/stage', 'get').responses['200'].content['application/json'].schema.properties.onStage);
});
