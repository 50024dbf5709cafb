// Local face detection for profile photos: TinyFaceDetector (@vladmandic/face-api's bundled weights) on
// @tensorflow/tfjs's CPU backend, in one worker thread per process, started on the first call and kept.
//
// Measured on ../shared/eval/images (one 2-core machine under load, tfjs 4.22 CPU backend, image ≤ 640 px):
//   TinyFaceDetector 416: astronaut.png face 0.975; chelsea.png (a cat) and coffee.png nothing; ~3 s per image
//   TinyFaceDetector 320: astronaut 0.858 plus a 0.14 false box; ~2 s
//   SSD MobileNet v1:     astronaut 0.965, but the cat at 0.93 and coffee at 0.11; 25–45 s per image
// so TinyFaceDetector at input size 416 with a minimum score of 0.5 is used.
import { Worker } from 'node:worker_threads';
import type { DetectReply, DetectRequest } from './face-detector-worker.js';

export interface DetectedFace {
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

export interface FaceDetection {
  faces: DetectedFace[];
  /** Wall time of the detection in the worker (model load excluded after the first call). */
  ms: number;
  detector: string;
}

export const FACE_DETECTOR_ID = 'face-api-tiny-face-detector-416';
const INPUT_SIZE = 416;

export class FaceDetector {
  #worker: Worker | undefined;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (r: DetectReply) => void; reject: (e: Error) => void }>();

  /**
   * Faces in raw RGB (height × width × 3) whose score is at least minScore (best first). The first call starts the
   * worker and loads the weights (about a second).
   */
  async detect(rgb: Uint8Array, width: number, height: number, minScore: number): Promise<FaceDetection> {
    if (!(rgb instanceof Uint8Array) || rgb.length !== width * height * 3) throw new TypeError('detect: rgb must hold width × height × 3 bytes');
    if (!(minScore > 0 && minScore < 1)) throw new TypeError('detect: minScore must be in (0, 1)');
    const worker = this.#start();
    const id = this.#next++;
    const reply = await new Promise<DetectReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const req: DetectRequest = { id, rgb, width, height, inputSize: INPUT_SIZE, minScore };
      worker.postMessage(req);
    });
    if (reply.error !== undefined) throw new Error(`face detection failed: ${reply.error}`);
    const faces = (reply.faces ?? []).filter((f) => f.score >= minScore).sort((a, b) => b.score - a.score);
    return { faces, ms: reply.ms ?? 0, detector: FACE_DETECTOR_ID };
  }

  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w) await w.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // The worker is TypeScript like the rest: tsx's loader is registered in the thread before the file is imported.
    const tsx = import.meta.resolve('tsx/esm/api');
    const file = new URL('./face-detector-worker.ts', import.meta.url).href;
    const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`, { eval: true });
    worker.unref();
    worker.on('message', (reply: DetectReply) => {
      const p = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      p?.resolve(reply);
    });
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the face detector worker exited (${code})`)));
    this.#worker = worker;
    return worker;
  }
}
