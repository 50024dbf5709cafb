// Reading and updating profiles through the service, on both backends.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

const JOBS = [
  { title: 'VP Engineering', company: 'Acme', startYear: 2021, endYear: null, description: 'Platform and infra' },
  { title: 'Engineer', company: 'Initech', startYear: 2015, endYear: 2021, description: '' },
];

for (const kind of BACKENDS) {
  test.serial(`${kind}: an update persists, only the given fields change, and experience keeps its order`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const before = await social.getOwnProfile(ada);
    t.is(before.connectionCount, 0);
    t.deepEqual(before.experience, []);
    t.is(before.photoUrl, null);

    await social.updateOwnProfile(ada, { headline: 'Builds teams', photoUrl: 'https://cdn.example.com/ada.jpg', experience: JOBS });
    const after = await social.updateOwnProfile(ada, { company: 'Acme' });
    t.is(after.displayName, 'Ada');
    t.is(after.headline, 'Builds teams');
    t.is(after.company, 'Acme');
    t.is(after.photoUrl, 'https://cdn.example.com/ada.jpg');
    t.deepEqual(after.experience, JOBS);
    t.deepEqual(await social.getOwnProfile(ada), after);

    const cleared = await social.updateOwnProfile(ada, { photoUrl: null, experience: [] });
    t.is(cleared.photoUrl, null);
    t.deepEqual(cleared.experience, []);
  });

  test.serial(`${kind}: a public profile carries no email or credentials`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const profile = await social.getProfile(bob, ada);
    t.deepEqual(Object.keys(profile).sort(), ['company', 'connectionCount', 'createdAt', 'displayName', 'experience', 'headline', 'id', 'photoUrl', 'relationship']);
    t.deepEqual(profile.relationship, { connection: 'none', pendingRequestId: null, blockedByYou: false });
    t.is((await social.getProfile(ada, ada)).relationship.connection, 'self');
  });

  test.serial(`${kind}: the relationship says who asked whom, with the request id`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const outcome = await social.requestConnection(ada, bob);
    if (outcome.status !== 'pending') return t.fail();
    t.deepEqual((await social.getProfile(ada, bob)).relationship, { connection: 'request_sent', pendingRequestId: outcome.request.id, blockedByYou: false });
    t.deepEqual((await social.getProfile(bob, ada)).relationship, { connection: 'request_received', pendingRequestId: outcome.request.id, blockedByYou: false });
  });

  test.serial(`${kind}: a bad update is refused naming the field and changes nothing`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    await rejectsWith(t, social.updateOwnProfile(ada, { headline: 'New', photoUrl: 'http://insecure.example.com/a.png' }), 'invalid', 'invalid_profile', 'photoUrl');
    t.is((await social.getOwnProfile(ada)).headline, '');
    await rejectsWith(t, social.getOwnProfile('00000000-0000-4000-8000-000000000000'), 'not_found', 'member_not_found');
  });
}
