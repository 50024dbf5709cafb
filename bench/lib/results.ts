// Where a bench's JSON goes: stdout, and bench/results/<name>-<date>[-<tag>].json.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export function saveResult(name: string, result: unknown, tag?: string): string {
  const file = `${RESULTS_DIR}${name}-${new Date().toISOString().slice(0, 10)}${tag ? `-${tag}` : ''}.json`;
  const json = `${JSON.stringify(result, null, 2)}\n`;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(file, json);
  process.stdout.write(json);
  return file;
}

/** stderr progress lines, so stdout stays one JSON document. */
export const progress = (bench: string) => (msg: string) => process.stderr.write(`[${bench} ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
