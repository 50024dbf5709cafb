// Matching profile and availability inputs that are refused with 400 naming the field, writing nothing.
// Serial: each check compares every table before and after.
import test from 'ava';
import { assertRefusedAndNothingWritten, type BadInput } from '../support/bad-input.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { signUp, type Member } from './_fixtures.js';

let env: TestStack;
let m: Member;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
  m = await signUp(env, 'Pat Profile');
});
test.after.always(() => env?.stop());

const entry = { role: 'CTO', company: 'Acme', years: 3, description: 'x' };
const week = { parts: ['weekday_mornings'] };

const cases: BadInput[] = [
  { name: 'profile with an unknown field', method: 'PUT', path: '/v1/me/matching/profile', body: { nickname: 'x' }, field: 'body.nickname' },
  { name: 'experience without a role', method: 'PUT', path: '/v1/me/matching/profile', body: { experience: [{ company: 'Acme', years: 2 }] }, field: 'body.experience.0.role' },
  { name: 'experience with negative years', method: 'PUT', path: '/v1/me/matching/profile', body: { experience: [{ ...entry, years: -1 }] }, field: 'body.experience.0.years' },
  { name: 'experience with years as text', method: 'PUT', path: '/v1/me/matching/profile', body: { experience: [{ ...entry, years: 'ten' }] }, field: 'body.experience.0.years' },
  { name: 'a blank skill', method: 'PUT', path: '/v1/me/matching/profile', body: { skills: ['Go', '  '] }, field: 'body.skills.1' },
  { name: 'offers that are not a list', method: 'PUT', path: '/v1/me/matching/profile', body: { offers: 'hiring' }, field: 'body.offers' },
  { name: '21 seeks', method: 'PUT', path: '/v1/me/matching/profile', body: { seeks: Array.from({ length: 21 }, (_, i) => `goal ${i}`) }, field: 'body.seeks' },
  { name: 'a language that is not a BCP 47 tag', method: 'PUT', path: '/v1/me/matching/profile', body: { languages: ['english!'] }, field: 'body.languages.0' },
  { name: 'an unknown time zone in the profile', method: 'PUT', path: '/v1/me/matching/profile', body: { timeZone: 'Mars/Olympus_Mons' }, field: 'body.timeZone' },
  { name: 'a headline with a NUL character', method: 'PUT', path: '/v1/me/matching/profile', body: { headline: 'a\u0000b' }, field: 'body.headline' },
  { name: 'availability without a time zone', method: 'PUT', path: '/v1/me/matching/availability', body: { availability: week }, field: 'body.timeZone' },
  { name: 'availability with a UTC offset instead of a zone', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: '+02:00', availability: week }, field: 'body.timeZone' },
  { name: 'an unknown preset', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { parts: ['lunchtimes'] } }, field: 'body.availability.parts.0' },
  { name: 'a part of the day on an unknown weekday', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { parts: [{ days: ['tue', 'funday'], part: 'evening' }] } }, field: 'body.availability.parts.0' },
  { name: 'a range ending before it starts', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { ranges: [{ day: 'mon', start: '11:00', end: '09:30' }] } }, field: 'body.availability.ranges.0.end' },
  { name: 'a range at 25:00', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { ranges: [{ day: 'mon', start: '09:00', end: '25:00' }] } }, field: 'body.availability.ranges.0.end' },
  { name: 'an exception on 31 February', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { ...week, exceptions: ['2026-02-31'] } }, field: 'body.availability.exceptions.0' },
  { name: 'an availability with an unknown field', method: 'PUT', path: '/v1/me/matching/availability', body: { timeZone: 'Europe/Rome', availability: { ...week, always: true } }, field: 'body.availability.always' },
  { name: 'photo of a malformed member id', method: 'GET', path: '/v1/members/42/photo', field: 'params.memberId' },
  { name: 'intro of a malformed member id', method: 'GET', path: '/v1/members/42/intro', field: 'params.memberId' },
];

for (const c of cases) {
  test.serial(`${c.name} -> 400 naming ${c.field}`, async (t) => {
    await assertRefusedAndNothingWritten(t, env.stack.database.pool, m.client, c);
  });
}

test.serial('a valid profile and availability are accepted (the cases above differ from it in one field)', async (t) => {
  const p = await m.client.request('PUT', '/v1/me/matching/profile', { experience: [entry], skills: ['Go'], offers: ['hiring'], seeks: ['mentoring'], languages: ['en', 'pt-BR'], timeZone: 'Asia/Kolkata' });
  t.is(p.status, 200, JSON.stringify(p.body));
  const a = await m.client.request('PUT', '/v1/me/matching/availability', { timeZone: 'Europe/Rome', availability: { ...week, ranges: [{ day: 'sun', start: '22:00', end: '24:00' }], exceptions: ['2028-02-29'] } });
  t.is(a.status, 200, JSON.stringify(a.body));
});
