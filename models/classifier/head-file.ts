// The shipped head file: MLP weights plus what they need to be used correctly (encoder, token budget, taxonomy,
// calibrated per-category thresholds). Read with its registry sha256 checked on every load: it is small.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelFileError } from '../model-file-error.js';
import { sha256File } from '../sha256-file.js';
import { getTrainedModelSpec, type TrainedModelSpec } from '../registry.js';
import type { MlpHeadWeights } from './mlp-head.js';
import { HARM_CATEGORIES, type HarmCategory } from './taxonomy.js';

export interface HarmHeadFile extends MlpHeadWeights {
  modelVersion: string;
  encoderId: string;
  maxTokens: number;
  taxonomyVersion: string;
  /** Platform default thresholds, calibrated on the validation split. */
  thresholds: Record<HarmCategory, number>;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function loadHeadFile(spec: TrainedModelSpec, repoRoot = REPO_ROOT): Promise<HarmHeadFile> {
  const file = path.join(repoRoot, spec.repoPath);
  const fix = `git checkout -- ${spec.repoPath}  (or retrain: ${spec.trainedBy})`;
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    throw new ModelFileError(spec.id, file, 'missing', '', fix);
  }
  if (st.size !== spec.bytes) throw new ModelFileError(spec.id, file, 'size-mismatch', `${st.size} bytes, expected ${spec.bytes}`, fix);
  const sha = await sha256File(file);
  if (sha !== spec.sha256) throw new ModelFileError(spec.id, file, 'sha256-mismatch', `got ${sha}, expected ${spec.sha256}`, fix);
  const head = JSON.parse(await fs.readFile(file, 'utf8')) as HarmHeadFile;
  if (head.encoderId !== spec.encoderId) throw new TypeError(`${file}: head was trained on ${head.encoderId}, the registry says ${spec.encoderId}`);
  for (const c of HARM_CATEGORIES) {
    if (typeof head.thresholds?.[c] !== 'number') throw new TypeError(`${file}: no threshold for ${c}`);
  }
  return head;
}

export function headSpec(id: string): TrainedModelSpec {
  return getTrainedModelSpec(id);
}
