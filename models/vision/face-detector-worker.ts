// The face detector's worker thread: @vladmandic/face-api's TinyFaceDetector on @tensorflow/tfjs's pure-JS CPU
// backend. Detection takes seconds of CPU on that backend, so it runs here and never blocks the API's event loop.
//
// face-api's `esm-nobundle` build imports tfjs by three deep paths: `@tensorflow/tfjs/dist/index.js` (tfjs's ESM
// source, which Node cannot load: it imports directories), and the WebGL and WASM backends (neither usable in Node;
// the WASM one is not installed). A resolve hook, registered for this thread before face-api is imported, maps the
// first to the package's Node entry (the same tfjs this file imports) and the two backends to an empty module.
// Weights are read from the package's own `model/` folder, never from the network.
import fs from 'node:fs/promises';
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';

const HOOK = `
const EMPTY = 'data:text/javascript,export%7B%7D';
export async function resolve(specifier, context, next) {
  if (specifier === '@tensorflow/tfjs-backend-wasm/dist/index.js' || specifier === '@tensorflow/tfjs-backend-webgl/dist/index.js') return { url: EMPTY, shortCircuit: true };
  if (specifier === '@tensorflow/tfjs/dist/index.js') return next('@tensorflow/tfjs', context);
  return next(specifier, context);
}`;

export interface DetectRequest {
  id: number;
  /** Raw RGB bytes, height × width × 3. */
  rgb: Uint8Array;
  width: number;
  height: number;
  inputSize: number;
  minScore: number;
}

export interface DetectReply {
  id: number;
  faces?: { score: number; box: { x: number; y: number; width: number; height: number } }[];
  error?: string;
  ms?: number;
}

interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
  io: { decodeWeights(buffer: ArrayBuffer, specs: unknown[]): Record<string, unknown> };
  env(): { set(flag: string, value: unknown): void };
}

interface Detection {
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

interface FaceApi {
  nets: { tinyFaceDetector: { loadFromWeightMap(weights: Record<string, unknown>): void } };
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(input: unknown, options: unknown): Promise<Detection[]>;
}

async function load(): Promise<{ tf: Tf; faceapi: FaceApi }> {
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
  // tfjs's CPU backend prints a banner recommending tfjs-node (which cannot be installed offline) on its first tensor.
  const { log, warn } = console;
  const quiet =
    (write: (...args: unknown[]) => void) =>
    (...args: unknown[]) =>
      /tfjs-node/.test(String(args[0])) ? undefined : write(...args);
  console.log = quiet(log);
  console.warn = quiet(warn);
  try {
    const tf = (await import('@tensorflow/tfjs')) as unknown as Tf;
    const faceapi = (await import('@vladmandic/face-api/dist/face-api.esm-nobundle.js')) as unknown as FaceApi;
    if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs CPU backend did not start');
    await tf.ready();
    const modelDir = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
    const manifest = JSON.parse(await fs.readFile(path.join(modelDir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8')) as { weights: unknown[] }[];
    const bin = await fs.readFile(path.join(modelDir, 'tiny_face_detector_model.bin'));
    const weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, manifest.flatMap((g) => g.weights));
    faceapi.nets.tinyFaceDetector.loadFromWeightMap(weights);
    return { tf, faceapi };
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

const port = parentPort;
if (port) {
  const loaded = load();
  // Reported on the first request instead of crashing the thread.
  loaded.catch(() => undefined);
  port.on('message', (req: DetectRequest) => {
    void (async () => {
      try {
        const { tf, faceapi } = await loaded;
        const started = performance.now();
        const tensor = tf.tensor3d(req.rgb, [req.height, req.width, 3], 'int32');
        try {
          const found = await faceapi.detectAllFaces(tensor, new faceapi.TinyFaceDetectorOptions({ inputSize: req.inputSize, scoreThreshold: req.minScore }));
          const faces = found.map((d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } }));
          port.postMessage({ id: req.id, faces, ms: performance.now() - started } satisfies DetectReply);
        } finally {
          tensor.dispose();
        }
      } catch (err) {
        port.postMessage({ id: req.id, error: (err as Error).stack ?? String(err) } satisfies DetectReply);
      }
    })();
  });
}
