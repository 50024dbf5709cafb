// Shared by the sanction tests: members to sanction, and a clock the test moves by hand.
import crypto from 'node:crypto';
import type { Queryable } from '../../db/queryable.js';

export async function insertMember(q: Queryable, name = 'Sam Speaker'): Promise<string> {
  const id = crypto.randomUUID();
  await q.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', $3)", [id, `${id}@example.test`, name]);
  return id;
}

export class ManualClock {
  #now: Date;
  constructor(iso: string) {
    this.#now = new Date(iso);
  }
  readonly now = (): Date => new Date(this.#now.getTime());
  set(iso: string): void {
    this.#now = new Date(iso);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; fails the wait after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await sleep(5);
  }
}
