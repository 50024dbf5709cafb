// A trained harm model's file: what it needs to be used correctly (token budget, taxonomy, calibrated per-category
// thresholds) plus either MLP head weights over a registry encoder (v1-v3) or, for a fine-tuned model, the pinned
// ONNX graph beside it (input_ids, attention_mask -> one logit per category). Read with its registry sha256 checked
// on every load: it is small; the ONNX graph is checked when the session is made.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelFileError } from '../model-file-error.js';
import { sha256File } from '../sha256-file.js';
import { getTrainedModelSpec, type TrainedModelSpec } from '../registry.js';
import type { MlpHeadWeights } from './mlp-head.js';
import { HARM_CATEGORIES, type HarmCategory } from './taxonomy.js';

interface HarmModelFileCommon {
  modelVersion: string;
  /** Registry encoder whose embeddings the head reads, or (fine-tuned) whose tokenizer.json the graph was trained with. */
  encoderId: string;
  maxTokens: number;
  taxonomyVersion: string;
  categories: HarmCategory[];
  /** Platform default thresholds, calibrated on the validation split. */
  thresholds: Record<HarmCategory, number>;
}

export interface HarmHeadFile extends HarmModelFileCommon, MlpHeadWeights {}

export interface FinetunedModelFile extends HarmModelFileCommon {
  format: 'roundtable-finetuned-classifier-v1';
  /** The int8 ONNX graph, repository-relative, pinned like the file itself. */
  onnx: { path: string; sha256: string; bytes: number };
}

export type HarmModelFile = HarmHeadFile | FinetunedModelFile;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function loadHeadFile(spec: TrainedModelSpec, repoRoot = REPO_ROOT): Promise<HarmModelFile> {
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
  const head = JSON.parse(await fs.readFile(file, 'utf8')) as HarmModelFile;
  const expected = spec.kind === 'finetuned' ? 'roundtable-finetuned-classifier-v1' : 'roundtable-mlp-head-v1';
  if (head.format !== expected) throw new TypeError(`${file}: format ${String((head as { format?: unknown }).format)}, the registry says ${expected}`);
  if (head.encoderId !== spec.encoderId) throw new TypeError(`${file}: head was trained on ${head.encoderId}, the registry says ${spec.encoderId}`);
  for (const c of HARM_CATEGORIES) {
    if (typeof head.thresholds?.[c] !== 'number') throw new TypeError(`${file}: no threshold for ${c}`);
  }
  return head;
}

/** The fine-tuned model's ONNX graph, checked against the sha256 and size its file names. */
export async function verifiedOnnxPath(spec: TrainedModelSpec, file: FinetunedModelFile, repoRoot = REPO_ROOT): Promise<string> {
  const onnx = path.join(repoRoot, file.onnx.path);
  const fix = `git checkout -- ${file.onnx.path}  (or retrain: ${spec.trainedBy})`;
  let st;
  try {
    st = await fs.stat(onnx);
  } catch {
    throw new ModelFileError(spec.id, onnx, 'missing', '', fix);
  }
  if (st.size !== file.onnx.bytes) throw new ModelFileError(spec.id, onnx, 'size-mismatch', `${st.size} bytes, expected ${file.onnx.bytes}`, fix);
  const sha = await sha256File(onnx);
  if (sha !== file.onnx.sha256) throw new ModelFileError(spec.id, onnx, 'sha256-mismatch', `got ${sha}, expected ${file.onnx.sha256}`, fix);
  return onnx;
}

export function headSpec(id: string): TrainedModelSpec {
  return getTrainedModelSpec(id);
}
