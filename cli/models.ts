// `roundtable models <list|fetch|verify|path>`: the operator's view of the model cache. Results go to stdout,
// progress and errors to stderr, and the exit code says whether every model asked about is usable.
import fs from 'node:fs/promises';
import type { Config } from '../core/config.js';
import { ensureModel, modelDir, resolveModelFiles } from '../models/fetch.js';
import { createStderrProgress } from '../models/fetch-progress.js';
import { ModelFetchError } from '../models/model-fetch-error.js';
import { ModelFileError } from '../models/model-file-error.js';
import { DEFAULT_HARM_CLASSIFIER_ID, getTrainedModelSpec, listModels, MODEL_REGISTRY } from '../models/registry.js';
import { UnknownModelError } from '../models/unknown-model-error.js';

const USAGE = `usage: roundtable models <command>
  list                     every registry model, its source and whether it is cached
  fetch [id...|--all]      download + verify (default: the models a room needs: STT + VAD)
  verify [id...]           re-hash cached files against the registry (default: every cached model)
  path <id>                print the verified cache dir of a model
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Where fetch progress is drawn; a bar when it is a TTY. Defaults to `err` as plain lines. */
  progressOut?: { write(s: string): unknown; isTTY?: boolean };
}

const defaultIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), progressOut: process.stderr };

/** The models a running room needs: the configured local STT model (unless STT is remote), the VAD and the
 * encoder under the shipped harm classifier. */
export function defaultModelIds(config: Config): string[] {
  const classifierEncoder = getTrainedModelSpec(DEFAULT_HARM_CLASSIFIER_ID).encoderId;
  return config.stt.backend === 'local' ? [config.stt.model, 'silero-vad', classifierEncoder] : ['silero-vad', classifierEncoder];
}

export async function modelsCommand(argv: string[], config: Config, io: Io = defaultIo): Promise<number> {
  if (!Array.isArray(argv)) throw new TypeError('argv must be an array of strings');
  const [sub, ...args] = argv;
  try {
    switch (sub) {
      case 'list':
        return await list(args, config, io);
      case 'fetch':
        return await fetch(args, config, io);
      case 'verify':
        return await verify(args, config, io);
      case 'path':
        return await printPath(args, config, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return sub === undefined ? 2 : 0;
      default:
        io.err(`unknown models command "${sub}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UnknownModelError) {
      io.err(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function list(args: string[], config: Config, io: Io): Promise<number> {
  const json = args.includes('--json');
  const rows = await Promise.all(
    listModels().map(async (spec) => {
      let status: string;
      try {
        await resolveModelFiles(spec.id, config.dirs.models);
        status = 'cached';
      } catch (err) {
        if (!(err instanceof ModelFileError)) throw err;
        status = err.problem === 'missing' ? 'not fetched' : 'corrupt';
      }
      const bytes = Object.values(spec.files).reduce((n, f) => n + f.bytes, 0);
      return {
        id: spec.id,
        task: spec.task,
        source: `${spec.source.kind}:${spec.source.package}@${spec.source.version}`,
        megabytes: Math.round(bytes / 1e5) / 10,
        licence: spec.licence,
        status,
      };
    }),
  );
  if (json) {
    io.out(JSON.stringify({ modelsDir: config.dirs.models, models: rows }, null, 2) + '\n');
    return 0;
  }
  const header = ['ID', 'TASK', 'SOURCE', 'MB', 'STATUS', 'LICENCE'];
  const table = [header, ...rows.map((r) => [r.id, r.task, r.source, String(r.megabytes), r.status, r.licence])];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) io.out(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ') + '\n');
  io.out(`cache: ${config.dirs.models}\n`);
  return 0;
}

async function fetch(args: string[], config: Config, io: Io): Promise<number> {
  const force = args.includes('--force');
  const ids = args.includes('--all') ? [...MODEL_REGISTRY.keys()] : args.filter((a) => !a.startsWith('--'));
  const unknownFlag = args.find((a) => a.startsWith('--') && a !== '--all' && a !== '--force');
  if (unknownFlag) {
    io.err(`unknown option ${unknownFlag}\n${USAGE}`);
    return 2;
  }
  const wanted = ids.length > 0 ? ids : defaultModelIds(config);
  for (const id of wanted) MODEL_REGISTRY.get(id) ?? raiseUnknown(id);
  const progress = createStderrProgress(io.progressOut ?? { write: io.err });
  let failed = 0;
  for (const id of wanted) {
    try {
      const r = await ensureModel(id, { modelsDir: config.dirs.models, force, progress });
      io.out(`${id}\t${r.status}\t${r.dir}\n`);
    } catch (err) {
      if (!(err instanceof ModelFetchError)) throw err;
      failed++;
      io.err(`${err.message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

async function verify(args: string[], config: Config, io: Io): Promise<number> {
  let ids = args.filter((a) => !a.startsWith('--'));
  if (ids.length === 0) {
    // Every model with a cache dir, plus the ones a room needs even if they were never fetched.
    const present = await Promise.all(
      listModels().map(async (s) => ((await exists(modelDir(config.dirs.models, s.id))) ? s.id : undefined)),
    );
    ids = [...new Set([...defaultModelIds(config), ...present.filter((id): id is string => id !== undefined)])];
  }
  let failed = 0;
  for (const id of ids) {
    try {
      await resolveModelFiles(id, config.dirs.models, { full: true });
      io.out(`${id}\tok\n`);
    } catch (err) {
      if (!(err instanceof ModelFileError)) throw err;
      failed++;
      io.out(`${id}\t${err.problem}\n`);
      io.err(`${err.message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

async function printPath(args: string[], config: Config, io: Io): Promise<number> {
  const [id, ...extra] = args;
  if (!id || extra.length > 0) {
    io.err(`models path takes exactly one model id\n${USAGE}`);
    return 2;
  }
  try {
    await resolveModelFiles(id, config.dirs.models);
  } catch (err) {
    if (!(err instanceof ModelFileError)) throw err;
    io.err(`${err.message}\n`);
    return 1;
  }
  io.out(`${modelDir(config.dirs.models, id)}\n`);
  return 0;
}

function raiseUnknown(id: string): never {
  throw new UnknownModelError(id, [...MODEL_REGISTRY.keys()]);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
