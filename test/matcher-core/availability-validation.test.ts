// Member input validation: every problem with its field path, for an API 400.
import test from 'ava';
import { validateAvailability } from '../../matcher/index.js';

test('valid input comes back normalised (unknown-free copy)', (t) => {
  const input = {
    parts: ['weekday_mornings', { days: ['tue', 'thu'], part: 'evening' }],
    ranges: [{ day: 'mon', start: '09:30', end: '11:00' }, { day: 'fri', start: '22:00', end: '24:00' }],
    exceptions: ['2025-12-25'],
    partRanges: { morning: { start: '07:00', end: '11:00' } },
  };
  const v = validateAvailability(input);
  t.true(v.ok);
  if (v.ok) {
    t.deepEqual(v.value, input);
    t.not(v.value.parts, input.parts);
  }
  t.deepEqual(validateAvailability({}), { ok: true, value: {} });
});

test('every error names its field', (t) => {
  const v = validateAvailability({
    parts: ['weekday_mornings', 'weekday_nights', { days: ['tue', 'tuesday'], part: 'evening' }, { days: [], part: 'noon' }],
    ranges: [
      { day: 'mon', start: '11:00', end: '09:30' },
      { day: 'fri', start: '9:00', end: '25:00' },
      { day: 'xyz', start: '10:00', end: '11:00', note: 1 },
      { day: 'sat', start: '24:00', end: '24:00' },
    ],
    exceptions: ['2025-02-30', '2025-03-04', 20250305],
    partRanges: { morning: { start: '12:00', end: '08:00' }, night: { start: '22:00', end: '23:00' } },
    extra: true,
  });
  t.false(v.ok);
  if (v.ok) return;
  t.deepEqual(
    v.errors.map((e) => e.field),
    [
      'availability.extra',
      'availability.parts[1]',
      'availability.parts[2].days[1]',
      'availability.parts[3].days',
      'availability.parts[3].part',
      'availability.ranges[0].end',
      'availability.ranges[1].start',
      'availability.ranges[1].end',
      'availability.ranges[2].note',
      'availability.ranges[2].day',
      'availability.ranges[3].start',
      'availability.exceptions[0]',
      'availability.exceptions[2]',
      'availability.partRanges.night',
      'availability.partRanges.morning.end',
    ],
  );
  t.regex(v.errors.find((e) => e.field === 'availability.ranges[0].end')!.message, /cannot cross midnight/);
  t.regex(v.errors.find((e) => e.field === 'availability.exceptions[0]')!.message, /YYYY-MM-DD/);
});

test('the field prefix follows the request body, and limits and shapes are checked', (t) => {
  const v = validateAvailability({ days: [], parts: 'weekday_mornings' }, 'body.availability');
  t.deepEqual(v.ok ? [] : v.errors.map((e) => e.field), ['body.availability.days', 'body.availability.parts']);
  const many = validateAvailability({ exceptions: Array.from({ length: 367 }, () => '2025-01-01') });
  t.deepEqual(many.ok ? [] : many.errors, [{ field: 'availability.exceptions', message: 'must have at most 366 entries' }]);
  t.deepEqual(validateAvailability(null), { ok: false, errors: [{ field: 'availability', message: 'must be an object' }] });
  const twice = validateAvailability({ parts: [{ days: ['mon', 'mon'], part: 'morning' }] });
  t.deepEqual(twice.ok ? [] : twice.errors, [{ field: 'availability.parts[0].days[1]', message: 'is listed twice' }]);
});
