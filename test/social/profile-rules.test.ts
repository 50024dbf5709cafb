// Profile validation (pure): what PATCH /v1/me accepts, and which field a refusal names.
import test from 'ava';
import { EngineError } from '../../engine/engine-error.js';
import { PROFILE_LIMITS, parseProfilePatch } from '../../engine/social/index.js';

const JOB = { title: 'Staff engineer', company: 'Acme', startYear: 2019, endYear: 2023, description: 'Payments' };

function refusedField(input: unknown): string | undefined {
  try {
    parseProfilePatch(input);
  } catch (err) {
    if (err instanceof EngineError && err.kind === 'invalid') return err.field;
    throw err;
  }
  return undefined;
}

test('a full patch is trimmed and defaults are filled in', (t) => {
  const patch = parseProfilePatch({
    displayName: '  Ada Lovelace ',
    headline: 'Engineer',
    photoUrl: 'https://cdn.example.com/ada.png',
    experience: [{ title: ' CTO ', company: 'Analytical Engines', startYear: 2024 }],
  });
  t.is(patch.displayName, 'Ada Lovelace');
  t.deepEqual(patch.experience, [{ title: 'CTO', company: 'Analytical Engines', startYear: 2024, endYear: null, description: '' }]);
});

test('photoUrl must be https with a domain and no credentials; null removes the photo', (t) => {
  for (const bad of ['http://cdn.example.com/a.png', 'javascript:alert(1)', 'https://user:pw@example.com/a.png', 'https:/a.png', 'not a url', 42]) {
    t.is(refusedField({ photoUrl: bad }), 'photoUrl', String(bad));
  }
  t.is(refusedField({ photoUrl: `https://example.com/${'a'.repeat(PROFILE_LIMITS.photoUrl)}` }), 'photoUrl', 'too long');
  t.is(parseProfilePatch({ photoUrl: null }).photoUrl, null);
});

test('experience entries are checked one by one and the refusal names the entry and field', (t) => {
  t.is(refusedField({ experience: [JOB, { ...JOB, endYear: 2010 }] }), 'experience.1.endYear');
  t.is(refusedField({ experience: [{ ...JOB, title: '  ' }] }), 'experience.0.title');
  t.is(refusedField({ experience: [{ ...JOB, company: undefined }] }), 'experience.0.company');
  t.is(refusedField({ experience: [{ ...JOB, startYear: 1850 }] }), 'experience.0.startYear');
  t.is(refusedField({ experience: [{ ...JOB, startYear: 2019.5 }] }), 'experience.0.startYear');
  t.is(refusedField({ experience: [{ ...JOB, description: 'x'.repeat(PROFILE_LIMITS.experienceDescription + 1) }] }), 'experience.0.description');
  t.is(refusedField({ experience: [{ ...JOB, salary: 1 }] }), 'experience.0');
  t.is(refusedField({ experience: Array.from({ length: PROFILE_LIMITS.experienceEntries + 1 }, () => JOB) }), 'experience');
  t.is(refusedField({ experience: 'lots' }), 'experience');
  t.is(refusedField({ experience: [{ ...JOB, endYear: 2019 }] }), undefined, 'a one-year job is fine');
});

test('names and lengths: displayName cannot be blank; email and unknown fields are refused', (t) => {
  t.is(refusedField({ displayName: '   ' }), 'displayName');
  t.is(refusedField({ headline: 'h'.repeat(PROFILE_LIMITS.headline + 1) }), 'headline');
  t.is(refusedField({ email: 'new@example.test' }), 'profile');
  t.is(refusedField(null), 'profile');
  t.deepEqual(parseProfilePatch({}), {});
});
