// Profile embeddings with the real local encoder (all-minilm-l6-v2-q from the verified model cache) through the
// embedding service on both backends: facets, skip when unchanged, complementary goals found as candidates, the
// table and the index agreeing after changes and after a restart.
import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { dot, EMBEDDING_DIM, facetTexts, ProfileEmbedder, sharedProfileEmbedder, type ProfileTexts } from '../../engine/matching/embedder.js';
import { EmbeddingService } from '../../engine/matching/embedding-service.js';
import { MatchingVectorIndex } from '../../engine/matching/vector-index.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { insertMembers } from './support.js';

const config = loadConfig();
const embedder = () => sharedProfileEmbedder(config.dirs.models);

const FOUNDER: ProfileTexts = {
  headline: 'Founder and CEO of a seed-stage climate software startup',
  experience: [{ role: 'Founder', company: 'CarbonLedger', years: 2, description: 'Building carbon accounting software for manufacturers.' }],
  skills: ['product management', 'sales'],
  offers: ['Customer discovery interviews and early B2B sales'],
  seeks: ['Advice on raising a seed round from venture capital investors'],
};
const INVESTOR: ProfileTexts = {
  headline: 'Partner at an early-stage venture capital fund',
  experience: [{ role: 'Partner', company: 'Northwind Ventures', years: 8, description: 'Led seed and Series A investments in climate tech.' }],
  offers: ['I help founders prepare fundraising pitches and raise seed rounds'],
  seeks: ['Learning how B2B startups run customer discovery and early sales'],
};
const SRE: ProfileTexts = {
  headline: 'Site reliability engineer',
  experience: [{ role: 'Staff SRE', company: 'Hostly', years: 10, description: 'Runs Kubernetes clusters and on-call for a large hosting company.' }],
  offers: ['Kubernetes operations, incident response and on-call practices'],
  seeks: ['A mentor for moving into engineering management'],
};
const MANAGER: ProfileTexts = {
  headline: 'Director of engineering',
  experience: [{ role: 'Director of Engineering', company: 'Payly', years: 12, description: 'Grew an infrastructure team from 5 to 40 engineers.' }],
  offers: ['Coaching new engineering managers through their first year'],
  seeks: ['Peers to discuss hiring senior engineers'],
};

test.after.always(async () => {
  await (await embedder()).close();
});

test('the embedder: one normalised 384-d vector per facet with text, long experience packed into windows, throughput on one thread', async (t) => {
  const e = await embedder();
  const v = await e.embedProfile(FOUNDER);
  for (const facet of ['offers', 'seeks', 'experience'] as const) {
    t.is(v[facet]!.length, EMBEDDING_DIM);
    t.true(Math.abs(dot(v[facet]!, v[facet]!) - 1) < 1e-4);
  }
  t.deepEqual(await e.embedProfile({ headline: 'x' }).then((r) => [r.offers, r.seeks]), [null, null]);
  // Complementarity is asymmetric and meaningful: the founder's "looking for" is the investor's "can help with".
  const inv = await e.embedProfile(INVESTOR);
  const sre = await e.embedProfile(SRE);
  t.true(dot(v.seeks!, inv.offers!) > dot(v.seeks!, sre.offers!) + 0.15, `${dot(v.seeks!, inv.offers!)} vs ${dot(v.seeks!, sre.offers!)}`);
  t.true(dot(inv.seeks!, v.offers!) > dot(inv.seeks!, sre.offers!));
  // Text over the model's window is not cut off: a late entry still moves the vector.
  const long: ProfileTexts = { experience: Array.from({ length: 12 }, (_, i) => ({ role: 'Engineer', company: `Company ${i}`, description: 'Worked on backend services, APIs, databases and deployment pipelines for web products. '.repeat(3) })) };
  const longer: ProfileTexts = { experience: [...long.experience!, { role: 'Oncologist', company: 'City Hospital', description: 'Clinical oncology, chemotherapy and radiation treatment planning.' }] };
  const a = (await e.embedProfile(long)).experience!;
  const b = (await e.embedProfile(longer)).experience!;
  t.true(dot(a, b) < 0.999, 'the last entry counts');
  // The intro transcript is part of the experience text.
  t.regex(facetTexts({ ...FOUNDER, introTranscript: 'Hi, I love talking about batteries.' }).experience, /batteries/);

  const profiles = [FOUNDER, INVESTOR, SRE, MANAGER];
  const t0 = performance.now();
  const n = 24;
  for (let i = 0; i < n; i++) await e.embedProfile(profiles[i % 4]!);
  const perSecond = n / ((performance.now() - t0) / 1000);
  t.log(`embedding throughput: ${perSecond.toFixed(1)} profiles/s (3 facets each, 1 ORT thread)`);
  t.true(perSecond > 2);
});

for (const kind of BACKENDS) {
  test(`${kind}: reembed skips unchanged text; candidates by complementary goals; table and index agree across a restart`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-embedding-service-'));
    t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
    const index = await MatchingVectorIndex.open({ db: db.pool, dir });
    const service = new EmbeddingService({ db: db.pool, index, embedder });
    const [founder, investor, sre, manager] = (await insertMembers(db.pool, 4)) as [string, string, string, string];

    t.deepEqual(await service.reembed(founder, FOUNDER), { updated: ['offers', 'seeks', 'experience'], unchanged: [], removed: [] });
    await service.onProfileChanged(investor, INVESTOR);
    await service.reembed(sre, SRE);
    await service.reembed(manager, MANAGER);
    t.deepEqual(await service.reembed(founder, FOUNDER), { updated: [], unchanged: ['offers', 'seeks', 'experience'], removed: [] });
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM member_embeddings');
    t.is(rows[0]!.n, '12');

    const cands = await service.candidates(founder, 3);
    t.is(cands.length, 3);
    t.false(cands.some((c) => c.memberId === founder));
    t.is(cands[0]!.memberId, investor, JSON.stringify(cands));
    const inv = cands[0]!;
    const sreC = cands.find((c) => c.memberId === sre)!;
    t.true(inv.goalFitAB! > sreC.goalFitAB!, 'the investor offers what the founder seeks');
    t.true(inv.goalFitBA! > sreC.goalFitBA!, 'the founder offers what the investor seeks');
    t.deepEqual(await service.pairScores(founder, investor), { goalFitAB: inv.goalFitAB, goalFitBA: inv.goalFitBA, experienceSimilarity: inv.experienceSimilarity, embeddingScore: inv.embeddingScore });
    const sreCands = await service.candidates(sre, 1, { exclude: new Set([founder]) });
    t.is(sreCands[0]!.memberId, manager, 'the would-be manager finds the coach');

    // A changed goal re-embeds that facet only; a goal removed drops its row and index entry.
    t.deepEqual(await service.reembed(sre, { ...SRE, seeks: ['Advice on raising a seed round for my devops startup'] }), { updated: ['seeks'], unchanged: ['offers', 'experience'], removed: [] });
    t.is((await service.candidates(sre, 1, { exclude: new Set([manager]) }))[0]!.memberId, investor);
    t.deepEqual(await service.reembed(manager, { ...MANAGER, offers: [] }), { updated: [], unchanged: ['seeks', 'experience'], removed: ['offers'] });
    t.false(index.has('offers', manager));
    const vecs = await service.vectorsOf(manager);
    t.deepEqual(Object.keys(vecs).sort(), ['experience', 'seeks']);
    t.is((await service.candidates(sre, 3)).find((c) => c.memberId === manager)?.goalFitAB ?? null, null);
    // A round hands in the vectors it already loaded: the same candidates and scores as read from the index.
    const known = new Map(await Promise.all([founder, investor, sre, manager].map(async (m) => [m, await service.vectorsOf(m)] as const)));
    t.deepEqual(await service.candidates(sre, 3, { known }), await service.candidates(sre, 3));
    // Rooms for you: free texts against a member's goals and experience.
    const [climate, k8s] = await service.scoreTexts(investor, ['Fundraising for climate startups: seed rounds in 2025', 'Kubernetes on-call war stories']);
    t.true(climate!.experience! > k8s!.experience!);

    await service.removeMember(founder);
    t.false(index.has('seeks', founder));
    t.true(await index.isConsistent());
    await index.close();

    const again = await MatchingVectorIndex.open({ db: db.pool, dir });
    t.deepEqual(Object.values(again.startup).map((s) => s.source), ['loaded', 'loaded', 'loaded']);
    const service2 = new EmbeddingService({ db: db.pool, index: again, embedder });
    t.deepEqual(await service2.candidates(sre, 3), await service.candidates(sre, 3));
  });
}

test('the encoder is loaded once per process', async (t) => {
  t.is(await sharedProfileEmbedder(config.dirs.models), await sharedProfileEmbedder(config.dirs.models));
  t.true((await sharedProfileEmbedder(config.dirs.models)) instanceof ProfileEmbedder);
});
