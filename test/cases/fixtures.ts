// Shared set-up for the case tests: members and a room to point cases at, and a clock the test moves by hand.
import crypto from 'node:crypto';
import type pg from 'pg';

export async function addMember(pool: pg.Pool, name = 'Member'): Promise<string> {
  const id = crypto.randomUUID();
  await pool.query('INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, $3, $4)', [id, `${id}@example.test`, 'x', name]);
  return id;
}

export async function addRoom(pool: pg.Pool, hostId: string): Promise<string> {
  const id = crypto.randomUUID();
  await pool.query('INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $2, $3, $4)', [id, `room-${id}`, hostId, 'Hiring in fintech']);
  return id;
}

export interface World {
  reviewer: string;
  reviewer2: string;
  speaker: string;
  other: string;
  room: string;
}

export async function world(pool: pg.Pool): Promise<World> {
  const reviewer = await addMember(pool, 'Rae Reviewer');
  const reviewer2 = await addMember(pool, 'Sam Second');
  const speaker = await addMember(pool, 'Tom Speaker');
  const other = await addMember(pool, 'Uma Other');
  const room = await addRoom(pool, other);
  return { reviewer, reviewer2, speaker, other, room };
}

export function fixedClock(startIso = '2026-11-01T10:00:00.000Z'): { now: () => Date; advance: (seconds: number) => void } {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (seconds) => void (t += seconds * 1000) };
}

export async function count(pool: pg.Pool, table: string, where = 'true', values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values);
  return rows[0]!.n;
}
