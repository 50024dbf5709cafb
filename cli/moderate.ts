// `roundtable moderate`: JSON lines {"id","text"} on stdin -> one line per input on stdout,
// {"id","scores":{category:p},"flagged":bool,"categories":[...]}, at the platform default thresholds. The model
// loads once. A line that is not such an object is reported on stderr with its line number and the exit code is 1;
// the other lines are still scored.
import readline from 'node:readline';
import type { Config } from '../core/config.js';
import { HarmClassifier } from '../models/classifier/harm-classifier.js';
import { HARM_CATEGORIES } from '../models/classifier/taxonomy.js';

export interface ModerateIo {
  input: NodeJS.ReadableStream;
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function moderateCommand(argv: string[], config: Config, io: ModerateIo): Promise<number> {
  if (argv.length > 0) {
    io.err('usage: roundtable moderate < utterances.jsonl   (each line {"id","text"})\n');
    return 2;
  }
  const classifier = await HarmClassifier.load({ modelsDir: config.dirs.models });
  let bad = 0;
  let lineNo = 0;
  try {
    const lines = readline.createInterface({ input: io.input, crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        bad++;
        io.err(`line ${lineNo}: not JSON\n`);
        continue;
      }
      const r = row as { id?: unknown; text?: unknown };
      if (row === null || typeof row !== 'object' || Array.isArray(row) || (typeof r.id !== 'string' && typeof r.id !== 'number') || typeof r.text !== 'string') {
        bad++;
        io.err(`line ${lineNo}: expected {"id": string|number, "text": string}\n`);
        continue;
      }
      const c = await classifier.classify(r.text);
      const scores = Object.fromEntries(HARM_CATEGORIES.map((k) => [k, Number(c.scores[k].toFixed(4))]));
      io.out(`${JSON.stringify({ id: r.id, scores, flagged: c.flagged, categories: c.categories })}\n`);
    }
  } finally {
    await classifier.close();
  }
  return bad > 0 ? 1 : 0;
}
