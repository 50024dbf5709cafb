// Suggestions bench (JSON on stdout and in bench/results/matching-<date>.json):
//  1. quality — bench/data/matching-scenarios-v1.jsonl (40 members in 20 pairs with a known good partner each,
//     written for this bench): real embeddings from the local encoder, then every member's suggestions (top 5)
//     through SuggestionService: share whose known partner is in their top 5 (and among their 5 round candidates,
//     with all three facet queries or the two goal-fit ones); share of suggestions that are gated
//     (the candidate is matchable) and overlap ≥ 30 min.
//  2. embedding throughput — profiles per second embedding the scenario profiles on one thread, and re-embedding
//     them unchanged (sha256 reuse: nothing is encoded again).
//  3. scale — N members (default 10,000) with SYNTHETIC 384-d vectors (clustered, seeded) straight in
//     member_embeddings and profiles in SQL (all gated: photo, intro and connections set in the tables, opted in,
//     zones and availabilities from a few common patterns); the suggestions read for a sample of members: p50/p95 of
//     the first read (ranks and stores 5 suggestions) and of a steady read (already full); then a dry-run round
//     over all N (time, with the round's own timings split into loading stages).
//     Setup is bulk: multi-row INSERTs of 5,000 rows (unnest arrays), and the bench's throwaway database drops the
//     three pgvector HNSW indexes before loading vectors (maintaining them row by row was most of the old 134 s at
//     10k; neither rounds nor suggestions read them — pgvector is measured by bench/ann.ts). Member ids and vectors
//     are seeded, so with --index-dir the hnswlib graphs built once (minutes at 100k) are loaded on the next run
//     (the index's checksum of the rows must match, else it rebuilds).
//
//   node --import tsx bench/matching.ts [--members 10000] [--sample 200] [--out FILE] [--skip-quality]
//        [--index-dir DIR] [--fanout N] [--rounds 1] [--threads N] [--queries all|goals]
//   --threads: the round's k-NN search threads (default: the round's own, min(4, cores)); --queries: its facet
//   queries (the two goal-fit ones, the round's default, or all three); --time-aware false: candidates not cut by shared free time.
//   --variants '[{"name":"a","threads":1,"queries":"all","timeAware":false,"fanout":10},…]': one dry-run
//   round per variant over the same setup (instead of --rounds).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../core/config.js';
import { sharedProfileEmbedder, EMBEDDING_DIM, MATCHING_EMBEDDING_MODEL } from '../engine/matching/embedder.js';
import { EmbeddingService } from '../engine/matching/embedding-service.js';
import { MatchingProfileService } from '../engine/matching/matching-profile-service.js';
import { NotificationService } from '../engine/matching/notification-service.js';
import { RoundService, type RoundOptions } from '../engine/matching/round-service.js';
import { ALL_FACET_QUERIES, GOAL_FACET_QUERIES } from '../engine/matching/round-candidates.js';
import { SuggestionService } from '../engine/matching/suggestion-service.js';
import { MatchingVectorIndex } from '../engine/matching/vector-index.js';
import { inTransaction } from '../db/queryable.js';
import { SanctionStore } from '../engine/sanctions/sanction-store.js';
import { SocialService } from '../engine/social/index.js';
import { overlap } from '../matcher/availability.js';
import { createTestDatabase } from '../test/support/database.js';
import type { Database } from '../db/database.js';
import { mulberry32 as prng } from '../core/random.js';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '10000' },
    sample: { type: 'string', default: '200' },
    out: { type: 'string' },
    'skip-quality': { type: 'boolean', default: false },
    'index-dir': { type: 'string' },
    fanout: { type: 'string' },
    threads: { type: 'string' },
    queries: { type: 'string', default: 'goals' },
    'time-aware': { type: 'string', default: 'true' },
    variants: { type: 'string' },
    rounds: { type: 'string', default: '1' },
  },
});
const N = Number(values.members);
const SAMPLE = Number(values.sample);
const config = loadConfig();
const quiet = pino({ level: 'silent' });
const log = (s: string) => process.stderr.write(`[bench matching ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const SCENARIOS = fileURLToPath(new URL('./data/matching-scenarios-v1.jsonl', import.meta.url));

interface Scenario {
  id: string;
  partner: string;
  displayName: string;
  headline: string;
  experience: { role: string; company: string; years: number; description: string }[];
  skills: string[];
  offers: string[];
  seeks: string[];
  languages: string[];
  timeZone: string;
  availability: object;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
}

async function services(db: Database, index: MatchingVectorIndex) {
  const profiles = new MatchingProfileService({ pool: db.pool, limits: config.matching, restrictions: new SanctionStore(db.pool), blocks: new SocialService(db.pool), introModels: () => Promise.reject(new Error('unused')) });
  const embeddings = new EmbeddingService({ db: db.pool, index, embedder: () => sharedProfileEmbedder(config.dirs.models) });
  const suggestions = new SuggestionService({ pool: db.pool, profiles, embeddings, notifications: new NotificationService(db.pool) });
  const rounds = new RoundService({ pool: db.pool, profiles, embeddings, suggestions });
  return { profiles, embeddings, suggestions, rounds };
}

const INSERT_BATCH = 5000;

if (values.queries !== 'all' && values.queries !== 'goals') throw new Error('--queries must be all or goals');
interface Variant {
  name: string;
  threads?: number;
  queries?: 'all' | 'goals';
  timeAware?: boolean;
  fanout?: number;
}
const variants: Variant[] = values.variants
  ? (JSON.parse(values.variants) as Variant[])
  : Array.from({ length: Number(values.rounds) }, () => ({
      name: 'default',
      ...(values.threads ? { threads: Number(values.threads) } : {}),
      queries: values.queries as 'all' | 'goals',
      timeAware: values['time-aware'] !== 'false',
      ...(values.fanout ? { fanout: Number(values.fanout) } : {}),
    }));
const roundOptsOf = (v: Variant): RoundOptions => ({
  dryRun: true,
  ...(v.fanout ? { fanout: v.fanout } : {}),
  ...(v.threads ? { searchThreads: v.threads } : {}),
  facetQueries: v.queries === 'all' ? ALL_FACET_QUERIES : GOAL_FACET_QUERIES,
  timeAwareCandidates: v.timeAware !== false,
});

/** A v4-shaped uuid from the seeded generator (the same run gives the same ids: a persisted index stays valid). */
function seededUuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rand() * 4)]!;
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Members with gated profiles (photo, intro, connections in the tables), in batches. */
async function insertMembers(db: Database, rows: { id: string; name: string; headline: string; experience: object[]; offers: string[]; seeks: string[]; languages: string[]; zone: string; availability: object }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const b = rows.slice(i, i + INSERT_BATCH);
    await db.pool.query(`INSERT INTO members (id, email, password_hash, display_name) SELECT id, id::text || '@bench.test', 'x', n FROM unnest($1::uuid[], $2::text[]) AS t(id, n)`, [b.map((r) => r.id), b.map((r) => r.name)]);
    await db.pool.query(
      `INSERT INTO matching_profiles (member_id, headline, experience, offers, seeks, languages, time_zone, availability, opted_in, opted_in_at, imported_connections)
       SELECT id, h, e::jsonb, ARRAY(SELECT jsonb_array_elements_text(o::jsonb)), ARRAY(SELECT jsonb_array_elements_text(s::jsonb)), ARRAY(SELECT jsonb_array_elements_text(l::jsonb)), z, a::jsonb, true, now(), 10
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(id, h, e, o, s, l, z, a)`,
      [b.map((r) => r.id), b.map((r) => r.headline), b.map((r) => JSON.stringify(r.experience)), b.map((r) => JSON.stringify(r.offers)), b.map((r) => JSON.stringify(r.seeks)), b.map((r) => JSON.stringify(r.languages)), b.map((r) => r.zone), b.map((r) => JSON.stringify(r.availability))],
    );
    await db.pool.query(`INSERT INTO member_photos (member_id, bytes, media_type, width, height, face_score, face_detector) SELECT id, '\\xffd8'::bytea, 'image/jpeg', 64, 64, 0.9, 'bench' FROM unnest($1::uuid[]) AS id`, [b.map((r) => r.id)]);
    await db.pool.query(`INSERT INTO member_intros (member_id, audio, media_type, duration_ms) SELECT id, '\\x00'::bytea, 'audio/wav', 10000 FROM unnest($1::uuid[]) AS id`, [b.map((r) => r.id)]);
  }
}

async function quality() {
  const db = await createTestDatabase('postgres');
  const index = await MatchingVectorIndex.open({ db: db.pool, dir: null, log: quiet });
  const s = await services(db, index);
  const scenarios = (await fs.readFile(SCENARIOS, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Scenario);
  const idOf = new Map<string, string>(scenarios.map((x) => [x.id, randomUUID() as string]));
  await insertMembers(db, scenarios.map((x) => ({ id: idOf.get(x.id)!, name: x.displayName, headline: x.headline, experience: x.experience, offers: x.offers, seeks: x.seeks, languages: x.languages, zone: x.timeZone, availability: x.availability })));
  await sharedProfileEmbedder(config.dirs.models); // load outside the timing
  let t = performance.now();
  for (const x of scenarios) await s.embeddings.reembed(idOf.get(x.id)!, (await s.profiles.matchProfile(idOf.get(x.id)!))!.texts);
  const embedMs = performance.now() - t;
  t = performance.now();
  for (const x of scenarios) await s.embeddings.reembed(idOf.get(x.id)!, (await s.profiles.matchProfile(idOf.get(x.id)!))!.texts);
  const reuseMs = performance.now() - t;

  let hits = 0;
  let total = 0;
  let gated = 0;
  let overlapping = 0;
  const misses: { member: string; partner: string; got: string[] }[] = [];
  const nameOf = new Map(scenarios.map((x) => [idOf.get(x.id)!, x.displayName]));
  const now = Date.now();
  for (const x of scenarios) {
    const me = idOf.get(x.id)!;
    const list = await s.suggestions.list(me);
    const top = list.items.slice(0, 5).map((i) => i.candidate.memberId);
    if (top.includes(idOf.get(x.partner)!)) hits++;
    else misses.push({ member: x.displayName, partner: nameOf.get(idOf.get(x.partner)!)!, got: top.map((id) => nameOf.get(id)!) });
    const mine = (await s.profiles.matchProfile(me))!;
    for (const item of list.items) {
      total++;
      if (await s.profiles.isMatchable(item.candidate.memberId)) gated++;
      const other = (await s.profiles.matchProfile(item.candidate.memberId))!;
      const common = overlap({ zone: mine.timeZone!, availability: mine.availability! }, { zone: other.timeZone!, availability: other.availability! }, now, now + 14 * 86_400_000, { minMinutes: 30 });
      if (common.length > 0) overlapping++;
    }
  }
  // The round's candidate graph on the same members: share whose known partner is among their k = 5 round
  // candidates (fanout 10), with all three facet queries and with the two goal-fit ones only.
  const table = await s.embeddings.vectorTable(scenarios.map((x) => idOf.get(x.id)!));
  const roundCandidatesTop5: Record<string, number> = {};
  for (const [name, queries] of [['all', ALL_FACET_QUERIES], ['goals', GOAL_FACET_QUERIES]] as const) {
    const lists = await s.embeddings.roundCandidates(table, 5, { fanout: 10, queries, threads: 1 });
    const found = scenarios.filter((x) => lists.get(idOf.get(x.id)!)!.includes(idOf.get(x.partner)!)).length;
    roundCandidatesTop5[name] = Math.round((found / scenarios.length) * 1000) / 1000;
  }
  await s.profiles.close();
  await db.close();
  return {
    roundCandidatesTop5,
    scenarioSet: 'bench/data/matching-scenarios-v1.jsonl',
    members: scenarios.length,
    partnerInTop5: Math.round((hits / scenarios.length) * 1000) / 1000,
    suggestions: total,
    gatedShare: total ? gated / total : 1,
    overlap30Share: total ? overlapping / total : 1,
    misses,
    embedding: { profiles: scenarios.length, profilesPerSecond: Math.round((scenarios.length / embedMs) * 1000 * 10) / 10, unchangedReembedPerSecond: Math.round((scenarios.length / reuseMs) * 1000), threads: 1 },
  };
}


async function scale() {
  const rand = prng(7);
  const ZONES = ['Europe/Rome', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney'];
  const AVAIL = [{ parts: ['weekday_mornings'] }, { parts: ['weekday_afternoons'] }, { parts: ['weekday_evenings'] }, { parts: ['weekday_mornings', 'weekend_mornings'] }];
  const db = await createTestDatabase('postgres');
  const ids = Array.from({ length: N }, () => seededUuid(rand));
  let t = performance.now();
  await insertMembers(db, ids.map((id, i) => ({ id, name: `Member ${i}`, headline: 'Bench member', experience: [{ role: 'Engineer', company: 'Co', years: 3, description: 'x'.repeat(100) }, { role: 'Lead', company: 'Co2', years: 2, description: 'y'.repeat(100) }], offers: ['o'], seeks: ['s'], languages: ['en'], zone: ZONES[i % ZONES.length]!, availability: AVAIL[Math.floor(i / ZONES.length) % AVAIL.length]! })));
  const membersMs = performance.now() - t;
  t = performance.now();
  // Throwaway database: without the pgvector HNSW indexes the vectors load in bulk (see the header). The vectors are
  // made inside PostgreSQL (seeded): formatting 115M floats as text in JS took ~1 ms per vector on this machine.
  // (unnest, not c.v[d]: subscripting a toasted 3 kB array detoasts it for every element.)
  // Clustered like real profiles: max(10, N/100) random centres; a member's three facets are its centre × 3 plus
  // Gaussian noise (Box–Muller), normalised.
  for (const facet of ['offers', 'seeks', 'experience']) await db.pool.query(`DROP INDEX IF EXISTS member_embeddings_${facet}_hnsw`);
  const centres = Math.max(10, Math.floor(N / 100));
  const centreOf = ids.map(() => Math.floor(rand() * centres));
  await inTransaction(db.pool, async (tx) => {
    await tx.query('SELECT setseed(0.7)');
    await tx.query(
      `CREATE TEMP TABLE bench_centres ON COMMIT DROP AS
         SELECT c, array_agg(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) ORDER BY d) AS v
           FROM generate_series(0, $1 - 1) c, generate_series(1, ${EMBEDDING_DIM}) d GROUP BY c`,
      [centres],
    );
    for (let i = 0; i < N; i += INSERT_BATCH) {
      await tx.query(
        `INSERT INTO member_embeddings (member_id, facet, model, embedding, text_sha256)
         SELECT m.id, f.facet, $3,
                l2_normalize((SELECT array_agg(x * 3 + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) ORDER BY d)
                                FROM unnest(c.v) WITH ORDINALITY AS u(x, d) WHERE m.id IS NOT NULL AND f.facet IS NOT NULL)::vector),
                encode(sha256(convert_to($3 || m.id::text || f.facet, 'UTF8')), 'hex')
           FROM unnest($1::uuid[], $2::int[]) WITH ORDINALITY AS m(id, centre, ord)
           JOIN bench_centres c ON c.c = m.centre
          CROSS JOIN unnest(ARRAY['offers', 'seeks', 'experience']) WITH ORDINALITY AS f(facet, fo)
          ORDER BY m.ord, f.fo`,
        [ids.slice(i, i + INSERT_BATCH), centreOf.slice(i, i + INSERT_BATCH), MATCHING_EMBEDDING_MODEL],
      );
    }
  });
  const vectorsMs = performance.now() - t;
  log(`setup: ${N} members in ${Math.round(membersMs)} ms, their vectors in ${Math.round(vectorsMs)} ms`);
  t = performance.now();
  const indexDir = values['index-dir'] ? path.resolve(values['index-dir'], `n${N}`) : null;
  if (indexDir) await fs.mkdir(indexDir, { recursive: true });
  const index = await MatchingVectorIndex.open({ db: db.pool, dir: indexDir, log: quiet });
  const indexMs = performance.now() - t;
  const indexSource = Object.values(index.startup).map((f) => f.source).join('/');
  if (indexDir) await index.persist();
  log(`index: ${indexSource} in ${Math.round(indexMs)} ms`);
  const s = await services(db, index);
  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(N / SAMPLE)) === 0).slice(0, SAMPLE);
  const first: number[] = [];
  const steady: number[] = [];
  let shown = 0;
  for (const id of sample) {
    let t0 = performance.now();
    const r = await s.suggestions.list(id);
    first.push(performance.now() - t0);
    shown += r.items.length;
    t0 = performance.now();
    await s.suggestions.list(id);
    steady.push(performance.now() - t0);
  }
  log(`suggestions: first p95 ${pct(first, 95)} ms, steady p95 ${pct(steady, 95)} ms`);
  const rounds: object[] = [];
  for (const v of variants) {
    const load = os.loadavg().map((x) => Math.round(x * 100) / 100);
    t = performance.now();
    const cpu0 = process.cpuUsage(); // the whole process: the search workers' CPU included
    const round = await s.rounds.run(roundOptsOf(v));
    const cpu = process.cpuUsage(cpu0);
    const roundMs = performance.now() - t;
    rounds.push({ variant: v, ms: Math.round(roundMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), method: round.method, groups: round.groups.length, noPartner: round.noPartner.length, timings: round.timings, stats: round.stats, load, loadAfter: os.loadavg().map((x) => Math.round(x * 100) / 100) });
    log(`round ${v.name}: ${Math.round(roundMs)} ms (cpu ${Math.round((cpu.user + cpu.system) / 1000)} ms) ${JSON.stringify(round.timings)}, ${round.groups.length} groups, ${round.noPartner.length} without a partner`);
  }
  await index.close();
  await s.profiles.close();
  await db.close();
  return {
    members: N,
    vectors: 'synthetic, clustered, 384-d (seeded)',
    setupMs: { members: Math.round(membersMs), vectors: Math.round(vectorsMs), index: Math.round(indexMs), indexSource },
    suggestions: {
      sample: sample.length,
      meanShown: Math.round((shown / sample.length) * 100) / 100,
      firstReadMs: { p50: pct(first, 50), p95: pct(first, 95), max: pct(first, 100) },
      steadyReadMs: { p50: pct(steady, 50), p95: pct(steady, 95), max: pct(steady, 100) },
    },
    // The 2-core machine is shared: the load average (before, after) says how much of the wall time was waiting.
    rounds,
  };
}

const started = new Date();
let q: Awaited<ReturnType<typeof quality>> | 'skipped' = 'skipped';
if (!values['skip-quality']) {
  log('quality on the scenario set');
  q = await quality();
  log(`partner in top 5: ${q.partnerInTop5}`);
}
log(`scale at ${N} members`);
const sc = await scale();
const result = { bench: 'matching', date: started.toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model }, quality: q, scale: sc };
const json = JSON.stringify(result, null, 2);
process.stdout.write(`${json}\n`);
const out = values.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', `matching-${started.toISOString().slice(0, 10)}.json`);
await fs.writeFile(out, `${json}\n`);
process.exit(0);
