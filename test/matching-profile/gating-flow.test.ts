// Through the API: a new member's status names every unmet criterion with its reason and fix; fixing them one by
// one (profile, availability, connections, photo, intro, opt-in) makes them matchable. A suspension makes them
// unmatchable again. The engine surface the suggestion engine uses (matchProfile, isMatchable, listMatchable,
// onProfileChanged) agrees.
import test from 'ava';
import { SanctionStore } from '../../engine/sanctions/sanction-store.js';
import { MatchingProfileService, type MatchingProfileTexts } from '../../engine/matching/matching-profile-service.js';
import { SocialService } from '../../engine/social/index.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { connect, FACE_IMAGE, image, LONG_DESCRIPTION, signUp, speechWav, upload, type Member } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

type Criterion = { criterion: string; met: boolean; reason: string; fix: string | null };
const unmet = (body: { criteria: Criterion[] }) => body.criteria.filter((c) => !c.met).map((c) => c.criterion);
const find = (body: { criteria: Criterion[] }, name: string) => body.criteria.find((c) => c.criterion === name)!;

function engine(): MatchingProfileService {
  const pool = env.stack.database.pool;
  return new MatchingProfileService({
    pool,
    limits: env.config.matching,
    restrictions: new SanctionStore(pool),
    blocks: new SocialService(pool),
    introModels: () => Promise.reject(new Error('not used here')),
  });
}

test.serial('a member goes from nothing to matchable, each criterion explained on the way', async (t) => {
  const ada = await signUp(env, 'Ada Gated');
  const friends: Member[] = [];
  for (const n of ['Fay One', 'Gus Two', 'Hal Three']) friends.push(await signUp(env, n));

  let status = (await ada.client.get('/v1/me/matching/status')).body;
  t.false(status.matchable);
  t.deepEqual(unmet(status), ['photo', 'connections', 'experience', 'intro', 'availability', 'opted_in']);
  t.true(find(status, 'good_standing').met);
  for (const c of status.criteria.filter((x: Criterion) => !x.met)) {
    t.true(c.reason.length > 10, `${c.criterion} reason`);
    t.true((c.fix ?? '').length > 10, `${c.criterion} fix`);
  }
  t.regex(find(status, 'connections').reason, /0 connections; matching needs at least 3/);

  // Experience with a short description does not count yet.
  const profile = {
    headline: 'Head of data engineering',
    experience: [{ role: 'Head of Data', company: 'Acme', years: 4, description: 'Data things.' }],
    skills: ['Kafka', 'PostgreSQL'],
    offers: ['hiring data engineers', 'scaling streaming platforms'],
    seeks: ['a mentor for moving into a VP role'],
    languages: ['en', 'it'],
  };
  let put = await ada.client.request('PUT', '/v1/me/matching/profile', profile);
  t.is(put.status, 200, JSON.stringify(put.body));
  status = (await ada.client.get('/v1/me/matching/status')).body;
  t.regex(find(status, 'experience').reason, /\(1 shorter\)/);
  t.regex(find(status, 'experience').fix ?? '', /describe what you did in one of your roles in at least 80 characters/);
  put = await ada.client.request('PUT', '/v1/me/matching/profile', { ...profile, experience: [{ ...profile.experience[0], description: LONG_DESCRIPTION }] });
  t.is(put.status, 200);
  t.deepEqual(put.body.experience[0], { role: 'Head of Data', company: 'Acme', years: 4, description: LONG_DESCRIPTION });
  t.deepEqual(put.body.languages, ['en', 'it']);

  // Time zone alone is not availability.
  const avail = await ada.client.request('PUT', '/v1/me/matching/availability', {
    timeZone: 'Europe/Rome',
    availability: { parts: ['weekday_mornings', { days: ['tue', 'thu'], part: 'evening' }], ranges: [{ day: 'sat', start: '09:30', end: '11:00' }], exceptions: ['2026-12-25'] },
  });
  t.is(avail.status, 200, JSON.stringify(avail.body));
  t.is(avail.body.timeZone, 'Europe/Rome');
  t.deepEqual(avail.body.availability.parts, ['weekday_mornings', { days: ['tue', 'thu'], part: 'evening' }]);
  // A later profile PUT without timeZone keeps it.
  t.is((await ada.client.request('PUT', '/v1/me/matching/profile', { ...profile, experience: put.body.experience })).body.timeZone, 'Europe/Rome');

  await connect(ada, friends.slice(0, 2));
  status = (await ada.client.get('/v1/me/matching/status')).body;
  t.deepEqual(unmet(status), ['photo', 'connections', 'intro', 'opted_in']);
  t.regex(find(status, 'connections').fix ?? '', /1 more member\b/);
  await connect(ada, friends.slice(2));

  t.is((await upload(ada, '/v1/me/matching/photo', await image(FACE_IMAGE), 'image/png')).status, 201);
  const intro = await upload(ada, '/v1/me/matching/intro', await speechWav('Hi, I am Ada, and I would love to talk about streaming data platforms.'), 'audio/wav');
  t.is(intro.status, 201, JSON.stringify(intro.body));

  status = (await ada.client.get('/v1/me/matching/status')).body;
  t.deepEqual(unmet(status), ['opted_in']);
  t.false(await engine().isMatchable(ada.memberId));

  const optIn = await ada.client.post('/v1/me/matching/opt-in');
  t.is(optIn.status, 200);
  t.true(optIn.body.matchable, JSON.stringify(optIn.body));
  t.true(optIn.body.criteria.every((c: Criterion) => c.met && c.fix === null));

  // The engine surface agrees.
  const svc = engine();
  t.true(await svc.isMatchable(ada.memberId));
  const mp = await svc.matchProfile(ada.memberId);
  t.is(mp?.timeZone, 'Europe/Rome');
  t.deepEqual(mp?.offers, profile.offers);
  t.regex(mp?.texts.introTranscript ?? '', /streaming/i);
  const listed = await svc.listMatchable({ limit: 50 });
  t.deepEqual(listed.items.map((i) => i.memberId), [ada.memberId], 'only the gated, opted-in member is listed');

  // A suspension: not matchable, saying until when; listMatchable leaves her out.
  await new SanctionStore(env.stack.database.pool).impose(env.stack.database.pool, { memberId: ada.memberId, kind: 'suspend', reason: 'test', durationSeconds: 3600 });
  status = (await ada.client.get('/v1/me/matching/status')).body;
  t.false(status.matchable);
  t.deepEqual(unmet(status), ['good_standing']);
  t.regex(find(status, 'good_standing').reason, /suspended until \d{4}-/);
  t.deepEqual((await svc.listMatchable()).items, []);

  // Opting out keeps the profile.
  const out = await ada.client.post('/v1/me/matching/opt-out');
  t.true(unmet(out.body).includes('opted_in'));
  t.is((await ada.client.get('/v1/me/matching/profile')).body.headline, profile.headline);
});

test.serial('onProfileChanged is called after a profile, availability or opt-in change commits, with the texts to embed', async (t) => {
  const m = await signUp(env, 'Ivy Hook');
  const svc = engine();
  const seen: { memberId: string; texts: MatchingProfileTexts; kind: string }[] = [];
  const off = svc.onProfileChanged((memberId, texts, kind) => {
    seen.push({ memberId, texts, kind });
  });
  svc.onProfileChanged(() => {
    throw new Error('a failing listener does not fail the change');
  });
  await svc.putProfile(m.memberId, { headline: 'CTO', offers: ['architecture reviews'], seeks: ['a co-founder'] });
  await svc.putAvailability(m.memberId, { timeZone: 'America/New_York', availability: { parts: ['weekend_mornings'] } });
  await svc.setOptIn(m.memberId, true);
  await svc.idle();
  t.deepEqual(seen.map((s) => s.kind), ['profile', 'availability', 'opt_in']);
  t.is(seen[0]!.memberId, m.memberId);
  t.deepEqual(seen[0]!.texts.offers, ['architecture reviews']);
  t.deepEqual(seen[0]!.texts.seeks, ['a co-founder']);
  off();
  await svc.setOptIn(m.memberId, false);
  await svc.idle();
  t.is(seen.length, 3, 'an unsubscribed listener is not called');
  // The engine validates direct callers too, naming the field.
  const err = await t.throwsAsync(svc.putAvailability(m.memberId, { timeZone: 'Mars/Olympus', availability: {} }));
  t.regex(err!.message, /availability\.timeZone/);
  const err2 = await t.throwsAsync(svc.putAvailability(m.memberId, { timeZone: 'Europe/Rome', availability: { ranges: [{ day: 'mon', start: '11:00', end: '10:00' }] } }));
  t.regex(err2!.message, /availability\.ranges\.0\.end/);
});

test.serial('listMatchable pages by member id', async (t) => {
  const svc = engine();
  const page = await svc.listMatchable({ afterId: '00000000-0000-4000-8000-000000000000', limit: 1 });
  t.true(Array.isArray(page.items));
  t.true(page.items.length <= 1);
  await t.throwsAsync(svc.listMatchable({ limit: 0 }), { message: /limit/ });
  await t.throwsAsync(svc.listMatchable({ afterId: 'x' }), { message: /afterId/ });
});
