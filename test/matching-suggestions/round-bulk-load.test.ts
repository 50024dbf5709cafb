// A round's bulk loading on real PostgreSQL and a real hnswlib index, checked against the per-member paths it
// replaced and against what the database holds:
//  - allMatchable (one SQL pass + every active restriction at once) gives exactly the members listMatchable's pages
//    give (each gated with a per-member restriction query), with gating failures of every kind in the population;
//  - the index's bulk vector matrix equals vectorOf (hnswlib getPoint) for every member, also after a removal and
//    a slot reuse; bulk pair scores equal EmbeddingService.pairScores;
//  - a dry-run round over more than the all-pairs limit (k-NN candidates): everyone matchable is placed exactly once,
//    no pair the database excludes (block either way, recent pair, declined pair, open case) is formed although the
//    excluded members are each other's nearest neighbours, an old pair may meet again, and nothing but the round's
//    record is written;
//  - the k-NN candidate search split over worker threads gives exactly the single-thread lists; time-aware lists
//    hold only members who share free time (by overlap()) when any candidate does.
import test from 'ava';
import { loadConfig } from '../../core/config.js';
import { mulberry32 } from '../../core/random.js';
import type { Database } from '../../db/database.js';
import { EMBEDDING_DIM, EMBEDDING_FACETS, MATCHING_EMBEDDING_MODEL, textSha256 } from '../../engine/matching/embedder.js';
import { EmbeddingService } from '../../engine/matching/embedding-service.js';
import { MatchingProfileService } from '../../engine/matching/matching-profile-service.js';
import { NotificationService } from '../../engine/matching/notification-service.js';
import { RoundService } from '../../engine/matching/round-service.js';
import { SuggestionService } from '../../engine/matching/suggestion-service.js';
import { MatchingVectorIndex, toVectorLiteral } from '../../engine/matching/vector-index.js';
import { SanctionStore } from '../../engine/sanctions/sanction-store.js';
import { SocialService } from '../../engine/social/index.js';
import { createTestDatabase } from '../support/database.js';
import { overlap } from '../../matcher/availability.js';

const config = loadConfig();
const N = 1100; // above the round's all-pairs limit (1,000): candidates come from the index
const WEEK_MS = 7 * 86_400_000;
const rand = mulberry32(11);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

function unit(base?: Float32Array, spread = 1): Float32Array {
  const v = new Float32Array(EMBEDDING_DIM);
  let n = 0;
  for (let i = 0; i < EMBEDDING_DIM; i++) {
    v[i] = (base ? base[i]! * 3 : 0) + spread * gauss();
    n += v[i]! * v[i]!;
  }
  n = Math.sqrt(n);
  for (let i = 0; i < EMBEDDING_DIM; i++) v[i]! /= n;
  return v;
}

function uuid(): string {
  const h = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  h[12] = '4';
  h[16] = '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

interface Seeded {
  ids: string[];
  /** Each pair has identical vectors (each other's nearest neighbour) and the same zone and hours. */
  blocked: [string, string];
  recent: [string, string];
  declined: [string, string];
  old: [string, string];
  underCase: string;
  suspended: string;
  fewConnections: string;
  notOptedIn: string;
  noIntro: string;
}

let db: Database;
let index: MatchingVectorIndex;
let profiles: MatchingProfileService;
let embeddings: EmbeddingService;
let rounds: RoundService;
let seeded: Seeded;

async function seed(): Promise<Seeded> {
  const ids = Array.from({ length: N }, uuid);
  const zoneOf = (i: number) => ['Europe/Rome', 'America/New_York', 'Asia/Kolkata'][i % 3]!;
  const availabilityOf = (i: number) => [{ parts: ['weekday_mornings'] }, { parts: ['weekday_evenings'] }][Math.floor(i / 3) % 2]!;
  const experience = JSON.stringify([{ role: 'Engineer', company: 'Co', years: 3, description: 'Built and ran the payments platform for a mid-size company, from design to on-call.' }]);
  await db.pool.query(`INSERT INTO members (id, email, password_hash, display_name) SELECT id, id::text || '@round.test', 'x', 'Member ' || n FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`, [ids]);
  await db.pool.query(
    `INSERT INTO matching_profiles (member_id, headline, experience, offers, seeks, languages, time_zone, availability, opted_in, opted_in_at, imported_connections)
     SELECT id, 'Member', $2::jsonb, ARRAY['o'], ARRAY['s'], ARRAY['en'], z, a::jsonb, true, now(), 10 FROM unnest($1::uuid[], $3::text[], $4::text[]) AS t(id, z, a)`,
    [ids, experience, ids.map((_, i) => zoneOf(i)), ids.map((_, i) => JSON.stringify(availabilityOf(i)))],
  );
  await db.pool.query(`INSERT INTO member_photos (member_id, bytes, media_type, width, height, face_score, face_detector) SELECT id, '\\xffd8'::bytea, 'image/jpeg', 64, 64, 0.9, 'test' FROM unnest($1::uuid[]) AS id`, [ids]);
  await db.pool.query(`INSERT INTO member_intros (member_id, audio, media_type, duration_ms) SELECT id, '\\x00'::bytea, 'audio/wav', 10000 FROM unnest($1::uuid[]) AS id`, [ids]);

  // Pairs of twins: same zone and hours (i and i + 6 share both), identical vectors.
  const twin = (i: number): [string, string] => [ids[i]!, ids[i + 6]!];
  const s: Seeded = {
    ids,
    blocked: twin(0),
    recent: twin(1),
    declined: twin(2),
    old: twin(3),
    underCase: ids[12]!,
    suspended: ids[13]!,
    fewConnections: ids[14]!,
    notOptedIn: ids[15]!,
    noIntro: ids[16]!,
  };
  const centres = Array.from({ length: 20 }, () => unit());
  const vectors = new Map<string, Float32Array[]>();
  for (const id of ids) {
    const c = centres[Math.floor(rand() * centres.length)]!;
    vectors.set(id, EMBEDDING_FACETS.map(() => unit(c)));
  }
  for (const [a, b] of [s.blocked, s.recent, s.declined, s.old]) {
    const v = unit(undefined, 1);
    vectors.set(a, [v, v, v]);
    vectors.set(b, [v, v, v]);
  }
  const rows = ids.flatMap((id) => EMBEDDING_FACETS.map((facet, f) => [id, facet, toVectorLiteral(vectors.get(id)![f]!), textSha256(MATCHING_EMBEDDING_MODEL, `${id}${facet}`)] as const));
  for (let i = 0; i < rows.length; i += 1500) {
    const b = rows.slice(i, i + 1500);
    await db.pool.query(
      'INSERT INTO member_embeddings (member_id, facet, model, embedding, text_sha256) SELECT m, f, $5, v::vector, h FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS t(m, f, v, h)',
      [b.map((r) => r[0]), b.map((r) => r[1]), b.map((r) => r[2]), b.map((r) => r[3]), MATCHING_EMBEDDING_MODEL],
    );
  }

  const key = ([a, b]: [string, string]) => (a < b ? [a, b] : [b, a]);
  await db.pool.query('INSERT INTO member_blocks (blocker_id, blocked_id) VALUES ($1, $2)', s.blocked);
  await db.pool.query('INSERT INTO match_pairs (member_low, member_high, paired_at) VALUES ($1, $2, $3)', [...key(s.recent), new Date(Date.now() - WEEK_MS)]);
  await db.pool.query('INSERT INTO match_pairs (member_low, member_high, declined, declined_at) VALUES ($1, $2, true, now())', key(s.declined));
  await db.pool.query('INSERT INTO match_pairs (member_low, member_high, paired_at) VALUES ($1, $2, $3)', [...key(s.old), new Date(Date.now() - 20 * WEEK_MS)]);
  await db.pool.query("INSERT INTO moderation_cases (kind, subject_member_id) VALUES ('report', $1)", [s.underCase]);
  await db.pool.query(
    "INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at, expires_at) VALUES (gen_random_uuid(), $1, 'suspend', 'harassment', now() - interval '1 hour', now() + interval '7 days')",
    [s.suspended],
  );
  // A lifted ban and an expired suspension restrict no one.
  await db.pool.query("INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at, lifted_at, lifted_by, lift_reason) VALUES (gen_random_uuid(), $1, 'ban', 'mistake', now() - interval '2 days', now() - interval '1 day', 'system', 'overturned')", [ids[20]]);
  await db.pool.query(
    "INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at, expires_at) VALUES (gen_random_uuid(), $1, 'suspend', 'spam', now() - interval '3 days', now() - interval '1 day')",
    [ids[21]],
  );
  await db.pool.query('UPDATE matching_profiles SET imported_connections = 1 WHERE member_id = $1', [s.fewConnections]);
  await db.pool.query('UPDATE matching_profiles SET opted_in = false WHERE member_id = $1', [s.notOptedIn]);
  await db.pool.query('DELETE FROM member_intros WHERE member_id = $1', [s.noIntro]);
  return s;
}

test.before(async () => {
  db = await createTestDatabase('postgres');
  seeded = await seed();
  index = await MatchingVectorIndex.open({ db: db.pool, dir: null });
  profiles = new MatchingProfileService({ pool: db.pool, limits: config.matching, restrictions: new SanctionStore(db.pool), blocks: new SocialService(db.pool), introModels: () => Promise.reject(new Error('unused')) });
  embeddings = new EmbeddingService({ db: db.pool, index, embedder: () => Promise.reject(new Error('no embedding in this test')) });
  const suggestions = new SuggestionService({ pool: db.pool, profiles, embeddings, notifications: new NotificationService(db.pool) });
  rounds = new RoundService({ pool: db.pool, profiles, embeddings, suggestions });
});

test.after.always(async () => {
  await index?.close();
  await profiles?.close();
  await db?.close();
});

test.serial('allMatchable gives exactly the members the per-member gating path gives', async (t) => {
  const paged: string[] = [];
  for (let after: string | null = null; ; ) {
    const page: { items: { memberId: string }[]; nextAfterId: string | null } = await profiles.listMatchable({ afterId: after, limit: 1000 });
    paged.push(...page.items.map((m) => m.memberId));
    if (page.nextAfterId === null) break;
    after = page.nextAfterId;
  }
  const bulk = (await profiles.allMatchable()).map((m) => m.memberId);
  t.deepEqual(bulk, paged);
  const out = new Set([seeded.suspended, seeded.fewConnections, seeded.notOptedIn, seeded.noIntro]);
  t.is(bulk.length, N - out.size);
  for (const id of out) t.false(bulk.includes(id));
  // A lifted ban, an expired suspension and an open case do not gate (the case excludes pairs instead).
  for (const id of [seeded.ids[20]!, seeded.ids[21]!, seeded.underCase]) t.true(bulk.includes(id));
  // The bulk restriction query agrees with the per-member one.
  const store = new SanctionStore(db.pool);
  const all = await store.activeRestrictions();
  t.deepEqual([...all.keys()], [seeded.suspended]);
  t.deepEqual(all.get(seeded.suspended), (await store.activeRestriction(seeded.suspended))!);
  t.deepEqual([...(await store.activeRestrictions([seeded.ids[20]!, seeded.suspended])).keys()], [seeded.suspended]);
});

test.serial('the bulk vector matrix equals getPoint for every member, also after a removal and a slot reuse', async (t) => {
  // A member loses a facet (its slot is marked deleted) and a newcomer takes a deleted slot.
  const gone = seeded.ids[30]!;
  index.remove(gone, 'seeks');
  const newcomer = uuid();
  index.upsert('seeks', newcomer, unit(), textSha256(MATCHING_EMBEDDING_MODEL, 'newcomer'));
  const ids = [...seeded.ids, newcomer];
  for (const facet of EMBEDDING_FACETS) {
    const { matrix, present } = await index.vectorMatrix(facet, ids);
    let mismatches = 0;
    ids.forEach((id, r) => {
      const v = index.vectorOf(facet, id);
      if ((v === null) !== (present[r] === 0)) mismatches++;
      else if (v && v.some((x, i) => x !== matrix[r * EMBEDDING_DIM + i])) mismatches++;
    });
    t.is(mismatches, 0, facet);
  }
  const { present } = await index.vectorMatrix('seeks', [gone, newcomer]);
  t.deepEqual([...present], [0, 1]);
  // Bulk pair scores equal the per-member path's.
  const table = await embeddings.vectorTable(seeded.ids.slice(0, 200));
  for (let k = 0; k < 50; k++) {
    const a = Math.floor(rand() * 200);
    const b = Math.floor(rand() * 200);
    const want = await embeddings.pairScores(table.ids[a]!, table.ids[b]!);
    const got = table.scores(a, b);
    for (const f of ['goalFitAB', 'goalFitBA', 'experienceSimilarity', 'embeddingScore'] as const) {
      if (want[f] === null) t.is(got[f], null);
      else t.true(Math.abs(got[f]! - want[f]) < 1e-9, `${f} of ${a}/${b}`);
    }
  }
  // Put the member back as the table has it (the round below reads the index).
  index.remove(newcomer);
  const { rows } = await db.pool.query<{ v: string; sha: string }>("SELECT embedding::text AS v, text_sha256 AS sha FROM member_embeddings WHERE member_id = $1 AND facet = 'seeks'", [gone]);
  index.upsert('seeks', gone, JSON.parse(rows[0]!.v) as number[], rows[0]!.sha);
  t.true(await index.isConsistent());
});

test.serial('time-aware candidates: each list keeps the members who share free time (checked by overlap()), on any thread', async (t) => {
  const members = await profiles.allMatchable();
  const table = await embeddings.vectorTable(members.map((m) => m.memberId));
  const from = Date.now();
  const to = from + WEEK_MS;
  const decided = new Map<string, boolean>();
  const meet = (a: number, b: number) => {
    const [x, y] = [members[a]!, members[b]!];
    const key = `${x.timeZone}${JSON.stringify(x.availability)}|${y.timeZone}${JSON.stringify(y.availability)}`;
    if (!decided.has(key)) decided.set(key, overlap({ zone: x.timeZone!, availability: x.availability! }, { zone: y.timeZone!, availability: y.availability! }, from, to, { minMinutes: 30 }).length > 0);
    return decided.get(key)!;
  };
  const plain = await embeddings.roundCandidates(table, 10, { threads: 1 });
  const timeAware = await embeddings.roundCandidates(table, 10, { threads: 1, compatible: meet });
  t.deepEqual([...(await embeddings.roundCandidates(table, 10, { threads: 2, compatible: meet }))], [...timeAware]);
  let meetingPlain = 0;
  let meetingTimeAware = 0;
  for (const [id, list] of timeAware) {
    const r = table.rowOf.get(id)!;
    const rows = list.map((x) => table.rowOf.get(x)!);
    const plainRows = plain.get(id)!.map((x) => table.rowOf.get(x)!);
    meetingPlain += plainRows.filter((c) => meet(r, c)).length;
    meetingTimeAware += rows.filter((c) => meet(r, c)).length;
    t.false(list.includes(id));
    // Everyone in the list can meet the member — unless no one searched could (then it is the plain list).
    if (!rows.every((c) => meet(r, c))) t.deepEqual(list, plain.get(id));
  }
  // Zones and hours that never meet are in the population: the cut must have replaced some candidates.
  t.true(meetingTimeAware > meetingPlain, `${meetingTimeAware} vs ${meetingPlain} candidates sharing free time`);
});

test.serial('a dry-run round over k-NN candidates places everyone once and forms no excluded pair', async (t) => {
  const matchable = (await profiles.allMatchable()).map((m) => m.memberId);
  // The twins are each other's first candidate: only the exclusions can keep them apart.
  const table = await embeddings.vectorTable(matchable);
  const lists = await embeddings.roundCandidates(table, 10, { threads: 1 });
  // The search split over threads (a worker on a snapshot of the graphs, with deleted slots and members outside the
  // round in it) gives the very lists of the in-process search.
  const threaded = await embeddings.roundCandidates(table, 10, { threads: 2 });
  t.deepEqual([...threaded], [...lists]);
  t.true([...lists.values()].every((l) => l.length === 10));
  for (const [a, b] of [seeded.blocked, seeded.recent, seeded.declined, seeded.old]) t.is(lists.get(a)![0], b);
  for (const [id, list] of lists) {
    t.false(list.includes(id));
    t.true(list.length <= 10 && list.every((x) => table.rowOf.has(x)));
  }

  const report = await rounds.run({ dryRun: true });
  t.is(report.members, matchable.length);
  // k-NN candidates, not all pairs (the components are then matched exactly or not, by size).
  t.true((report.stats.candidatePairs ?? Infinity) <= matchable.length * 10);
  const placed = [...report.groups.flatMap((g) => g.members.map((m) => m.memberId)), ...report.noPartner.map((n) => n.memberId)];
  t.is(placed.length, matchable.length, 'everyone placed once');
  t.deepEqual([...placed].sort(), [...matchable].sort());

  const pairs = new Set<string>();
  for (const g of report.groups) {
    const ids = g.members.map((m) => m.memberId).sort();
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.add(`${ids[i]}|${ids[j]}`);
    t.true(g.overlap.length > 0);
  }
  const has = ([a, b]: [string, string]) => pairs.has(a < b ? `${a}|${b}` : `${b}|${a}`);
  // What the database excludes (read back, not from the fixtures' intent).
  const { rows: blocks } = await db.pool.query<{ blocker_id: string; blocked_id: string }>('SELECT blocker_id, blocked_id FROM member_blocks');
  const { rows: history } = await db.pool.query<{ member_low: string; member_high: string }>(
    "SELECT member_low, member_high FROM match_pairs WHERE declined OR paired_at > now() - interval '8 weeks'",
  );
  t.is(blocks.length + history.length, 3);
  for (const b of blocks) t.false(has([b.blocker_id, b.blocked_id]), 'blocked pair formed');
  for (const h of history) t.false(has([h.member_low, h.member_high]), 'recent or declined pair formed');
  const { rows: cases } = await db.pool.query<{ id: string }>("SELECT subject_member_id AS id FROM moderation_cases WHERE status = 'open'");
  for (const c of cases) {
    t.false(report.groups.some((g) => g.members.some((m) => m.memberId === c.id)), 'a member under an open case was paired');
    const np = report.noPartner.find((n) => n.memberId === c.id);
    t.is(np?.reason, 'no_eligible_partner');
    t.regex(np!.detail, /under_moderation/);
  }
  t.true((report.stats.excludedPairs ?? 0) >= 3);
  t.true(report.groups.length >= Math.floor((matchable.length - report.noPartner.length) / 3));
  // The old pair (20 weeks ago) is allowed again: its twins are each other's best candidate, so they meet.
  t.true(has(seeded.old));

  // A dry run writes only its record.
  const { rows } = await db.pool.query<{ n: number; dry: boolean }>('SELECT count(*)::int AS n, bool_and(dry_run) AS dry FROM match_rounds');
  t.deepEqual(rows[0], { n: 1, dry: true });
  const { rows: sugg } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM match_suggestions');
  t.is(sugg[0]!.n, 0);
  t.true(report.timings.vectorsMs >= 0 && report.timings.candidatesMs >= 0);
});
