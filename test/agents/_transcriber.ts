// Shared setup for the transcriber tests (not a test file): spoken audio as the agent receives it (flite speech in
// 16 kHz AudioFrames, each utterance followed by silence so the real Silero VAD cuts it), the VAD itself, a room row
// for segments to belong to, and a logger whose lines the tests can read.
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { AudioFrame } from '@livekit/rtc-node';
import { initializeLogger, type VAD } from '@livekit/agents';
import type pg from 'pg';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../../core/config.js';
import { loadSileroVad } from '../../agents/silero-vad.js';
import { synthesizeSpeech } from '../support/tts.js';

const RATE = 16_000;
const FRAME = RATE / 50; // 20 ms

let vad: Promise<VAD> | undefined;
export function sileroVad(): Promise<VAD> {
  // The plugin logs through @livekit/agents' logger, which the worker initializes (agents/worker.ts).
  initializeLogger({ pretty: false, level: 'fatal' });
  vad ??= loadSileroVad(loadConfig());
  return vad;
}

/** Each sentence spoken by flite, then `silenceSeconds` of silence (default 1.5); as 20 ms frames. */
export async function spokenFrames(sentences: string[], silenceSeconds = 1.5): Promise<AudioFrame[]> {
  const frames: AudioFrame[] = [];
  for (const sentence of sentences) {
    const speech = await synthesizeSpeech(sentence);
    const all = new Float32Array(speech.length + Math.round(RATE * silenceSeconds));
    all.set(speech);
    for (let off = 0; off < all.length; off += FRAME) {
      const frame = AudioFrame.create(RATE, 1, FRAME);
      for (let i = 0; i < FRAME; i++) frame.data[i] = Math.round(Math.max(-1, Math.min(1, all[off + i] ?? 0)) * 32767);
      frames.push(frame);
    }
  }
  return frames;
}

/** The frames as an audio stream that ends after the last one (the track went away). */
export async function* asStream(frames: AudioFrame[]): AsyncGenerator<AudioFrame> {
  for (const f of frames) {
    yield f;
    await new Promise((r) => setImmediate(r));
  }
}

/** A member and a live room they host, written straight to the database (setup, not the behaviour). */
export async function roomRow(pool: pg.Pool): Promise<string> {
  const member = crypto.randomUUID();
  const room = crypto.randomUUID();
  await pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Hana Host')", [member, `${member}@example.test`]);
  await pool.query("INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $2, $3, 'Transcribed')", [room, `rt-${room}`, member]);
  return room;
}

export async function segmentsOf(pool: pg.Pool, roomId: string): Promise<{ text: string; speaker_identity: string; segment_key: string }[]> {
  const { rows } = await pool.query('SELECT text, speaker_identity, segment_key FROM transcript_segments WHERE room_id = $1 ORDER BY started_at', [roomId]);
  return rows;
}

/** A pino logger at debug level whose parsed lines are kept in `lines`. */
export function capturingLog(): { log: Logger; lines: { level: number; msg: string; [k: string]: unknown }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]).finally(() => clearTimeout(timer));
}
