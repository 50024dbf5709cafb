// Shared setup for the matching-profile tests (not a test file): members with their access tokens (uploads are raw
// bodies, sent with fetch), the evaluation images, and intros synthesised with flite (padded with sox, re-encoded
// to Ogg/Opus by the FFmpeg inside npm @livekit/av).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getFfmpegPath } from '@livekit/av';
import { ApiClient, type ApiResponse } from '../support/api-client.js';
import type { TestStack } from '../support/stack.js';

const run = promisify(execFile);

export const IMAGES_DIR = fileURLToPath(new URL('../../../shared/eval/images/', import.meta.url));
/** The evaluation image with a face, and the two without one (a cat and a cup of coffee). */
export const FACE_IMAGE = 'astronaut.png';
export const NO_FACE_IMAGES = ['chelsea.png', 'coffee.png'] as const;

export async function image(name: string): Promise<Buffer> {
  return fs.readFile(path.join(IMAGES_DIR, name));
}

export interface Member {
  client: ApiClient;
  memberId: string;
  token: string;
  baseUrl: string;
}

export async function signUp(env: TestStack, name: string): Promise<Member> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const res = await env.api.post('/v1/auth/signup', { email, password: 'correct horse battery staple', displayName: name });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { client: env.api.withToken(res.body.accessToken), memberId: res.body.memberId, token: res.body.accessToken, baseUrl: env.api.baseUrl };
}

/** POST a raw body (photo or audio) as the member. */
export async function upload(m: Member, urlPath: string, body: Uint8Array, contentType: string): Promise<ApiResponse> {
  const res = await fetch(`${m.baseUrl}${urlPath}`, { method: 'POST', headers: { authorization: `Bearer ${m.token}`, 'content-type': contentType }, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** GET raw bytes as the member. */
export async function download(m: Member, urlPath: string): Promise<{ status: number; bytes: Buffer; headers: Headers; json: any }> {
  const res = await fetch(`${m.baseUrl}${urlPath}`, { headers: { authorization: `Bearer ${m.token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    // binary
  }
  return { status: res.status, bytes, headers: res.headers, json };
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-matching-'));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** A WAV of `text` spoken by flite, optionally padded with silence to `padToSeconds`. */
export async function speechWav(text: string, padToSeconds?: number): Promise<Buffer> {
  const t = await tempDir();
  try {
    const wav = path.join(t.dir, 'speech.wav');
    await run('flite', ['-voice', 'slt', '-t', text, '-o', wav]);
    if (padToSeconds === undefined) return await fs.readFile(wav);
    const padded = path.join(t.dir, 'padded.wav');
    // pad to the exact length: silence after the speech
    const { stdout } = await run('soxi', ['-D', wav]);
    const extra = Math.max(0, padToSeconds - Number(stdout.trim()));
    await run('sox', [wav, padded, 'pad', '0', extra.toFixed(3)]);
    return await fs.readFile(padded);
  } finally {
    await t.remove();
  }
}

/** The same audio as Ogg/Opus (what Firefox's MediaRecorder produces). */
export async function toOggOpus(wav: Buffer): Promise<Buffer> {
  const ffmpeg = getFfmpegPath();
  if (!ffmpeg) throw new Error('no ffmpeg from @livekit/av on this platform');
  const t = await tempDir();
  try {
    await fs.writeFile(path.join(t.dir, 'in.wav'), wav);
    await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', path.join(t.dir, 'in.wav'), '-c:a', 'libopus', '-b:a', '32k', path.join(t.dir, 'out.ogg')]);
    return await fs.readFile(path.join(t.dir, 'out.ogg'));
  } finally {
    await t.remove();
  }
}

/** Connects `m` with each of `others` (request + accept). */
export async function connect(m: Member, others: Member[]): Promise<void> {
  for (const o of others) {
    const req = await m.client.post(`/v1/members/${o.memberId}/connection-requests`);
    if (req.status !== 201) throw new Error(`connection request: ${req.status} ${JSON.stringify(req.body)}`);
    const acc = await o.client.post(`/v1/connection-requests/${req.body.request.id}/accept`);
    if (acc.status !== 201) throw new Error(`accept: ${acc.status} ${JSON.stringify(acc.body)}`);
  }
}

export const LONG_DESCRIPTION = 'Led a team of twelve data engineers building the streaming platform behind billing, fraud detection and reporting.';
