// Trains the multi-label MLP head (models/classifier/mlp-head.ts) with masked, weighted binary cross-entropy and
// Adam. Deterministic for a given seed: initialisation and batch order come from one seeded generator.
import type { MlpHeadWeights } from '../../models/classifier/mlp-head.js';
import type { HarmCategory } from '../../models/classifier/taxonomy.js';
import { mulberry32, shuffled } from '../../core/random.js';

export interface TrainRow {
  x: Float32Array;
  /** Per category: 1 positive, 0 negative, -1 unknown (masked). */
  y: Int8Array;
  weight: number;
}

export interface MlpTrainOptions {
  categories: readonly HarmCategory[];
  hiddenDim: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
  /** Cap on the per-category positive weight (neg/pos ratio). */
  maxPosWeight: number;
  onEpoch?: (epoch: number, loss: number, weights: MlpHeadWeights) => void;
}

export function trainMlp(rows: readonly TrainRow[], opts: MlpTrainOptions): MlpHeadWeights {
  const D = rows[0]!.x.length;
  const H = opts.hiddenDim;
  const K = opts.categories.length;
  const rand = mulberry32(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const w1 = new Float32Array(H * D).map(() => gauss() * Math.sqrt(2 / D));
  const b1 = new Float32Array(H);
  const w2 = new Float32Array(K * H).map(() => gauss() * Math.sqrt(1 / H));
  const b2 = new Float32Array(K);
  const params = [w1, b1, w2, b2];
  const m = params.map((p) => new Float32Array(p.length));
  const v = params.map((p) => new Float32Array(p.length));
  const grads = params.map((p) => new Float32Array(p.length));

  const posWeight = new Float32Array(K);
  for (let c = 0; c < K; c++) {
    let pos = 0;
    let neg = 0;
    for (const r of rows) {
      if (r.y[c] === 1) pos += r.weight;
      else if (r.y[c] === 0) neg += r.weight;
    }
    posWeight[c] = pos > 0 ? Math.min(opts.maxPosWeight, Math.max(1, neg / pos)) : 1;
  }

  const h = new Float32Array(H);
  const dh = new Float32Array(H);
  const dz = new Float32Array(K);
  let step = 0;
  const snapshot = (): MlpHeadWeights => ({
    format: 'roundtable-mlp-head-v1',
    inputDim: D,
    hiddenDim: H,
    categories: [...opts.categories],
    w1: Array.from(w1, (x) => Number(x.toPrecision(6))),
    b1: Array.from(b1, (x) => Number(x.toPrecision(6))),
    w2: Array.from(w2, (x) => Number(x.toPrecision(6))),
    b2: Array.from(b2, (x) => Number(x.toPrecision(6))),
  });

  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const order = shuffled(rows, rand);
    let epochLoss = 0;
    let epochWeight = 0;
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const batch = order.slice(start, start + opts.batchSize);
      for (const g of grads) g.fill(0);
      let batchWeight = 0;
      for (const r of batch) {
        const x = r.x;
        for (let i = 0; i < H; i++) {
          let s = b1[i]!;
          const off = i * D;
          for (let j = 0; j < D; j++) s += w1[off + j]! * x[j]!;
          h[i] = s > 0 ? s : 0;
        }
        let any = false;
        for (let c = 0; c < K; c++) {
          const y = r.y[c]!;
          if (y < 0) {
            dz[c] = 0;
            continue;
          }
          any = true;
          let s = b2[c]!;
          const off = c * H;
          for (let i = 0; i < H; i++) s += w2[off + i]! * h[i]!;
          const p = 1 / (1 + Math.exp(-s));
          const a = y === 1 ? posWeight[c]! : 1;
          epochLoss += -r.weight * a * (y === 1 ? Math.log(p + 1e-7) : Math.log(1 - p + 1e-7));
          dz[c] = r.weight * a * (p - y);
        }
        if (!any) continue;
        batchWeight += r.weight;
        dh.fill(0);
        const [gw1, gb1, gw2, gb2] = grads as [Float32Array, Float32Array, Float32Array, Float32Array];
        for (let c = 0; c < K; c++) {
          const d = dz[c]!;
          if (d === 0) continue;
          gb2[c]! += d;
          const off = c * H;
          for (let i = 0; i < H; i++) {
            gw2[off + i]! += d * h[i]!;
            dh[i]! += d * w2[off + i]!;
          }
        }
        for (let i = 0; i < H; i++) {
          if (h[i]! <= 0) continue;
          const d = dh[i]!;
          gb1[i]! += d;
          const off = i * D;
          for (let j = 0; j < D; j++) gw1[off + j]! += d * x[j]!;
        }
      }
      if (batchWeight === 0) continue;
      epochWeight += batchWeight;
      step++;
      const b1c = 1 - 0.9 ** step;
      const b2c = 1 - 0.999 ** step;
      for (let p = 0; p < params.length; p++) {
        const P = params[p]!;
        const G = grads[p]!;
        const M = m[p]!;
        const V = v[p]!;
        const decay = p === 0 || p === 2 ? opts.weightDecay : 0;
        for (let k = 0; k < P.length; k++) {
          const g = G[k]! / batchWeight + decay * P[k]!;
          M[k] = 0.9 * M[k]! + 0.1 * g;
          V[k] = 0.999 * V[k]! + 0.001 * g * g;
          P[k]! -= (opts.learningRate * (M[k]! / b1c)) / (Math.sqrt(V[k]! / b2c) + 1e-8);
        }
      }
    }
    opts.onEpoch?.(epoch, epochLoss / Math.max(1, epochWeight), snapshot());
  }
  return snapshot();
}
