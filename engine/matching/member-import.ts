// `roundtable import-members <file.jsonl>`: bulk import of members moving over from another community.
//
// One JSON object per line (blank lines skipped):
//   {"email": "ada@example.com", "displayName": "Ada Lovelace", "headline": "…",
//    "experience": [{"role", "company", "years", "description"}], "skills": [], "offers": [], "seeks": [],
//    "languages": ["en"], "timeZone": "Europe/Rome", "availability": {"parts": ["weekday_mornings"]},
//    "connections": 42, "optIn": true}
// The profile fields follow PUT /v1/me/matching/profile, availability PUT /v1/me/matching/availability (the same
// schemas); `connections` is the count they had in the old community (gating counts the larger of it and their
// connections here); optIn defaults to true.
// Every line is validated first; each problem names its line and field ("line 3: timeZone: …"). NOTHING is imported
// if any line is bad, and the import itself is one transaction. Imported members get a random, unusable password
// (a well-formed hash of no known password): they must set one before they can log in. Photos and intros cannot be
// imported (both are checked on upload), so imported members become matchable once they add them.
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { nonBlankText } from '../../core/text-schema.js';
import { inTransaction } from '../../db/queryable.js';
import type { Availability } from '../../matcher/availability.js';
import { AvailabilitySchema, checkAvailability, MatchingProfileInputSchema, TimeZoneSchema } from './profile-schema.js';

export const ImportLineSchema = MatchingProfileInputSchema.extend({
  email: z.email().max(254),
  displayName: nonBlankText(100),
  timeZone: TimeZoneSchema,
  availability: AvailabilitySchema,
  connections: z.number().int().min(0).max(1_000_000).default(0),
  optIn: z.boolean().default(true),
});
export type ImportLine = z.infer<typeof ImportLineSchema> & { availability: Availability };

export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

export function describeProblem(p: ImportProblem): string {
  return `line ${p.line}: ${p.field}: ${p.message}`;
}

/** Parses and validates every line; problems for all bad lines (up to `maxProblems`). */
export function parseImport(text: string, maxProblems = 100): { ok: true; members: (ImportLine & { line: number })[] } | { ok: false; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const members: (ImportLine & { line: number })[] = [];
  const emails = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && problems.length < maxProblems; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      problems.push({ line: lineNo, field: '(line)', message: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    const parsed = ImportLineSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path.map(String), k].join('.')) : [issue.path.map(String).join('.') || '(line)'];
        for (const field of keys) problems.push({ line: lineNo, field, message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message });
      }
      continue;
    }
    const av = checkAvailability(parsed.data.availability, 'availability');
    if (!av.ok) {
      for (const e of av.errors) problems.push({ line: lineNo, field: e.field, message: e.message });
      continue;
    }
    const email = parsed.data.email.toLowerCase();
    const seen = emails.get(email);
    if (seen !== undefined) {
      problems.push({ line: lineNo, field: 'email', message: `${parsed.data.email} is already on line ${seen}` });
      continue;
    }
    emails.set(email, lineNo);
    members.push({ ...parsed.data, availability: av.value, line: lineNo });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (members.length === 0) return { ok: false, problems: [{ line: 0, field: '(file)', message: 'no members in the file' }] };
  return { ok: true, members };
}

/** A well-formed scrypt hash of no password anyone knows (random key bytes): logging in fails until a reset. */
export function unusablePasswordHash(): string {
  return ['scrypt', 32768, 8, 1, randomBytes(16).toString('base64url'), randomBytes(32).toString('base64url')].join('$');
}

export class ImportError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map(describeProblem).join('\n'));
    this.name = 'ImportError';
  }
}

/** Imports all members in one transaction, or none (ImportError naming the lines, e.g. an email already taken). */
export async function importMembers(pool: pg.Pool, members: readonly (ImportLine & { line: number })[]): Promise<{ memberIds: string[] }> {
  return inTransaction(pool, async (tx) => {
    const { rows: taken } = await tx.query<{ email: string }>('SELECT lower(email) AS email FROM members WHERE lower(email) = ANY($1::text[])', [members.map((m) => m.email.toLowerCase())]);
    if (taken.length > 0) {
      const set = new Set(taken.map((r) => r.email));
      throw new ImportError(members.filter((m) => set.has(m.email.toLowerCase())).map((m) => ({ line: m.line, field: 'email', message: `${m.email} already has an account` })));
    }
    const ids: string[] = [];
    for (const m of members) {
      const id = randomUUID();
      ids.push(id);
      await tx.query('INSERT INTO members (id, email, password_hash, display_name, headline) VALUES ($1, $2, $3, $4, $5)', [id, m.email, unusablePasswordHash(), m.displayName, m.headline]);
      await tx.query(
        `INSERT INTO matching_profiles (member_id, headline, experience, skills, offers, seeks, languages, time_zone, availability, opted_in, opted_in_at, imported_connections)
         VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9::jsonb, $10, CASE WHEN $10 THEN now() END, $11)`,
        [id, m.headline, JSON.stringify(m.experience), m.skills, m.offers, m.seeks, m.languages, m.timeZone, JSON.stringify(m.availability), m.optIn, m.connections],
      );
    }
    return { memberIds: ids };
  });
}
