// Loads an audio file as 16 kHz mono float32. WAV is parsed in-process; FLAC is decoded by Debian's `flac` CLI
// (only the bench's LibriSpeech clips use it; live rooms deliver PCM frames, never files).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { downmixInterleaved, resampleLinear, STT_SAMPLE_RATE } from './pcm.js';
import { decodeWav, type DecodedAudio } from './wav.js';

export async function readAudioFile16kMono(filePath: string): Promise<Float32Array> {
  if (typeof filePath !== 'string' || filePath === '') throw new TypeError('filePath must be a non-empty string');
  const ext = path.extname(filePath).toLowerCase();
  let decoded: DecodedAudio;
  if (ext === '.wav') decoded = decodeWav(await fs.readFile(filePath));
  else if (ext === '.flac') decoded = decodeWav(await flacToWav(filePath));
  else throw new TypeError(`${filePath}: unsupported audio type "${ext}" (expected .wav or .flac)`);
  return to16kMono(decoded);
}

export function to16kMono(audio: DecodedAudio): Float32Array {
  return resampleLinear(downmixInterleaved(audio.samples, audio.channels), audio.sampleRate, STT_SAMPLE_RATE);
}

function flacToWav(filePath: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('flac', ['--decode', '--stdout', '--silent', filePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', (e) =>
      reject(new Error(`decoding ${filePath} needs the \`flac\` program (Debian package "flac"): ${e.message}`)),
    );
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`flac exited with ${code} decoding ${filePath}: ${err.trim()}`)),
    );
  });
}
