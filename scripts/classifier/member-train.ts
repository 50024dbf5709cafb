// One head member trained with its own seed and kept at its best validation epoch (mean ROC-AUC over categories on
// the validation rows, model + rules as shipped), runnable in a worker thread: the cross-fitting fold models are
// independent, and on a shared 2-core box they finish sooner side by side than one after another.
import { Worker } from 'node:worker_threads';
import { combineWithRules } from '../../models/classifier/harm-classifier.js';
import { MlpHead, type MlpHeadWeights } from '../../models/classifier/mlp-head.js';
import type { RuleFinding } from '../../models/classifier/rules.js';
import { HARM_CATEGORIES, type HarmCategory } from '../../models/classifier/taxonomy.js';
import { rocAuc } from './metrics.js';
import { trainMlp, type MlpTrainOptions, type TrainRow } from './mlp-train.js';

export interface ValidationSet {
  x: Float32Array[];
  known: (readonly HarmCategory[])[];
  labels: (readonly HarmCategory[])[];
  findings: RuleFinding[][];
}

export interface MemberJob {
  label: string;
  rows: TrainRow[];
  val: ValidationSet;
  options: Omit<MlpTrainOptions, 'onEpoch'>;
}

export interface TrainedMember {
  auc: number;
  epoch: number;
  weights: MlpHeadWeights;
}

export function validationMeanAuc(w: MlpHeadWeights, val: ValidationSet): number {
  const head = new MlpHead(w);
  const scores = val.x.map((x, i) => combineWithRules(head.predict(x), val.findings[i]!));
  const aucs = HARM_CATEGORIES.map((c) => {
    const idx = val.known.flatMap((k, i) => (k.includes(c) ? [i] : []));
    return rocAuc(idx.map((i) => scores[i]![c]), idx.map((i) => val.labels[i]!.includes(c)));
  }).filter(Number.isFinite);
  return aucs.reduce((a, b) => a + b, 0) / aucs.length;
}

export function trainMember(job: MemberJob, log: (s: string) => void): TrainedMember {
  let best: TrainedMember | undefined;
  const { epochs } = job.options;
  trainMlp(job.rows, {
    ...job.options,
    onEpoch: (epoch, loss, weights) => {
      if (epoch % 2 !== 0 && epoch !== epochs) return;
      const auc = validationMeanAuc(weights, job.val);
      log(`${job.label} epoch ${epoch} loss ${loss.toFixed(4)} val mean AUC ${auc.toFixed(4)}`);
      if (!best || auc > best.auc) best = { auc, epoch, weights };
    },
  });
  log(`${job.label}: kept epoch ${best!.epoch} (val mean AUC ${best!.auc.toFixed(4)})`);
  return best!;
}

/** trainMember in a worker thread (same code, same seed, same result). */
export function trainMemberInWorker(job: MemberJob, log: (s: string) => void): Promise<TrainedMember> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./member-worker.ts', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`, { eval: true, workerData: job });
  return new Promise((resolve, reject) => {
    let done = false;
    worker.on('message', (m: { log: string } | { result: TrainedMember }) => {
      if ('log' in m) log(m.log);
      else {
        done = true;
        resolve(m.result);
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => done || reject(new Error(`${job.label}: training worker exited (${code}) without a result`)));
  });
}
