// The rule layer beside the harm model: digit runs (written and spoken), Luhn, personal-data kinds, links.
import test from 'ava';
import { digitRuns, findRules, luhnValid, rulePersonalDataScore, ruleSpamScore, RULE_SCORES } from '../../models/classifier/rules.js';

const kinds = (text: string) => findRules(text).map((f) => f.kind);

test('spoken digits join into one run across pauses, "oh" and "double"', (t) => {
  t.deepEqual(
    digitRuns('her number is five five five, one two three, four five six seven').map((r) => [r.digits, r.spoken]),
    [['5551234567', true]],
  );
  t.is(digitRuns('oh seven seven double oh, nine eight one')[0]!.digits, '07700981');
  t.deepEqual(digitRuns('oh well, one thing'), [{ digits: '1', match: 'one', start: 9, spoken: true }], '"oh" before a word is a word');
  t.is(digitRuns('call 415-555-0199 now')[0]!.digits, '4155550199');
  t.is(digitRuns('triple 9, 2')[0]!.digits, '9992');
});

test('Luhn accepts real test card numbers and rejects a changed digit', (t) => {
  t.true(luhnValid('4111111111111111'));
  t.true(luhnValid('5500000000000004'));
  t.false(luhnValid('4111111111111112'));
  t.false(luhnValid('41x1'));
});

test('personal data: cards, SSNs, phone numbers in digits and words, street addresses', (t) => {
  t.deepEqual(kinds("Here's the card: 4111 1111 1111 1111."), ['card_number']);
  t.deepEqual(kinds('write down four five three two, one two three four, five six seven eight, nine zero one zero'), ['phone_or_id_number'], '16 digits failing Luhn are still an ID-like number');
  t.deepEqual(kinds('His social security number is 123-45-6789.'), ['national_id']);
  t.deepEqual(kinds('Her number is nine one seven, five five five, two three four one.'), ['phone_or_id_number']);
  t.deepEqual(kinds('Call Jenny at (415) 555 0199 tonight'), ['phone_or_id_number']);
  t.deepEqual(kinds('John lives at 42 Maple Street, apartment 3B.'), ['street_address']);
  t.true(rulePersonalDataScore(findRules('card 5500 0000 0000 0004')) >= RULE_SCORES.card_number);
});

test('work numbers are not personal data: amounts, versions, dates, times, tickets, rooms, short numbers', (t) => {
  for (const text of [
    'Revenue was 1,234,567 dollars this quarter.',
    'We shipped version 3.1.7 this morning.',
    'The outage ran from 09:12 to 09:47 on 2026-12-02.',
    'Ticket number 4821377 is blocking the release.',
    'The order 55512345 shipped yesterday.',
    'Meet in room 204 at three thirty.',
    'The phone extension is two one four.',
    'It costs $ 1200000 in total.',
    'Latency went from 1500000 ms to 300.',
  ]) {
    t.deepEqual(kinds(text).filter((k) => k !== 'link'), [], text);
  }
});

test('emails are evidence below any threshold; links are found written and spoken', (t) => {
  const email = findRules('my email is jane.doe@acme.com');
  t.deepEqual(email.map((f) => f.kind), ['email']);
  t.true(rulePersonalDataScore(email) < 0.5);
  t.deepEqual(kinds('reach me at jane at acme dot com'), ['email']);
  t.deepEqual(kinds('claim it at https://prize.example/win'), ['link']);
  t.deepEqual(kinds('log in at secure-verify-login dot com today'), ['link']);
  t.deepEqual(kinds('visit www.cheap-followers.shop'), ['link']);
});

test('a link raises a spam score in proportion to it and never creates one alone', (t) => {
  const link = findRules('see example.com');
  t.is(ruleSpamScore(0, link), 0);
  t.true(ruleSpamScore(0.6, link) > 0.6);
  t.true(ruleSpamScore(0.6, link) < 1);
  t.is(ruleSpamScore(0.6, []), 0.6);
});

test('rule functions throw TypeError on non-strings', (t) => {
  t.throws(() => findRules(undefined as unknown as string), { instanceOf: TypeError });
  t.throws(() => digitRuns(42 as unknown as string), { instanceOf: TypeError });
});
