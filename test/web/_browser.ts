// Real-browser harness for the web console: Debian's Chromium driven by playwright-core (it cannot download its
// own), one persistent context per person with a fresh profile directory, optionally a fake microphone playing a
// WAV file. Screenshots of every page state go to test/web/screenshots/<scenario>/; axe-core scans pages for
// serious and critical violations; `assertNoHorizontalScroll` checks phone width (375 px).
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const AXE_SOURCE_PATH = require.resolve('axe-core/axe.min.js');

/** The flags the workplace's Chromium needs as root and offline (no background calls to Google's hosts). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Autoplay of remote audio without a click (the listener hears the room as soon as it joins).
  '--autoplay-policy=no-user-gesture-required',
];

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Saves a screenshot named `<nn>-<state>.png` under the scenario's folder; returns its path. */
  shot(state: string): Promise<string>;
  close(): Promise<void>;
}

export interface PersonOptions {
  /** The scenario's folder under test/web/screenshots/. */
  scenario: string;
  name: string;
  baseUrl: string;
  /** A WAV file Chromium's fake microphone plays (in a loop) when a page asks for the microphone. */
  microphoneWav?: string;
  viewport?: { width: number; height: number };
}

let shotCounter = 0;

export async function openPerson(options: PersonOptions): Promise<Person> {
  const profileDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-chromium-'));
  const args = [...CHROMIUM_FLAGS];
  if (options.microphoneWav) {
    args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${options.microphoneWav}`);
  } else {
    // Still a fake device (no real hardware here), playing its built-in beep.
    args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream');
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    baseURL: options.baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    // axe-core is injected as an inline script; the console's CSP (script-src 'self') would refuse it.
    bypassCSP: true,
    permissions: ['microphone'],
    timeout: 30_000,
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const dir = path.join(SCREENSHOT_DIR, options.scenario);
  await fs.mkdir(dir, { recursive: true });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return {
    name: options.name,
    context,
    page,
    async shot(state) {
      shotCounter += 1;
      const file = path.join(dir, `${String(shotCounter).padStart(2, '0')}-${options.name}-${state.replace(/[^a-z0-9-]+/gi, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close().catch(() => undefined);
      await fs.rm(profileDir, { recursive: true, force: true });
      if (errors.length) process.stderr.write(`[${options.name}] page errors: ${errors.join(' | ')}\n`);
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // The callbacks run in the page; the test program has no DOM types, so the page's globals are reached untyped.
  const loaded = await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ content: await fs.readFile(AXE_SOURCE_PATH, 'utf8') });
  const violations = (await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> }; document: unknown };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations;
  })) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}

/** How far the page is wider than the viewport (0 when there is no horizontal scroll). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return Math.max(0, root.scrollWidth - root.clientWidth);
  });
}

/** Logs in through the login page. */
export async function logInThroughPage(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
