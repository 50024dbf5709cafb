// Shared by the staff console's browser tests (not a test file): the per-page checks every staff page gets
// (screenshot, axe, 375 px without horizontal scroll) and a WAV writer for the fake microphone.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { resampleLinear, STT_SAMPLE_RATE } from '../../models/audio/pcm.js';
import { encodeWav16 } from '../../models/audio/wav.js';
import { synthesizeSpeech } from '../support/tts.js';
import { formatViolations, horizontalOverflow, seriousAccessibilityViolations, type Person } from './_browser.js';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };

/** Screenshot at desktop width, axe (no serious/critical violation), then the same state at 375 px: no horizontal scroll. */
export async function checkPageState(t: ExecutionContext, person: Person, state: string): Promise<void> {
  const { page } = person;
  await person.shot(state);
  t.is(formatViolations(await seriousAccessibilityViolations(page)), '', `axe on ${state}`);
  await page.setViewportSize(PHONE);
  t.is(await horizontalOverflow(page), 0, `no horizontal scroll at 375 px on ${state}`);
  await person.shot(`${state}-phone`);
  await page.setViewportSize(DESKTOP);
}

/** Speech from flite written as a 48 kHz mono WAV (WebRTC's rate) framed by silence: Chromium's fake microphone
 * loops it, and the pauses let voice activity detection end each utterance. */
export async function speechWav(text: string, options: { voice?: string; leadSilenceS?: number; tailSilenceS?: number } = {}): Promise<{ file: string; cleanup(): Promise<void> }> {
  const rate = 48_000;
  const speech = resampleLinear(await synthesizeSpeech(text, options.voice), STT_SAMPLE_RATE, rate);
  const lead = Math.round((options.leadSilenceS ?? 1) * rate);
  const tail = Math.round((options.tailSilenceS ?? 3) * rate);
  const samples = new Float32Array(lead + speech.length + tail);
  samples.set(speech, lead);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-staff-wav-'));
  const file = path.join(dir, 'speech.wav');
  await fs.writeFile(file, encodeWav16(samples, rate));
  return { file, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Polls until `probe` answers something other than undefined/null/false, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
