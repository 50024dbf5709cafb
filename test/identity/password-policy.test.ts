// The password policy returns the first violation with the field named, or null.
import test from 'ava';
import { PASSWORD_MAX_LENGTH, checkPasswordPolicy } from '../../engine/identity/index.js';

test('a long, unusual passphrase passes', (t) => {
  t.is(checkPasswordPolicy('violet-harbour-71-tugboat'), null);
});

test('fewer than 10 characters is too short; length counts characters, not UTF-16 units', (t) => {
  t.deepEqual(checkPasswordPolicy('short-pw1'), { field: 'password', code: 'too_short', message: 'password must be at least 10 characters' });
  t.is(checkPasswordPolicy('q7#Kd0zP!x'), null);
  // Nine emoji are 18 UTF-16 units but nine characters.
  t.like(checkPasswordPolicy('🎧🎤🎹🎸🥁🎺🎻🪕🎷'), { code: 'too_short' });
});

test('over the maximum is too long', (t) => {
  t.like(checkPasswordPolicy('ab1'.repeat(PASSWORD_MAX_LENGTH)), { field: 'password', code: 'too_long' });
});

test('well-known passwords are refused whatever the case', (t) => {
  t.like(checkPasswordPolicy('Password123'), { code: 'too_common' });
  t.like(checkPasswordPolicy('qwertyuiop'), { code: 'too_common' });
});

test('repeated characters and straight runs are refused', (t) => {
  t.like(checkPasswordPolicy('aaaaaaaaaaaa'), { code: 'too_repetitive' });
  t.like(checkPasswordPolicy('abababababab'), { code: 'too_repetitive' });
  t.like(checkPasswordPolicy('bcdefghijklm'), { code: 'too_repetitive' });
  t.like(checkPasswordPolicy('9876543210'), { code: 'too_repetitive' });
});

test('a password containing the e-mail name is refused', (t) => {
  t.like(checkPasswordPolicy('my-Jane.Doe-2024!', { email: 'jane.doe@example.com' }), { field: 'password', code: 'contains_email' });
  t.is(checkPasswordPolicy('my-Jane.Doe-2024!', { email: 'someone@example.com' }), null);
});

test('a non-string is a TypeError', (t) => {
  t.throws(() => checkPasswordPolicy(undefined as unknown as string), { instanceOf: TypeError, message: /password/ });
  t.throws(() => checkPasswordPolicy('violet-harbour-71', { email: 5 as unknown as string }), { instanceOf: TypeError, message: /context.email/ });
});
