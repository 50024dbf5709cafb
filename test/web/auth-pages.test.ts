// Sign up, log out and log in through the console's pages in Chromium; a wrong password shows the API's message;
// the pages pass axe (no serious or critical violations) and fit 375 px.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

let stack: TestStack;
let person: Person;

test.before(async () => {
  stack = await startTestStack({ workers: 0 });
  person = await openPerson({ scenario: 'auth', name: 'newcomer', baseUrl: stack.stack.apiUrl });
});
test.after.always(async () => {
  await person?.close();
  await stack?.stop();
});

test.serial('the console is served on the API origin with a same-origin CSP; the API keeps its JSON 404', async (t) => {
  const page = await fetch(`${stack.stack.apiUrl}/login`, { headers: { accept: 'text/html' } });
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /text\/html/);
  t.regex(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await page.text();
  const script = /src="(\/assets\/app-[^"]+\.js)"/.exec(html)?.[1];
  t.truthy(script, 'index.html names the bundle');
  const asset = await fetch(`${stack.stack.apiUrl}${script}`);
  t.is(asset.status, 200);
  t.regex(asset.headers.get('cache-control') ?? '', /immutable/);
  const api404 = await fetch(`${stack.stack.apiUrl}/v1/nothing-here`, { headers: { accept: 'text/html' } });
  t.is(api404.status, 404);
  t.regex(api404.headers.get('content-type') ?? '', /json/);
});

test.serial('sign up, log out, a wrong password, log in — through the pages', async (t) => {
  const { page } = person;
  const email = `newcomer-${Date.now()}@example.com`;
  await page.goto('/signup');
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await person.shot('signup-empty');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');
  // The API's validation message lands next to the field it names.
  await page.getByLabel('Name shown to others').fill('Nora Newcomer');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.field-error').first().waitFor();
  t.regex((await page.locator('.field-error').first().textContent()) ?? '', /10|password/i);
  await person.shot('signup-invalid-password');
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/profile');
  t.is(await page.locator('.who-name').textContent(), 'Nora Newcomer');
  // The database holds the account the page created.
  const row = await stack.stack.database.pool.query('SELECT display_name FROM members WHERE email = $1', [email]);
  t.is(row.rows[0]?.display_name, 'Nora Newcomer');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto('/');
  await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/');
  await person.shot('login');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').first().waitFor();
  await person.shot('login-refused');
  await logInThroughPage(page, email, 'correct horse battery staple');
  t.is(new URL(page.url()).pathname, '/');
});

test.serial('login and sign-up pages fit a 375 px phone without horizontal scroll', async (t) => {
  const { page } = person;
  await page.setViewportSize({ width: 375, height: 740 });
  for (const path of ['/login', '/signup']) {
    await page.goto(path);
    await page.locator('h1').waitFor();
    t.is(await horizontalOverflow(page), 0, path);
  }
  await person.shot('signup-phone');
});
