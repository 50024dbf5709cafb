// Re-serialises the registry's ORT-format Moonshine files as plain ONNX, once per cache, so that onnxruntime can
// optimise them at load. Why: moonshine-cpp ships int8 weights that the graph dequantises with Cast/Mul/Add nodes,
// and onnxruntime applies no graph optimisation to ORT-format models, so every decoder step re-dequantised every
// weight and re-transposed the 32768x416 output embedding (~70% of a step, measured with ORT's profiler). As ONNX the
// same graph gets constant folding: the weights are dequantised once, in the same float32 arithmetic, and a decoder
// step runs ~3-4x faster. The price is resident float32 weights (see bench/stt-throughput.ts for RSS).
//
// The conversion is onnxruntime's own serialiser (`optimizedModelFilePath` with optimisations off: the graph is
// written as loaded) plus one fix: it leaves If-branch subgraphs unnamed, which its ONNX loader then rejects, so
// those get names. Output is deterministic for a given onnxruntime version; its sha256 is pinned below and checked.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { ModelFileError } from '../../model-file-error.js';
import { sha256File } from '../../sha256-file.js';

/** sha256 of each converted file, by onnxruntime version (the serialiser's output depends on it). */
export const CONVERTED_SHA256: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '1.24.3': {
    'encoder_model.onnx': 'c037d417a1ca86edbd1d24b25a6fb401109163825258ddda2cd9686d407df281',
    'decoder_model_merged.onnx': '9436e6ab70493e9039f7510d772b0e3e5c7e6f3ec5efac30e1c8df406caf145c',
  },
};

/** Where converted files live: beside their source, per onnxruntime version. */
export function convertedDir(sourceDir: string): string {
  return path.join(sourceDir, `onnx-ort-${ort.env.versions.common}`);
}

/**
 * Returns the path of `ortPath` converted to ONNX (`<dir>/onnx-ort-<version>/<name>.onnx`), converting it first when
 * absent or not matching its pinned sha256. Safe against concurrent callers: each writes a private temp file and
 * renames it into place.
 */
export async function ensureOnnxFromOrt(ortPath: string, modelId: string): Promise<string> {
  if (typeof ortPath !== 'string' || !ortPath.endsWith('.ort')) throw new TypeError(`ortPath must name a .ort file, got ${String(ortPath)}`);
  const outDir = convertedDir(path.dirname(ortPath));
  const name = `${path.basename(ortPath, '.ort')}.onnx`;
  const outPath = path.join(outDir, name);
  const expected = CONVERTED_SHA256[ort.env.versions.common]?.[name];
  // An onnxruntime version without a pinned sha256 (a deliberate upgrade) converts once and keeps its output.
  const cached = expected === undefined ? await fs.stat(outPath).then(() => true, () => false) : (await sha256File(outPath).catch(() => undefined)) === expected;
  if (cached) return outPath;

  await fs.mkdir(outDir, { recursive: true });
  const tmp = `${outPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    const session = await ort.InferenceSession.create(ortPath, { graphOptimizationLevel: 'disabled', optimizedModelFilePath: tmp });
    await session.release();
    await fs.writeFile(tmp, nameUnnamedSubgraphs(await fs.readFile(tmp)));
    const actual = await sha256File(tmp);
    if (expected !== undefined && actual !== expected) {
      throw new ModelFileError(
        modelId,
        outPath,
        'sha256-mismatch',
        `converted from ${path.basename(ortPath)} by onnxruntime ${ort.env.versions.common}: expected ${expected}, got ${actual}`,
        'npm ci  # onnxruntime-node must be the version package-lock.json pins',
      );
    }
    await fs.rename(tmp, outPath);
    return outPath;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

// --- protobuf wire format: just enough to walk ModelProto.graph -> NodeProto.attribute -> AttributeProto.g(raphs)

interface WireField {
  no: number;
  wireType: number;
  /** The payload (for length-delimited fields, without the length prefix). */
  bytes: Uint8Array;
}

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_NAME = 2;
const NODE_NAME = 3;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_G = 6;
const ATTRIBUTE_GRAPHS = 11;

/** Gives every nameless subgraph the name `<node>/<attribute>[index]` (ONNX requires graph names). */
export function nameUnnamedSubgraphs(model: Uint8Array): Uint8Array {
  return encodeFields(decodeFields(model).map((f) => (f.no === MODEL_GRAPH ? { ...f, bytes: nameGraph(f.bytes, 'main_graph') } : f)));
}

function nameGraph(graph: Uint8Array, name: string): Uint8Array {
  const fields = decodeFields(graph).map((f) => (f.no === GRAPH_NODE ? { ...f, bytes: nameNodeSubgraphs(f.bytes) } : f));
  if (!fields.some((f) => f.no === GRAPH_NAME && f.bytes.length > 0)) fields.push({ no: GRAPH_NAME, wireType: 2, bytes: Buffer.from(name) });
  return encodeFields(fields);
}

function nameNodeSubgraphs(node: Uint8Array): Uint8Array {
  const fields = decodeFields(node);
  if (!fields.some((f) => f.no === NODE_ATTRIBUTE)) return node;
  const nodeName = text(fields.find((f) => f.no === NODE_NAME)?.bytes);
  return encodeFields(
    fields.map((f) => {
      if (f.no !== NODE_ATTRIBUTE) return f;
      const attr = decodeFields(f.bytes);
      if (!attr.some((a) => a.no === ATTRIBUTE_G || a.no === ATTRIBUTE_GRAPHS)) return f;
      const attrName = text(attr.find((a) => a.no === ATTRIBUTE_NAME)?.bytes);
      let index = 0;
      const named = attr.map((a) => {
        if (a.no === ATTRIBUTE_G) return { ...a, bytes: nameGraph(a.bytes, `${nodeName}/${attrName}`) };
        if (a.no === ATTRIBUTE_GRAPHS) return { ...a, bytes: nameGraph(a.bytes, `${nodeName}/${attrName}${index++}`) };
        return a;
      });
      return { ...f, bytes: encodeFields(named) };
    }),
  );
}

function text(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new RangeError('protobuf: truncated varint');
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

function decodeFields(buf: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    const no = Math.floor(tag / 8);
    const wireType = tag & 7;
    let start = afterTag;
    let end: number;
    if (wireType === 0) end = readVarint(buf, afterTag)[1];
    else if (wireType === 1) end = afterTag + 8;
    else if (wireType === 5) end = afterTag + 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(buf, afterTag);
      start = afterLength;
      end = afterLength + length;
    } else throw new RangeError(`protobuf: unsupported wire type ${wireType} for field ${no}`);
    if (end > buf.length) throw new RangeError(`protobuf: field ${no} runs past the end`);
    fields.push({ no, wireType, bytes: buf.subarray(start, end) });
    pos = end;
  }
  return fields;
}

function encodeFields(fields: readonly WireField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(varint(f.no * 8 + f.wireType));
    if (f.wireType === 2) parts.push(varint(f.bytes.length));
    parts.push(f.bytes);
  }
  return Buffer.concat(parts);
}
