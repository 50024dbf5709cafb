// Speech for tests, synthesised locally with Debian's flite (16 kHz mono WAV) and read as floats.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readAudioFile16kMono } from '../../models/audio/read-audio-file.js';

const run = promisify(execFile);

export async function synthesizeSpeech(text: string, voice = 'slt'): Promise<Float32Array> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-tts-'));
  const wav = path.join(dir, 'speech.wav');
  try {
    await run('flite', ['-voice', voice, '-t', text, '-o', wav]);
    return await readAudioFile16kMono(wav);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
