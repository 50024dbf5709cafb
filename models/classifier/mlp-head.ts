// The trained part of the harm classifier: a one-hidden-layer multi-label MLP over a sentence embedding.
// Weights live in a small JSON file written by scripts/train-classifier.ts; the forward pass is plain arithmetic.
import { HARM_CATEGORIES, type HarmCategory } from './taxonomy.js';

export interface MlpHeadWeights {
  format: 'roundtable-mlp-head-v1';
  inputDim: number;
  hiddenDim: number;
  categories: HarmCategory[];
  /** hiddenDim x inputDim, row-major. */
  w1: number[];
  b1: number[];
  /** categories.length x hiddenDim, row-major. */
  w2: number[];
  b2: number[];
}

export class MlpHead {
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly categories: readonly HarmCategory[];
  readonly #w1: Float32Array;
  readonly #b1: Float32Array;
  readonly #w2: Float32Array;
  readonly #b2: Float32Array;

  constructor(w: MlpHeadWeights) {
    if (!w || w.format !== 'roundtable-mlp-head-v1') throw new TypeError('MlpHead: weights.format must be "roundtable-mlp-head-v1"');
    const k = w.categories.length;
    if (!w.categories.every((c) => (HARM_CATEGORIES as readonly string[]).includes(c))) throw new TypeError('MlpHead: unknown category in weights');
    if (w.w1.length !== w.hiddenDim * w.inputDim || w.b1.length !== w.hiddenDim || w.w2.length !== k * w.hiddenDim || w.b2.length !== k) {
      throw new TypeError('MlpHead: weight shapes do not match inputDim/hiddenDim/categories');
    }
    this.inputDim = w.inputDim;
    this.hiddenDim = w.hiddenDim;
    this.categories = [...w.categories];
    this.#w1 = Float32Array.from(w.w1);
    this.#b1 = Float32Array.from(w.b1);
    this.#w2 = Float32Array.from(w.w2);
    this.#b2 = Float32Array.from(w.b2);
  }

  /** Probability per category. */
  predict(x: Float32Array): Record<HarmCategory, number> {
    if (!(x instanceof Float32Array) || x.length !== this.inputDim) throw new TypeError(`MlpHead.predict: expected Float32Array(${this.inputDim})`);
    const h = new Float32Array(this.hiddenDim);
    for (let i = 0; i < this.hiddenDim; i++) {
      let s = this.#b1[i]!;
      const off = i * this.inputDim;
      for (let j = 0; j < this.inputDim; j++) s += this.#w1[off + j]! * x[j]!;
      h[i] = s > 0 ? s : 0;
    }
    const out = {} as Record<HarmCategory, number>;
    for (const [c, cat] of this.categories.entries()) {
      let s = this.#b2[c]!;
      const off = c * this.hiddenDim;
      for (let i = 0; i < this.hiddenDim; i++) s += this.#w2[off + i]! * h[i]!;
      out[cat] = 1 / (1 + Math.exp(-s));
    }
    return out;
  }
}
