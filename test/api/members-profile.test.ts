// Profiles over HTTP: GET/PATCH /v1/me and GET /v1/members/:memberId, through the real stack.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

const JOB = { title: 'Head of Data', company: 'Acme', startYear: 2020, endYear: null, description: 'Analytics platform' };

function fields(body: { error?: { details?: { field?: string }[] } }): (string | undefined)[] {
  return body.error?.details?.map((d) => d.field) ?? [];
}

test('GET /v1/me returns your profile with email; PATCH changes only the given fields', async (t) => {
  const ada = await env.api.signUp('Ada');
  const me = await ada.client.get('/v1/me');
  t.is(me.status, 200, JSON.stringify(me.body));
  t.like(me.body, { id: ada.memberId, email: ada.email, displayName: 'Ada', headline: '', photoUrl: null, experience: [], connectionCount: 0 });
  t.false('passwordHash' in me.body || 'password_hash' in me.body);

  const patched = await ada.client.request('PATCH', '/v1/me', { headline: 'Data leader', photoUrl: 'https://cdn.example.com/ada.png', experience: [JOB] });
  t.is(patched.status, 200, JSON.stringify(patched.body));
  t.like(patched.body, { displayName: 'Ada', headline: 'Data leader', photoUrl: 'https://cdn.example.com/ada.png' });
  t.deepEqual(patched.body.experience, [JOB]);
  t.deepEqual((await ada.client.get('/v1/me')).body.experience, [JOB]);
});

test('PATCH /v1/me refuses a bad photoUrl or experience entry with 400 naming the field', async (t) => {
  const ada = await env.api.signUp('Ada');
  const http = await ada.client.request('PATCH', '/v1/me', { photoUrl: 'http://cdn.example.com/ada.png' });
  t.is(http.status, 400);
  t.is(http.body.error.code, 'validation_failed');
  t.deepEqual(fields(http.body), ['body.photoUrl']);

  const backwards = await ada.client.request('PATCH', '/v1/me', { experience: [JOB, { ...JOB, startYear: 2015, endYear: 2012 }] });
  t.is(backwards.status, 400);
  t.deepEqual(fields(backwards.body), ['body.experience.1.endYear']);

  const noTitle = await ada.client.request('PATCH', '/v1/me', { experience: [{ company: 'Acme', startYear: 2020 }] });
  t.is(noTitle.status, 400);
  t.deepEqual(fields(noTitle.body), ['body.experience.0.title']);

  const email = await ada.client.request('PATCH', '/v1/me', { email: 'taken@example.test' });
  t.is(email.status, 400, 'email is not a profile field');

  t.like((await ada.client.get('/v1/me')).body, { photoUrl: null, experience: [], email: ada.email }, 'nothing changed');
});

test('GET /v1/members/:memberId shows the public profile without email; unknown is 404, malformed is 400', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  await ada.client.request('PATCH', '/v1/me', { company: 'Acme', experience: [JOB] });

  const seen = await bob.client.get(`/v1/members/${ada.memberId}`);
  t.is(seen.status, 200, JSON.stringify(seen.body));
  t.like(seen.body, { id: ada.memberId, displayName: 'Ada', company: 'Acme', connectionCount: 0, relationship: { connection: 'none', blockedByYou: false } });
  t.deepEqual(seen.body.experience, [JOB]);
  t.false(JSON.stringify(seen.body).includes(ada.email), 'no email anywhere in the public profile');
  t.false('email' in seen.body);

  const unknown = await bob.client.get('/v1/members/00000000-0000-4000-8000-000000000000');
  t.is(unknown.status, 404);
  t.is(unknown.body.error.code, 'member_not_found');
  const malformed = await bob.client.get('/v1/members/ada');
  t.is(malformed.status, 400);
  t.deepEqual(fields(malformed.body), ['params.memberId']);
});

test('profile routes require a signed-in member', async (t) => {
  t.is((await env.api.get('/v1/me')).status, 401);
  t.is((await env.api.request('PATCH', '/v1/me', { headline: 'x' })).status, 401);
  t.is((await env.api.get('/v1/members/00000000-0000-4000-8000-000000000000')).status, 401);
});

test('the OpenAPI document describes the member and group routes', async (t) => {
  const doc = await env.api.get('/v1/openapi.json');
  t.is(doc.status, 200);
  for (const path of ['/v1/me', '/v1/members/{memberId}', '/v1/members/{memberId}/connection-requests', '/v1/me/blocks', '/v1/groups/{groupId}/members']) {
    t.truthy(doc.body.paths[path], path);
  }
  t.is(doc.body.paths['/v1/me'].patch.operationId, 'updateMyProfile');
});
