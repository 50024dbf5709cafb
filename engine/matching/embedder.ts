// Embeddings of a member's matching profile with the local sentence encoder from the model registry
// (all-minilm-l6-v2-q, 384-d, mean pooling; its own tokenizer.json run by @huggingface/tokenizers — see
// models/classifier/sentence-encoder.ts). One vector per facet, L2-normalised, so that
//   goal fit "A looks for what B offers" = seeks(A) · offers(B)
//   experience similarity              = experience(A) · experience(B)
// The intro transcript enriches the `experience` facet (who the member is and what they want to talk about).
//
// Text longer than the model's window (256 word pieces for MiniLM-L6) is not cut: the facet's segments (each
// experience entry, the headline, the skills line, each goal) are packed greedily into windows, every window is
// embedded, and the facet vector is the token-weighted mean, re-normalised.
import crypto from 'node:crypto';
import { loadClassifierEncoder } from '../../models/classifier/encoders.js';
import type { SentenceEncoder } from '../../models/classifier/sentence-encoder.js';

export const EMBEDDING_FACETS = ['offers', 'seeks', 'experience'] as const;
export type EmbeddingFacet = (typeof EMBEDDING_FACETS)[number];

export function isEmbeddingFacet(v: unknown): v is EmbeddingFacet {
  return typeof v === 'string' && (EMBEDDING_FACETS as readonly string[]).includes(v);
}

/** The registry model the matching vectors come from; stored with every row (`member_embeddings.model`). */
export const MATCHING_EMBEDDING_MODEL = 'all-minilm-l6-v2-q';
export const EMBEDDING_DIM = 384;
/** MiniLM-L6-v2 was trained with 256 word pieces; [CLS]/[SEP] included. */
const WINDOW_TOKENS = 256;

export interface ExperienceEntryText {
  role?: string;
  company?: string;
  years?: number | string;
  description?: string;
}

/** What the embeddings are made of; every field optional so the profile service can pass what it has. */
export interface ProfileTexts {
  headline?: string;
  experience?: readonly ExperienceEntryText[];
  skills?: readonly string[];
  /** "I can help with…" */
  offers?: string | readonly string[];
  /** "I'm looking for…" */
  seeks?: string | readonly string[];
  /** Transcript of the recorded intro (after moderation). */
  introTranscript?: string;
}

/** Segments of each facet's text (empty array: the facet has no text, hence no vector). */
export function facetSegments(p: ProfileTexts): Record<EmbeddingFacet, string[]> {
  const clean = (s: unknown): string => (typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '');
  const list = (v: string | readonly string[] | undefined): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? [...v] : []).map(clean).filter((s) => s !== '');
  const experience: string[] = [];
  if (clean(p.headline)) experience.push(clean(p.headline));
  for (const e of p.experience ?? []) {
    const years = e.years === undefined || e.years === '' ? '' : ` (${clean(String(e.years))} years)`;
    const head = [clean(e.role), clean(e.company)].filter(Boolean).join(' at ');
    const s = [head ? `${head}${years}.` : '', clean(e.description)].filter(Boolean).join(' ');
    if (s) experience.push(s);
  }
  const skills = (p.skills ?? []).map(clean).filter(Boolean);
  if (skills.length > 0) experience.push(`Skills: ${skills.join(', ')}.`);
  if (clean(p.introTranscript)) experience.push(clean(p.introTranscript));
  return { offers: list(p.offers), seeks: list(p.seeks), experience };
}

/** The text a facet vector is computed from, as hashed into `text_sha256` (segments joined by newlines). */
export function facetTexts(p: ProfileTexts): Record<EmbeddingFacet, string> {
  const s = facetSegments(p);
  return { offers: s.offers.join('\n'), seeks: s.seeks.join('\n'), experience: s.experience.join('\n') };
}

export function textSha256(model: string, text: string): string {
  // The model id is part of the hash: the same text under another model is another vector.
  return crypto.createHash('sha256').update(`${model}\n${text}`).digest('hex');
}

export function l2normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  if (n === 0 || !Number.isFinite(n)) throw new RangeError('cannot normalise a zero or non-finite vector');
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export class ProfileEmbedder {
  readonly model = MATCHING_EMBEDDING_MODEL;
  readonly dim = EMBEDDING_DIM;
  readonly #encoder: SentenceEncoder;

  private constructor(encoder: SentenceEncoder) {
    this.#encoder = encoder;
  }

  /** Loads the sha256-verified model from the cache; `threads` ONNX Runtime intra-op threads (default 1). */
  static async load(modelsDir: string, opts: { threads?: number } = {}): Promise<ProfileEmbedder> {
    const encoder = await loadClassifierEncoder(MATCHING_EMBEDDING_MODEL, modelsDir, { maxTokens: WINDOW_TOKENS, threads: opts.threads ?? 1 });
    if (encoder.dim !== EMBEDDING_DIM) throw new Error(`${MATCHING_EMBEDDING_MODEL}: expected ${EMBEDDING_DIM}-d vectors, got ${encoder.dim}`);
    return new ProfileEmbedder(encoder);
  }

  /** One L2-normalised vector per facet that has text; null for a facet without text. */
  async embedProfile(p: ProfileTexts, facets: readonly EmbeddingFacet[] = EMBEDDING_FACETS): Promise<Record<EmbeddingFacet, Float32Array | null>> {
    const segs = facetSegments(p);
    const out = { offers: null, seeks: null, experience: null } as Record<EmbeddingFacet, Float32Array | null>;
    // One batch of windows across the facets: a profile is a handful of windows.
    const windows: { facet: EmbeddingFacet; text: string; tokens: number }[] = [];
    for (const facet of facets) for (const w of this.#pack(segs[facet])) windows.push({ facet, ...w });
    const vecs = windows.length > 0 ? await this.#encoder.embed(windows.map((w) => w.text)) : [];
    for (const facet of facets) {
      const idx = windows.map((w, i) => [w, i] as const).filter(([w]) => w.facet === facet);
      if (idx.length === 0) {
        out[facet] = null;
        continue;
      }
      if (idx.length === 1) {
        out[facet] = vecs[idx[0]![1]]!;
        continue;
      }
      const acc = new Float32Array(this.dim);
      for (const [w, i] of idx) {
        const v = vecs[i]!;
        for (let d = 0; d < this.dim; d++) acc[d]! += v[d]! * w.tokens;
      }
      out[facet] = l2normalize(acc);
    }
    return out;
  }

  /** Embeds free texts (queries such as a room's title and topics) into the same space. */
  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    return this.#encoder.embed(texts);
  }

  /** Segments packed greedily into windows of at most WINDOW_TOKENS (a longer single segment is cut by the encoder). */
  #pack(segments: readonly string[]): { text: string; tokens: number }[] {
    const windows: { text: string; tokens: number }[] = [];
    let cur: string[] = [];
    let curTokens = 0;
    for (const s of segments) {
      const n = Math.min(this.#encoder.tokenize(s).length - 2, WINDOW_TOKENS - 2);
      if (cur.length > 0 && curTokens + n > WINDOW_TOKENS - 2) {
        windows.push({ text: cur.join('\n'), tokens: curTokens });
        cur = [];
        curTokens = 0;
      }
      cur.push(s);
      curTokens += n;
    }
    if (cur.length > 0) windows.push({ text: cur.join('\n'), tokens: Math.max(1, curTokens) });
    return windows;
  }

  async close(): Promise<void> {
    await this.#encoder.close();
  }
}

const shared = new Map<string, Promise<ProfileEmbedder>>();

/** The process's one embedder for a models directory, loaded on first use (a failed load is retried next time). */
export function sharedProfileEmbedder(modelsDir: string): Promise<ProfileEmbedder> {
  let p = shared.get(modelsDir);
  if (!p) {
    p = ProfileEmbedder.load(modelsDir, { threads: 1 });
    shared.set(modelsDir, p);
    p.catch(() => shared.delete(modelsDir));
  }
  return p;
}
