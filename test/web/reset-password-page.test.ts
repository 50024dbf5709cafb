// /reset-password?token=… in Chromium: the link `roundtable password-reset <email>` prints. A weak password shows
// the API's message beside the field and leaves the link usable; the right one signs the member in (the header
// shows them) and the database holds the token as used; the same link again says it was used; a page without a
// token says so. Axe and 375 px.
import test from 'ava';
import { passwordResetCommand } from '../../cli/password-reset.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { formatViolations, horizontalOverflow, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

let stack: TestStack;
let person: Person;

test.before(async () => {
  stack = await startTestStack({ workers: 0 });
  person = await openPerson({ scenario: 'reset-password', name: 'forgetful', baseUrl: stack.stack.apiUrl });
});
test.after.always(async () => {
  await person?.close();
  await stack?.stop();
});

test.serial('a member sets a new password from an operator-issued link', async (t) => {
  const member = await stack.api.signUp('Fern Forgetful');
  let out = '';
  const code = await passwordResetCommand([member.email], stack.config, stack.stack.services.log, { out: (s) => (out += s), err: () => undefined });
  t.is(code, 0);
  const link = /(http\S+\/reset-password\?token=\S+)/.exec(out)?.[1];
  t.truthy(link, out);
  const path = new URL(link!).pathname + new URL(link!).search;

  const { page } = person;
  await page.goto(path);
  await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');
  await person.shot('reset-empty');

  await page.getByLabel('New password', { exact: true }).fill('password123');
  await page.getByLabel('Repeat the new password').fill('password123');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.locator('.field-error').first().waitFor();
  t.regex((await page.locator('.field-error').first().textContent()) ?? '', /common/i);
  await person.shot('reset-weak-password');

  await page.getByLabel('New password', { exact: true }).fill('a fresh start for fern 2026');
  await page.getByLabel('Repeat the new password').fill('a fresh start for fern 2026');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.waitForURL('**/profile');
  t.is(await page.locator('.who-name').textContent(), 'Fern Forgetful');
  const { rows } = await stack.stack.database.pool.query('SELECT used_at FROM password_resets WHERE member_id = $1', [member.memberId]);
  t.is(rows.length, 1);
  t.not(rows[0].used_at, null, 'the link is consumed');
  t.is((await stack.api.post('/v1/auth/login', { email: member.email, password: 'a fresh start for fern 2026' })).status, 200);

  // The same link again: refused, saying why.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto(path);
  await page.getByLabel('New password', { exact: true }).fill('yet another passphrase 1');
  await page.getByLabel('Repeat the new password').fill('yet another passphrase 1');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByRole('alert').getByText(/already used/).waitFor();
  await person.shot('reset-used-link');

  await page.goto('/reset-password');
  await page.getByRole('alert').getByText(/no reset token/).waitFor();
  await page.setViewportSize({ width: 375, height: 740 });
  t.is(await horizontalOverflow(page), 0);
});
