// Shared helpers for the matching-index tests: members to hang embeddings on, seeded vectors.
import crypto from 'node:crypto';
import type { Queryable } from '../../db/queryable.js';
import { EMBEDDING_DIM } from '../../engine/matching/embedder.js';
import { mulberry32 as prng } from '../../core/random.js';
export { mulberry32 as prng } from '../../core/random.js';

export async function insertMembers(db: Queryable, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => crypto.randomUUID());
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await db.query(
      `INSERT INTO members (id, email, password_hash, display_name)
       SELECT id, id::text || '@example.test', 'x', 'Member' FROM unnest($1::uuid[]) AS id`,
      [chunk],
    );
  }
  return ids;
}


export function randomUnitVector(rand: () => number, dim = EMBEDDING_DIM): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    // Box–Muller
    const x = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    v[i] = x;
    n += x * x;
  }
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i]! /= n;
  return v;
}

export function sha(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}
