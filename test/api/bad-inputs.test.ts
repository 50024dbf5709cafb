// Auth, members, connections, groups, admin and trust-and-safety endpoints refuse malformed input with 400 naming the field, and
// write nothing in any table (the rooms endpoints have their own file, test/rooms/bad-inputs.test.ts).
// Serial: each check compares every table before and after, so no other test may write meanwhile.
import test from 'ava';
import type { ApiClient } from '../support/api-client.js';
import { assertRefusedAndNothingWritten, type BadInput } from '../support/bad-input.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;
let member: ApiClient;
let admin: ApiClient;
let owner: ApiClient;
let groupId: string;
let otherId: string;
let roomId: string;
let ownerId: string;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
  member = (await env.api.signUp('Bea Bad')).client;
  const other = await env.api.signUp('Oto Other');
  otherId = other.memberId;
  const a = await env.api.signUp('Ada Admin');
  await env.stack.database.pool.query("UPDATE members SET platform_roles = ARRAY['member','admin'] WHERE id = $1", [a.memberId]);
  admin = await env.api.logIn(a.email);
  const o = await env.api.signUp('Owen Owner');
  owner = o.client;
  ownerId = o.memberId;
  const group = await owner.post('/v1/groups', { name: 'Data leaders' });
  if (group.status !== 201) throw new Error(`create group: ${group.status} ${JSON.stringify(group.body)}`);
  groupId = group.body.id;
  const room = await owner.post('/v1/rooms', { title: 'Owned room' });
  if (room.status !== 201) throw new Error(`create room: ${room.status} ${JSON.stringify(room.body)}`);
  roomId = room.body.id;
  const joined = await other.client.post(`/v1/groups/${groupId}/join`);
  if (joined.status !== 201) throw new Error(`join group: ${joined.status} ${JSON.stringify(joined.body)}`);
});
test.after.always(() => env?.stop());

const PASSWORD = 'correct horse battery staple';
const email = () => `new.${Math.random().toString(36).slice(2, 8)}@example.test`;
type Who = 'anonymous' | 'member' | 'admin' | 'owner';
type Case = BadInput & { as: Who; build?: () => Partial<BadInput> };

const cases: Case[] = [
  // auth
  { as: 'anonymous', name: 'sign up without email', method: 'POST', path: '/v1/auth/signup', body: { password: PASSWORD, displayName: 'X' }, field: 'body.email' },
  { as: 'anonymous', name: 'sign up with a malformed email', method: 'POST', path: '/v1/auth/signup', body: { email: 'not-an-email', password: PASSWORD, displayName: 'X' }, field: 'body.email' },
  { as: 'anonymous', name: 'sign up with a 9-character password', method: 'POST', path: '/v1/auth/signup', field: 'body.password', build: () => ({ body: { email: email(), password: 'k7#mQ2!xz', displayName: 'X' } }) },
  { as: 'anonymous', name: 'sign up with a 257-character password', method: 'POST', path: '/v1/auth/signup', field: 'body.password', build: () => ({ body: { email: email(), password: 'k7#mQ2!xz'.repeat(29).slice(0, 257), displayName: 'X' } }) },
  { as: 'anonymous', name: 'sign up with a repetitive password', method: 'POST', path: '/v1/auth/signup', field: 'password', code: 'weak_password', build: () => ({ body: { email: email(), password: 'aaaaaaaaaaaa', displayName: 'X' } }) },
  { as: 'anonymous', name: 'sign up without a display name', method: 'POST', path: '/v1/auth/signup', field: 'body.displayName', build: () => ({ body: { email: email(), password: PASSWORD } }) },
  { as: 'anonymous', name: 'sign up with a body that is not JSON', method: 'POST', path: '/v1/auth/signup', body: '{"email": ', headers: { 'content-type': 'application/json' }, field: 'body', code: 'invalid_json' },
  { as: 'anonymous', name: 'sign up without a body', method: 'POST', path: '/v1/auth/signup', field: 'body' },
  { as: 'anonymous', name: 'log in without a password', method: 'POST', path: '/v1/auth/login', body: { email: 'a@example.test' }, field: 'body.password' },
  { as: 'anonymous', name: 'refresh with a short token', method: 'POST', path: '/v1/auth/refresh', body: { refreshToken: 'abc' }, field: 'body.refreshToken' },
  { as: 'member', name: 'create an API key with a blank name', method: 'POST', path: '/v1/api-keys', body: { name: '  ' }, field: 'body.name' },
  { as: 'member', name: 'revoke an API key with a malformed id', method: 'DELETE', path: '/v1/api-keys/zz', field: 'params.keyId' },
  // members
  { as: 'member', name: 'profile photo over plain http', method: 'PATCH', path: '/v1/me', body: { photoUrl: 'http://cdn.example.com/a.png' }, field: 'body.photoUrl' },
  { as: 'member', name: 'profile with an unknown field', method: 'PATCH', path: '/v1/me', body: { email: 'x@example.test' }, field: 'body.email' },
  { as: 'member', name: 'experience ending before it starts', method: 'PATCH', path: '/v1/me', body: { experience: [{ title: 'CTO', company: 'Acme', startYear: 2020, endYear: 2010 }] }, field: 'body.experience.0.endYear' },
  { as: 'member', name: 'member profile with a malformed id', method: 'GET', path: '/v1/members/42', field: 'params.memberId' },
  // connections and blocks
  { as: 'member', name: 'connection request to a malformed id', method: 'POST', path: '/v1/members/nobody/connection-requests', field: 'params.memberId' },
  { as: 'member', name: 'connection requests in an unknown direction', method: 'GET', path: '/v1/me/connection-requests?direction=sideways', field: 'query.direction' },
  { as: 'member', name: 'connections with limit 0', method: 'GET', path: '/v1/me/connections?limit=0', field: 'query.limit' },
  { as: 'member', name: 'connections with a forged cursor', method: 'GET', path: '/v1/me/connections?cursor=abc', field: 'query.cursor' },
  { as: 'member', name: 'accept a malformed request id', method: 'POST', path: '/v1/connection-requests/1/accept', field: 'params.requestId' },
  { as: 'member', name: 'decline a malformed request id', method: 'POST', path: '/v1/connection-requests/1/decline', field: 'params.requestId' },
  { as: 'member', name: 'cancel a malformed request id', method: 'DELETE', path: '/v1/connection-requests/1', field: 'params.requestId' },
  { as: 'member', name: 'remove a connection by a malformed id', method: 'DELETE', path: '/v1/me/connections/1', field: 'params.memberId' },
  { as: 'member', name: 'block a malformed id', method: 'POST', path: '/v1/members/1/block', field: 'params.memberId' },
  // groups
  { as: 'member', name: 'create a group without a name', method: 'POST', path: '/v1/groups', body: { description: 'x' }, field: 'body.name' },
  { as: 'member', name: 'create a group with a NUL character in its description', method: 'POST', path: '/v1/groups', body: { name: 'G', description: 'a\u0000b' }, field: 'body.description' },
  { as: 'anonymous', name: 'sign up with a NUL character in the display name', method: 'POST', path: '/v1/auth/signup', field: 'body.displayName', build: () => ({ body: { email: email(), password: PASSWORD, displayName: 'X\u0000Y' } }) },
  { as: 'member', name: 'create a group with an unknown visibility', method: 'POST', path: '/v1/groups', body: { name: 'G', visibility: 'secret' }, field: 'body.visibility' },
  { as: 'member', name: 'create a group with an unknown field', method: 'POST', path: '/v1/groups', body: { name: 'G', color: 'red' }, field: 'body.color' },
  { as: 'member', name: 'list groups by an unknown visibility', method: 'GET', path: '/v1/groups?visibility=hidden', field: 'query.visibility' },
  { as: 'member', name: 'get a group by a malformed id', method: 'GET', path: '/v1/groups/abc', field: 'params.groupId' },
  { as: 'owner', name: 'rename a group to blank', method: 'PATCH', path: '/v1/groups/GROUP', body: { name: ' ' }, field: 'body.name' },
  { as: 'owner', name: 'update a group with an unknown field', method: 'PATCH', path: '/v1/groups/GROUP', body: { ownerId: 'x' }, field: 'body.ownerId' },
  { as: 'owner', name: 'give a member an unknown role', method: 'PATCH', path: '/v1/groups/GROUP/members/OTHER', body: { role: 'king' }, field: 'body.role' },
  { as: 'owner', name: 'change the role of a malformed member id', method: 'PATCH', path: '/v1/groups/GROUP/members/x', body: { role: 'admin' }, field: 'params.memberId' },
  { as: 'owner', name: 'invite a malformed member id', method: 'POST', path: '/v1/groups/GROUP/invitations', body: { memberId: 'x' }, field: 'body.memberId' },
  { as: 'member', name: 'accept a malformed invitation id', method: 'POST', path: '/v1/group-invitations/x/accept', field: 'params.invitationId' },
  // matching profile (more in test/matching-profile/profile-bad-inputs.test.ts)
  { as: 'member', name: 'matching experience without a role', method: 'PUT', path: '/v1/me/matching/profile', body: { experience: [{ company: 'Acme', years: 2 }] }, field: 'body.experience.0.role' },
  { as: 'member', name: 'matching profile with an unknown time zone', method: 'PUT', path: '/v1/me/matching/profile', body: { timeZone: 'Mars/Olympus_Mons' }, field: 'body.timeZone' },
  { as: 'member', name: 'availability range ending before it starts', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { ranges: [{ day: 'mon', start: '11:00', end: '09:30' }] } }, field: 'body.availability.ranges.0.end' },
  { as: 'member', name: 'availability with an unknown preset', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { parts: ['lunchtimes'] } }, field: 'body.availability.parts.0' },
  { as: 'member', name: 'member photo with a malformed id', method: 'GET', path: '/v1/members/42/photo', field: 'params.memberId' },
  // matching suggestions and notifications
  { as: 'member', name: 'snooze for zero days', method: 'POST', path: '/v1/me/matching/suggestions/00000000-0000-4000-8000-000000000000/snooze', body: { days: 0 }, field: 'body.days' },
  { as: 'member', name: 'snooze with an unknown field', method: 'POST', path: '/v1/me/matching/suggestions/00000000-0000-4000-8000-000000000000/snooze', body: { days: 2, forever: true }, field: 'body.forever' },
  { as: 'member', name: 'accept a suggestion id that is not a uuid', method: 'POST', path: '/v1/me/matching/suggestions/abc/accept', field: 'params.id' },
  { as: 'member', name: 'notifications with a bad cursor', method: 'GET', path: '/v1/me/notifications?cursor=x', field: 'query.cursor' },
  { as: 'member', name: 'photo upload as image/gif', method: 'POST', path: '/v1/me/matching/photo', body: 'GIF89a', headers: { 'content-type': 'image/gif' }, field: 'header.Content-Type', status: 415, code: 'unsupported_media_type' },
  // admin
  { as: 'admin', name: 'set an unknown platform role', method: 'PUT', path: '/v1/admin/members/OTHER/roles', body: { roles: ['root'] }, field: 'body.roles.0' },
  { as: 'admin', name: 'set roles without roles', method: 'PUT', path: '/v1/admin/members/OTHER/roles', body: {}, field: 'body.roles' },
  { as: 'admin', name: 'set roles that are not a list', method: 'PUT', path: '/v1/admin/members/OTHER/roles', body: { roles: 'admin' }, field: 'body.roles' },
  { as: 'admin', name: 'set roles of a malformed member id', method: 'PUT', path: '/v1/admin/members/7/roles', body: { roles: ['member'] }, field: 'params.memberId' },
  // trust and safety: staff
  { as: 'admin', name: 'case queue with an unknown status', method: 'GET', path: '/v1/moderation/cases?status=closed', field: 'query.status' },
  { as: 'admin', name: 'case queue with an unknown category', method: 'GET', path: '/v1/moderation/cases?category=rudeness', field: 'query.category' },
  { as: 'admin', name: 'case queue with limit 0', method: 'GET', path: '/v1/moderation/cases?limit=0', field: 'query.limit' },
  { as: 'admin', name: 'case queue older than a non-date', method: 'GET', path: '/v1/moderation/cases?olderThan=yesterday', field: 'query.olderThan' },
  { as: 'admin', name: 'case queue with a forged cursor', method: 'GET', path: '/v1/moderation/cases?cursor=abc', field: 'query.cursor' },
  { as: 'admin', name: 'case queue by a malformed member id', method: 'GET', path: '/v1/moderation/cases?memberId=7', field: 'query.memberId' },
  { as: 'admin', name: 'case by a malformed id', method: 'GET', path: '/v1/moderation/cases/abc', field: 'params.caseId' },
  { as: 'admin', name: 'claim a malformed case id', method: 'POST', path: '/v1/moderation/cases/abc/claim', field: 'params.caseId' },
  { as: 'admin', name: 'renew a lease on a malformed case id', method: 'POST', path: '/v1/moderation/cases/abc/lease/renew', field: 'params.caseId' },
  { as: 'admin', name: 'release a malformed case id', method: 'POST', path: '/v1/moderation/cases/abc/release', field: 'params.caseId' },
  { as: 'admin', name: 'a blank case note', method: 'POST', path: '/v1/moderation/cases/CASE/notes', body: { text: '   ' }, field: 'body.text' },
  { as: 'admin', name: 'a case note visible to "yes"', method: 'POST', path: '/v1/moderation/cases/CASE/notes', body: { text: 'x', visibleToMember: 'yes' }, field: 'body.visibleToMember' },
  { as: 'admin', name: 'an unknown decision', method: 'POST', path: '/v1/moderation/cases/CASE/decision', body: { decision: 'execute', reason: 'x' }, field: 'body.decision' },
  { as: 'admin', name: 'a suspension without a duration', method: 'POST', path: '/v1/moderation/cases/CASE/decision', body: { decision: 'suspend', reason: 'x' }, field: 'body.durationSeconds' },
  { as: 'admin', name: 'a warning with a duration', method: 'POST', path: '/v1/moderation/cases/CASE/decision', body: { decision: 'warn', reason: 'x', durationSeconds: 60 }, field: 'body.durationSeconds' },
  { as: 'admin', name: 'a suspension of 0 seconds', method: 'POST', path: '/v1/moderation/cases/CASE/decision', body: { decision: 'suspend', reason: 'x', durationSeconds: 0 }, field: 'body.durationSeconds' },
  { as: 'admin', name: 'a decision without a reason', method: 'POST', path: '/v1/moderation/cases/CASE/decision', body: { decision: 'ban' }, field: 'body.reason' },
  { as: 'admin', name: 'a decision with an unknown field', method: 'POST', path: '/v1/moderation/cases/CASE/decision', body: { decision: 'ban', reason: 'x', severity: 9 }, field: 'body.severity' },
  { as: 'admin', name: 'bulk decisions on no cases', method: 'POST', path: '/v1/moderation/decisions', body: { caseIds: [], decision: 'warn', reason: 'x' }, field: 'body.caseIds' },
  { as: 'admin', name: 'bulk decisions naming a case twice', method: 'POST', path: '/v1/moderation/decisions', body: { caseIds: ['CASE', 'CASE'], decision: 'warn', reason: 'x' }, field: 'body.caseIds' },
  { as: 'admin', name: 'bulk decisions on a malformed case id', method: 'POST', path: '/v1/moderation/decisions', body: { caseIds: ['x'], decision: 'warn', reason: 'x' }, field: 'body.caseIds.0' },
  { as: 'admin', name: 'an appeal outcome of "maybe"', method: 'POST', path: '/v1/moderation/appeals/CASE/resolve', body: { outcome: 'maybe', reason: 'x' }, field: 'body.outcome' },
  { as: 'admin', name: 'resolve an appeal by a malformed id', method: 'POST', path: '/v1/moderation/appeals/x/resolve', body: { outcome: 'upheld', reason: 'x' }, field: 'params.caseId' },
  { as: 'admin', name: 'transcript search without words', method: 'GET', path: '/v1/moderation/transcripts', field: 'query.q' },
  { as: 'admin', name: 'transcript search until before since', method: 'GET', path: '/v1/moderation/transcripts?q=x&since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', field: 'query.until' },
  { as: 'admin', name: 'transcript search before a non-id', method: 'GET', path: '/v1/moderation/transcripts?q=x&before=abc', field: 'query.before' },
  { as: 'admin', name: 'evidence by a malformed clip id', method: 'GET', path: '/v1/moderation/evidence/abc', field: 'params.clipId' },
  { as: 'admin', name: 'evidence by a clip id beyond bigint', method: 'GET', path: '/v1/moderation/evidence/99999999999999999999', field: 'params.clipId' },
  { as: 'admin', name: 'evidence for a malformed case id', method: 'GET', path: '/v1/moderation/evidence/1?caseId=x', field: 'query.caseId' },
  { as: 'admin', name: 'audit log by a malformed actor id', method: 'GET', path: '/v1/admin/audit?actorId=x', field: 'query.actorId' },
  { as: 'admin', name: 'audit log by a subject kind without an id', method: 'GET', path: '/v1/admin/audit?subjectKind=case', field: 'query.subjectId' },
  { as: 'admin', name: 'audit log by a malformed action', method: 'GET', path: '/v1/admin/audit?action=DROP', field: 'query.action' },
  // trust and safety: members and rooms
  { as: 'member', name: 'appeal a malformed decision id', method: 'POST', path: '/v1/me/decisions/x/appeal', body: { text: 'unfair' }, field: 'params.decisionId' },
  { as: 'member', name: 'a blank appeal', method: 'POST', path: '/v1/me/decisions/CASE/appeal', body: { text: ' ' }, field: 'body.text' },
  { as: 'member', name: 'report for an unknown reason', method: 'POST', path: '/v1/rooms/ROOM/reports', body: { reason: 'rude' }, field: 'body.reason' },
  { as: 'member', name: 'report a malformed member id', method: 'POST', path: '/v1/rooms/ROOM/reports', body: { memberId: 'x', reason: 'spam' }, field: 'body.memberId' },
  { as: 'member', name: 'report in a malformed room id', method: 'POST', path: '/v1/rooms/x/reports', body: { reason: 'spam' }, field: 'params.roomId' },
  { as: 'owner', name: 'report yourself', method: 'POST', path: '/v1/rooms/ROOM/reports', body: { memberId: 'OWNER', reason: 'spam' }, field: 'memberId', code: 'self_report' },
  { as: 'owner', name: 'a room policy threshold above 1', method: 'PUT', path: '/v1/rooms/ROOM/moderation-policy', body: { categories: { insult: { threshold: 2 } } }, field: 'body.categories.insult.threshold' },
  { as: 'owner', name: 'a room policy for an unknown category', method: 'PUT', path: '/v1/rooms/ROOM/moderation-policy', body: { categories: { rudeness: { threshold: 0.5 } } }, field: 'body.categories.rudeness' },
  { as: 'owner', name: 'a room policy with an unknown field', method: 'PUT', path: '/v1/rooms/ROOM/moderation-policy', body: { version: 'mine' }, field: 'body.version' },
  { as: 'owner', name: 'a room policy loosening the threat floor', method: 'PUT', path: '/v1/rooms/ROOM/moderation-policy', body: { categories: { threat: { threshold: 1 } } }, field: 'body.categories.threat.threshold', code: 'invalid_policy' },
  { as: 'owner', name: 'a room policy weakening the threat action', method: 'PUT', path: '/v1/rooms/ROOM/moderation-policy', body: { categories: { threat: { action: 'log' } } }, field: 'body.categories.threat.action', code: 'invalid_policy' },
];

const CASE_PLACEHOLDER = '7a0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';

for (const c of cases) {
  test.serial(`${c.name} -> ${c.status ?? 400} naming ${c.field}`, async (t) => {
    const client = { anonymous: env.api, member, admin, owner }[c.as];
    const built: BadInput = { ...c, ...c.build?.() };
    const body = built.body === undefined || typeof built.body === 'string' ? built.body : JSON.parse(JSON.stringify(built.body).replaceAll('CASE', CASE_PLACEHOLDER).replaceAll('OWNER', ownerId));
    await assertRefusedAndNothingWritten(t, env.stack.database.pool, client, {
      ...built,
      body,
      path: built.path.replace('GROUP', groupId).replace('OTHER', otherId).replace('ROOM', roomId).replace('CASE', CASE_PLACEHOLDER),
    });
  });
}
