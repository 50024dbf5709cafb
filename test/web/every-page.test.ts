// Every page of the console, as a member and as trust-and-safety staff: axe-core finds no serious or critical
// violation, and at 375 px nothing scrolls sideways. The pages visited are listed here by hand and checked against
// the route patterns the console's sources declare, so a new page that nobody sweeps fails this test.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

const WEB_SRC = fileURLToPath(new URL('../../web/src/', import.meta.url));
const PASSWORD = 'correct horse battery staple';

let stack: TestStack;
let member: Person;
let staff: Person;
let ids: { roomId: string; caseId: string };
let memberEmail: string;
let staffEmail: string;

/** The route patterns declared in web/src (each area's routes.tsx and main.tsx). */
async function declaredRoutePatterns(): Promise<string[]> {
  const patterns = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/routes\.tsx$|main\.tsx$/.test(entry.name)) {
        const text = await fs.readFile(full, 'utf8');
        for (const m of text.matchAll(/\bpath\s*[:=]\s*["'`](\/[^"'`]*)["'`]/g)) patterns.add(m[1]!);
      }
    }
  };
  await walk(WEB_SRC);
  return [...patterns].sort();
}

function matches(pattern: string, url: string): boolean {
  const re = new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
  return re.test(new URL(url, 'http://x').pathname);
}

const SIGNED_OUT_PAGES = ['/login', '/signup', '/reset-password?token=every-page-sweep-token'];
const memberPages = () => ['/', '/groups', '/rooms/new', `/rooms/${ids.roomId}`, `/rooms/${ids.roomId}/settings`, '/profile', '/matches', '/notifications', '/decisions', '/no-such-page'];
const staffPages = () => ['/staff', '/staff/cases', `/staff/cases/${ids.caseId}`, '/staff/search', '/staff/audit'];

test.before(async () => {
  stack = await startTestStack({ workers: 0 });
  const api = stack.api;
  const host = await api.signUp('Paula Pages');
  memberEmail = host.email;
  const room = await host.client.post('/v1/rooms', { title: 'Every page room', topics: ['design'] });
  if (room.status !== 201) throw new Error(`room: ${room.status} ${JSON.stringify(room.body)}`);
  const listener = await api.signUp('Rory Reporter');
  const joined = await listener.client.post(`/v1/rooms/${room.body.id}/join`, { acceptTranscription: true });
  if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
  const report = await listener.client.post(`/v1/rooms/${room.body.id}/reports`, { memberId: host.memberId, reason: 'harassment', text: 'Shouting over everyone' });
  if (report.status !== 201) throw new Error(`report: ${report.status} ${JSON.stringify(report.body)}`);
  ids = { roomId: room.body.id, caseId: report.body.caseId };
  const s = await stack.staff('Sami Sweep');
  const row = await stack.stack.database.pool.query<{ email: string }>('SELECT email FROM members WHERE id = $1', [s.memberId]);
  staffEmail = row.rows[0]!.email;
  member = await openPerson({ scenario: 'every-page', name: 'member', baseUrl: stack.stack.apiUrl });
  staff = await openPerson({ scenario: 'every-page', name: 'staff', baseUrl: stack.stack.apiUrl });
});

test.after.always(async () => {
  await member?.close();
  await staff?.close();
  await stack?.stop();
});

/** Opens the page, waits for its heading and for loading to settle, then checks it at desktop and phone width. */
async function sweep(t: import('ava').ExecutionContext, person: Person, url: string): Promise<void> {
  const { page } = person;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url);
  await page.locator('h1').first().waitFor();
  // Loading states settle (each page shows role=status while it loads); a page may keep a live status line.
  await page
    .waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('.state-loading'), undefined, { timeout: 60_000 })
    .catch(() => undefined);
  const name = url.replace(/[0-9a-f-]{36}/g, 'id');
  await person.shot(`${name}-desktop`);
  t.is(formatViolations(await seriousAccessibilityViolations(page)), '', `axe on ${url} (desktop)`);
  await page.setViewportSize({ width: 375, height: 740 });
  t.is(await horizontalOverflow(page), 0, `no horizontal scroll on ${url} at 375 px`);
  t.is(formatViolations(await seriousAccessibilityViolations(page)), '', `axe on ${url} (375 px)`);
  await person.shot(`${name}-phone`);
}

test.serial('the sweep covers every route the console declares', async (t) => {
  const patterns = await declaredRoutePatterns();
  t.true(patterns.length >= 10, `found the route table: ${patterns.join(' ')}`);
  const visited = [...SIGNED_OUT_PAGES, ...memberPages(), ...staffPages()];
  for (const p of patterns) t.true(visited.some((u) => matches(p, u)), `route ${p} is swept`);
});

test.serial('signed-out pages', async (t) => {
  for (const url of SIGNED_OUT_PAGES) await sweep(t, member, url);
});

test.serial("a member's pages", async (t) => {
  await logInThroughPage(member.page, memberEmail, PASSWORD);
  for (const url of memberPages()) await sweep(t, member, url);
});

test.serial("trust-and-safety staff's pages", async (t) => {
  await logInThroughPage(staff.page, staffEmail, PASSWORD);
  for (const url of staffPages()) await sweep(t, staff, url);
});
