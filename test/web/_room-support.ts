// Helpers for the room page's browser tests: a WAV of a known sentence for Chromium's fake microphone, and a
// tolerant comparison of words heard with words said.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resampleLinear, STT_SAMPLE_RATE } from '../../models/audio/pcm.js';
import { encodeWav16 } from '../../models/audio/wav.js';
import { synthesizeSpeech } from '../support/tts.js';

/** Writes `text` spoken by flite as a 48 kHz WAV framed by silence (the fake microphone loops it, so the pauses
 * let voice activity detection end each utterance). Returns the file's path. */
export async function speechWav(text: string, voice = 'slt'): Promise<string> {
  const speech = await synthesizeSpeech(text, voice);
  const rate = 48_000;
  const voiced = resampleLinear(speech, STT_SAMPLE_RATE, rate);
  const samples = new Float32Array(Math.round(rate * 0.7) + voiced.length + Math.round(rate * 2.5));
  samples.set(voiced, Math.round(rate * 0.7));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-room-wav-'));
  const file = path.join(dir, 'sentence.wav');
  await fs.writeFile(file, encodeWav16(samples, rate));
  return file;
}

const STOP_WORDS = new Set(['a', 'an', 'the', 'to', 'of', 'and', 'or', 'for', 'in', 'on', 'at', 'we', 'is', 'are', 'it', 'our', 'with', 'about']);

export function contentWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0 && !STOP_WORDS.has(w));
}

/** The share (0–1) of the said sentence's content words found among the heard words. */
export function contentWordRecall(said: string, heard: string): number {
  const wanted = [...new Set(contentWords(said))];
  const got = new Set(contentWords(heard));
  return wanted.length === 0 ? 1 : wanted.filter((w) => got.has(w)).length / wanted.length;
}
