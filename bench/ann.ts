// Nearest-neighbour bench for matching: hnswlib-node (the in-process index) vs exact brute force vs pgvector HNSW,
// measured in one run on the same vectors and queries, at 10k / 100k / 1M vectors of 384 dimensions
// (the dimension of all-minilm-l6-v2-q), plus the embedding throughput of real profile texts.
//
//   node --expose-gc --import tsx bench/ann.ts [--sizes 10000,100000,1000000] [--queries 200] [--pg-max 100000]
//        [--queries-1m 100] [--m 16] [--ef-construction 100] [--ef 16,32,64,128,256] [--budget-seconds 1800] [--out FILE] [--no-embed]
//
// Vectors are SYNTHETIC, from a seeded PRNG (mulberry32): clustered points on a 48-dimensional latent subspace
// (one cluster per ~100 vectors, Gaussian spread) projected to 384-d by a fixed random matrix, plus isotropic noise,
// L2-normalised — a stand-in for sentence embeddings, which also live near a low-dimensional manifold. Queries are
// fresh draws from the same distribution (not members of the set). Ground truth: exact top-10 by inner product
// (brute force over the whole matrix). recall@10 = |approx ∩ exact| / 10, averaged over the queries.
//
// hnswlib: built single-threaded through addPoint (as the service does), searched with searchKnn; latency is one
// query on the event loop. pgvector: a fresh database cloned from the test template on the local cluster, table
// (id int, embedding vector(384)), HNSW (vector_cosine_ops, m 16, ef_construction 64 — pgvector's defaults), latency
// is the client round trip of `ORDER BY embedding <=> $1 LIMIT 10` over the Unix socket. Sizes above --pg-max
// skip pgvector (loading and indexing 1M × 384 takes far longer than the rest of the run on a 2-core machine).
// The JSON goes to stdout and to --out (default bench/results/ann-<date>.json).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { loadConfig } from '../core/config.js';
import { ProfileEmbedder, type ProfileTexts } from '../engine/matching/embedder.js';
import { bruteForceTopK, toVectorLiteral } from '../engine/matching/vector-index.js';
import { createTestDatabase } from '../test/support/database.js';
import { mulberry32 } from '../core/random.js';

const { HierarchicalNSW } = hnswlib;
const DIM = 384;
const K = 10;
const log = (s: string) => process.stderr.write(`[bench ann ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    queries: { type: 'string', default: '200' },
    'queries-1m': { type: 'string', default: '100' },
    'pg-max': { type: 'string', default: '100000' },
    m: { type: 'string', default: '16' },
    'ef-construction': { type: 'string', default: '100' },
    ef: { type: 'string', default: '16,32,64,128,256,512' },
    'pg-ef': { type: 'string', default: '40,100,200' },
    'budget-seconds': { type: 'string', default: '1800' },
    out: { type: 'string' },
    'no-embed': { type: 'boolean', default: false },
    seed: { type: 'string', default: '20250101' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const nQueriesSmall = Number(values.queries);
const pgMax = Number(values['pg-max']);
const M = Number(values.m);
const EFC = Number(values['ef-construction']);
const efs = values.ef.split(',').map(Number);
const pgEfs = values['pg-ef'].split(',').map(Number);
const budgetMs = Number(values['budget-seconds']) * 1000;
const seed = Number(values.seed);


function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const LATENT = 48;

/** The generator of one synthetic distribution (fixed projection and cluster centres for a given seed and size). */
function makeGenerator(n: number, s: number) {
  const rand = mulberry32(s);
  const proj = new Float32Array(LATENT * DIM);
  for (let i = 0; i < proj.length; i++) proj[i] = gauss(rand) / Math.sqrt(LATENT);
  const clusters = Math.max(10, Math.round(n / 100));
  const centres = new Float32Array(clusters * LATENT);
  for (let i = 0; i < centres.length; i++) centres[i] = gauss(rand);
  const latent = new Float32Array(LATENT);
  return (out: Float32Array, off: number, r: () => number) => {
    const c = Math.floor(r() * clusters);
    for (let j = 0; j < LATENT; j++) latent[j] = centres[c * LATENT + j]! + 0.8 * gauss(r);
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      let x = 0.25 * gauss(r);
      for (let j = 0; j < LATENT; j++) x += latent[j]! * proj[j * DIM + d]!;
      out[off + d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < DIM; d++) out[off + d]! /= norm;
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const mb = (bytes: number) => Math.round(bytes / 1048576);

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const EXACT_TIMED = 20;
/** Every query is timed this many times (the machine is shared: more samples make p99 less of a lottery). */
const LATENCY_PASSES = 5;

/** Exact top-K of every query in one pass over the matrix (rows outer, queries inner: the data is read once). */
function batchedTruth(data: Float32Array, n: number, qdata: Float32Array, nq: number): number[][] {
  const bestS = new Float64Array(nq * K).fill(-Infinity);
  const bestL = new Int32Array(nq * K).fill(-1);
  for (let r = 0; r < n; r++) {
    const off = r * DIM;
    for (let q = 0; q < nq; q++) {
      const qo = q * DIM;
      let s = 0;
      for (let d = 0; d < DIM; d++) s += data[off + d]! * qdata[qo + d]!;
      const base = q * K;
      if (s <= bestS[base + K - 1]!) continue;
      let i = K - 1;
      while (i > 0 && bestS[base + i - 1]! < s) {
        bestS[base + i] = bestS[base + i - 1]!;
        bestL[base + i] = bestL[base + i - 1]!;
        i--;
      }
      bestS[base + i] = s;
      bestL[base + i] = r;
    }
  }
  return Array.from({ length: nq }, (_, q) => Array.from(bestL.subarray(q * K, (q + 1) * K)));
}

function recall(found: number[], truth: number[]): number {
  const t = new Set(truth);
  return found.filter((x) => t.has(x)).length / truth.length;
}

function latencyStats(ms: number[], cpuMs?: number[]) {
  return {
    p50Ms: r3(pct(ms, 50)),
    p99Ms: r3(pct(ms, 99)),
    meanMs: r3(ms.reduce((a, b) => a + b, 0) / ms.length),
    ...(cpuMs ? { cpuP50Ms: r3(pct(cpuMs, 50)), cpuP99Ms: r3(pct(cpuMs, 99)) } : {}),
  };
}

/** CPU time of the process (µs resolution): unlike wall time, it excludes the time the shared machine's scheduler kept us waiting. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function runSize(n: number) {
  // Exact ground truth at 1M costs ~n × queries × 384 multiply-adds in JS: fewer queries there.
  const nQueries = n >= 1_000_000 ? Number(values['queries-1m']) : nQueriesSmall;
  log(`n=${n}: generating vectors`);
  const gen = makeGenerator(n, seed + n);
  const data = new Float32Array(n * DIM);
  const rand = mulberry32(seed * 31 + n);
  for (let i = 0; i < n; i++) gen(data, i * DIM, rand);
  const qdata = new Float32Array(nQueries * DIM);
  const qrand = mulberry32(seed * 17 + n);
  for (let i = 0; i < nQueries; i++) gen(qdata, i * DIM, qrand);
  const queries = Array.from({ length: nQueries }, (_, i) => qdata.subarray(i * DIM, (i + 1) * DIM));
  const qArrays = queries.map((q) => Array.from(q));

  log(`n=${n}: exact ground truth for ${nQueries} queries`);
  const g0 = performance.now();
  const truth = batchedTruth(data, n, qdata, nQueries);
  const truthSeconds = (performance.now() - g0) / 1000;
  // Latency of one exact query, as a service would run it (brute force over the matrix, one thread).
  const exactMs: number[] = [];
  const exactCpu: number[] = [];
  for (const [i, q] of queries.slice(0, EXACT_TIMED).entries()) {
    const c = cpuMs();
    const t0 = performance.now();
    const top = bruteForceTopK(data, DIM, q, K).map((x) => x.label);
    exactMs.push(performance.now() - t0);
    exactCpu.push(cpuMs() - c);
    if (recall(top, truth[i]!) !== 1) throw new Error('exact search disagrees with the batched ground truth');
  }
  const result: Record<string, unknown> = {
    n,
    dim: DIM,
    queries: nQueries,
    exact: { method: 'brute force over a Float32Array (JS, one thread)', recallAt10: 1, timedQueries: exactMs.length, ...latencyStats(exactMs, exactCpu), groundTruthSeconds: r3(truthSeconds) },
  };

  // hnswlib
  gc();
  const rssBefore = process.memoryUsage().rss;
  const index = new HierarchicalNSW('ip', DIM);
  index.initIndex({ maxElements: n, m: M, efConstruction: EFC, randomSeed: 100, allowReplaceDeleted: true });
  const t0 = performance.now();
  let inserted = 0;
  const row = new Array<number>(DIM);
  for (; inserted < n; inserted++) {
    const off = inserted * DIM;
    for (let d = 0; d < DIM; d++) row[d] = data[off + d]!;
    index.addPoint(row, inserted);
    if (inserted % 50_000 === 49_999) {
      const el = performance.now() - t0;
      log(`n=${n}: hnswlib ${inserted + 1} inserted, ${Math.round(el / 1000)} s`);
      if (el > budgetMs) {
        inserted++;
        break;
      }
    }
  }
  const buildMs = performance.now() - t0;
  gc();
  const rssAfter = process.memoryUsage().rss;
  const complete = inserted === n;
  // With a budget cut, ground truth must be over the inserted prefix.
  const truthH = complete ? truth : batchedTruth(data, inserted, qdata, nQueries);
  const sweep = [];
  for (const ef of efs) {
    index.setEf(ef);
    for (const q of qArrays.slice(0, 20)) index.searchKnn(q, K); // warm
    const ms: number[] = [];
    const cms: number[] = [];
    let rec = 0;
    for (let pass = 0; pass < LATENCY_PASSES; pass++) {
      for (const [i, q] of qArrays.entries()) {
        const c = cpuMs();
        const s = performance.now();
        const res = index.searchKnn(q, K);
        ms.push(performance.now() - s);
        cms.push(cpuMs() - c);
        if (pass === 0) rec += recall(res.neighbors, truthH[i]!);
      }
    }
    sweep.push({ ef, recallAt10: r3(rec / nQueries), ...latencyStats(ms, cms) });
    log(`n=${n}: hnswlib ef=${ef} recall@10=${r3(rec / nQueries)} p99=${r3(pct(ms, 99))} ms cpu p99=${r3(pct(cms, 99))} ms`);
  }
  const chosen = sweep.find((s) => s.recallAt10 >= 0.98) ?? sweep[sweep.length - 1]!;
  const file = path.join(os.tmpdir(), `ann-bench-${process.pid}-${n}.hnsw`);
  const w0 = performance.now();
  await index.writeIndex(file);
  const writeMs = performance.now() - w0;
  const fileBytes = (await fs.stat(file)).size;
  const r0 = performance.now();
  const loaded = new HierarchicalNSW('ip', DIM);
  await loaded.readIndex(file, true);
  const readMs = performance.now() - r0;
  await fs.rm(file, { force: true });
  result.hnswlib = {
    m: M,
    efConstruction: EFC,
    inserted,
    complete,
    buildSeconds: r3(buildMs / 1000),
    insertsPerSecond: Math.round(inserted / (buildMs / 1000)),
    rssDeltaMb: mb(rssAfter - rssBefore),
    fileMb: mb(fileBytes),
    writeSeconds: r3(writeMs / 1000),
    loadSeconds: r3(readMs / 1000),
    sweep,
    chosen,
  };

  // pgvector
  if (n <= pgMax) result.pgvector = await runPgvector(n, data, queries, truth);
  else result.pgvector = { skipped: `n > --pg-max ${pgMax}: loading and HNSW-indexing ${n} × ${DIM} in PostgreSQL on this 2-core machine would take far longer than the rest of the run` };
  return result;
}

async function runPgvector(n: number, data: Float32Array, queries: Float32Array[], truth: number[][]) {
  log(`n=${n}: pgvector: loading`);
  const db = await createTestDatabase('postgres', { migrate: false });
  try {
    const pool = db.pool;
    await pool.query('CREATE TABLE ann_bench (id int PRIMARY KEY, embedding vector(384) NOT NULL)');
    const l0 = performance.now();
    const batch = 1000;
    for (let i = 0; i < n; i += batch) {
      const ids: number[] = [];
      const vs: string[] = [];
      for (let j = i; j < Math.min(n, i + batch); j++) {
        ids.push(j);
        vs.push(toVectorLiteral(data.subarray(j * DIM, (j + 1) * DIM)));
      }
      await pool.query('INSERT INTO ann_bench SELECT * FROM unnest($1::int[], $2::vector[])', [ids, vs]);
    }
    const loadMs = performance.now() - l0;
    const client = await pool.connect();
    try {
      await client.query("SET maintenance_work_mem = '2GB'");
      log(`n=${n}: pgvector: building HNSW`);
      const b0 = performance.now();
      await client.query('CREATE INDEX ann_bench_hnsw ON ann_bench USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)');
      const buildMs = performance.now() - b0;
      const { rows: sz } = await client.query<{ b: string }>("SELECT pg_relation_size('ann_bench_hnsw')::text AS b");
      const lits = queries.map((q) => toVectorLiteral(q));
      const sweep = [];
      for (const ef of pgEfs) {
        await client.query(`SET hnsw.ef_search = ${ef}`);
        for (const q of lits.slice(0, 20)) await client.query({ name: 'knn', text: 'SELECT id FROM ann_bench ORDER BY embedding <=> $1::vector LIMIT 10', values: [q] });
        const ms: number[] = [];
        let rec = 0;
        for (const [i, q] of lits.entries()) {
          const s = performance.now();
          const { rows } = await client.query<{ id: number }>({ name: 'knn', text: 'SELECT id FROM ann_bench ORDER BY embedding <=> $1::vector LIMIT 10', values: [q] });
          ms.push(performance.now() - s);
          rec += recall(rows.map((r) => r.id), truth[i]!);
        }
        sweep.push({ efSearch: ef, recallAt10: r3(rec / lits.length), ...latencyStats(ms) });
        log(`n=${n}: pgvector ef_search=${ef} recall@10=${r3(rec / lits.length)} p99=${r3(pct(ms, 99))} ms`);
      }
      // Exact in PostgreSQL: the same query with index scans off (sequential scan and sort), on 20 queries.
      await client.query('SET enable_indexscan = off');
      const exactMs: number[] = [];
      let exactRecall = 0;
      for (const [i, q] of lits.slice(0, 20).entries()) {
        const s = performance.now();
        const { rows } = await client.query<{ id: number }>('SELECT id FROM ann_bench ORDER BY embedding <=> $1::vector LIMIT 10', [q]);
        exactMs.push(performance.now() - s);
        exactRecall += recall(rows.map((r) => r.id), truth[i]!);
      }
      return {
        m: 16,
        efConstruction: 64,
        loadSeconds: r3(loadMs / 1000),
        buildSeconds: r3(buildMs / 1000),
        indexMb: mb(Number(sz[0]!.b)),
        sweep,
        exactSql: { queries: exactMs.length, recallAt10: r3(exactRecall / exactMs.length), ...latencyStats(exactMs) },
      };
    } finally {
      client.release();
    }
  } finally {
    await db.close();
  }
}

const SAMPLE_PROFILES: ProfileTexts[] = [
  {
    headline: 'Founder and CEO of a seed-stage climate software startup',
    experience: [
      { role: 'Founder', company: 'CarbonLedger', years: 2, description: 'Building carbon accounting software for manufacturers; raised a pre-seed round; hired the first five engineers.' },
      { role: 'Product Manager', company: 'Siemens', years: 5, description: 'Owned the energy-monitoring product line for industrial customers in Europe.' },
    ],
    skills: ['product management', 'B2B sales', 'fundraising'],
    offers: ['Customer discovery interviews and early B2B sales to manufacturers'],
    seeks: ['Advice on raising a seed round from venture capital investors'],
    introTranscript: 'Hi, I am building software that helps factories measure their emissions, and I would love to meet investors and other founders.',
  },
  {
    headline: 'Staff site reliability engineer',
    experience: [{ role: 'Staff SRE', company: 'Hostly', years: 10, description: 'Runs Kubernetes clusters, incident response and on-call rotations for a large hosting company.' }],
    skills: ['Kubernetes', 'Terraform', 'Go'],
    offers: ['Kubernetes operations, incident response and on-call practices'],
    seeks: ['A mentor for moving into engineering management'],
  },
  {
    headline: 'Clinical researcher in oncology',
    experience: [{ role: 'Research Fellow', company: 'City Hospital', years: 4, description: 'Designs and runs phase II trials of targeted cancer therapies.' }],
    offers: ['Clinical trial design and working with hospital ethics boards'],
    seeks: ['Data scientists interested in survival analysis on trial data'],
  },
];

async function embeddingThroughput() {
  const config = loadConfig();
  const l0 = performance.now();
  const embedder = await ProfileEmbedder.load(config.dirs.models, { threads: 1 });
  const loadMs = performance.now() - l0;
  for (const p of SAMPLE_PROFILES) await embedder.embedProfile(p);
  const n = 60;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await embedder.embedProfile(SAMPLE_PROFILES[i % SAMPLE_PROFILES.length]!);
  const s = (performance.now() - t0) / 1000;
  await embedder.close();
  return { model: embedder.model, ortThreads: 1, profiles: n, facetsPerProfile: 3, profilesPerSecond: r3(n / s), msPerProfile: r3((s * 1000) / n), loadMs: Math.round(loadMs) };
}

async function main(): Promise<void> {
  const started = new Date();
  const loadAverageBefore = os.loadavg().map(r3);
  const embedding = values['no-embed'] ? undefined : await embeddingThroughput();
  if (embedding) log(`embedding: ${embedding.profilesPerSecond} profiles/s`);
  const results = [];
  for (const n of sizes) {
    results.push(await runSize(n));
    gc();
  }
  const report = {
    bench: 'ann',
    date: started.toISOString(),
    data: `synthetic: ${LATENT}-d latent clusters (~100 vectors per cluster) projected to ${DIM}-d plus isotropic noise, L2-normalised, seeded PRNG (mulberry32, seed ${seed}); queries are fresh draws from the same distribution`,
    k: K,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', totalMemGb: Math.round(os.totalmem() / 2 ** 30), loadAverageBefore, loadAverageAfter: os.loadavg().map(r3) },
    embedding,
    results,
  };
  const json = JSON.stringify(report, null, 2) + '\n';
  const out = values.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', `ann-${started.toISOString().slice(0, 10)}.json`);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, json);
  process.stdout.write(json);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
