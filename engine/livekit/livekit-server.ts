// Runs livekit-server as a child process for dev, tests and `npm start`: writes the YAML config
// into a data dir, starts the binary with --config, waits until GET / answers OK, stops it with
// SIGTERM (twice: LiveKit's second signal skips waiting for participants) then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../core/config.js';
import { createLogger, type Logger } from '../../core/logger.js';
import { probeLiveKit, waitForLiveKit } from './readiness.js';
import {
  buildLiveKitServerConfig,
  liveKitBinaryPath,
  liveKitServerSettingsFromConfig,
  renderLiveKitServerConfig,
  type LiveKitLogLevel,
  type LiveKitServerSettings,
  type LiveKitServerYaml,
} from './server-config.js';

export interface LiveKitServerOptions {
  /** Path to the livekit-server binary. */
  bin: string;
  /** Directory for livekit.yaml (mode 0600: it holds the API secret) and livekit.log. */
  dataDir: string;
  settings: LiveKitServerSettings;
  logger?: Logger;
  /** Bound on start(); default 20 s. */
  readyTimeoutMs?: number;
  /** Grace after the first SIGTERM (LiveKit waits for participants to leave) before the second,
   * forcing one; SIGKILL 2 s after that. Default 2 s. */
  stopGraceMs?: number;
}

export interface LiveKitServerReady {
  url: string;
  pid: number;
  startupMs: number;
}

export interface LiveKitServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** False when the server died on its own rather than through stop(). */
  expected: boolean;
}

interface LiveKitServerEvents {
  ready: [LiveKitServerReady];
  exit: [LiveKitServerExit];
}

const LOG_TAIL_LINES = 200;
const LOG_LINE_MAX_CHARS = 1000;
const NODE_ID = /"nodeID":\s*"(ND_[A-Za-z0-9]+)"/;
/** Only what the Go binary needs: LiveKit maps LIVEKIT_*, NODE_IP, UDP_PORT, REDIS_* env vars onto
 * its config, and Roundtable's own LIVEKIT_* variables would silently override the YAML. */
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG'];

export class LiveKitServer extends EventEmitter<LiveKitServerEvents> {
  /** Server for Roundtable's config: binary from LIVEKIT_BIN or the cache, data in <data>/livekit. */
  static fromConfig(
    config: Config,
    options: {
      webhookUrls?: string[];
      logLevel?: LiveKitLogLevel;
      logger?: Logger;
      dataDir?: string;
      readyTimeoutMs?: number;
      stopGraceMs?: number;
    } = {},
  ): LiveKitServer {
    if (!config.livekit.managed) {
      throw new Error(`LIVEKIT_URL is set (${config.livekit.url}): LiveKit is external, not managed by Roundtable`);
    }
    return new LiveKitServer({
      bin: liveKitBinaryPath(config),
      dataDir: options.dataDir ?? path.join(config.dirs.data, 'livekit'),
      settings: liveKitServerSettingsFromConfig(config, { webhookUrls: options.webhookUrls, logLevel: options.logLevel }),
      logger: options.logger,
      readyTimeoutMs: options.readyTimeoutMs,
      stopGraceMs: options.stopGraceMs,
    });
  }

  readonly bin: string;
  readonly dataDir: string;
  readonly configPath: string;
  readonly logPath: string;
  /** The YAML document start() writes. */
  readonly serverConfig: LiveKitServerYaml;
  /** ws:// URL clients and server SDKs use. */
  readonly url: string;

  private readonly log: Logger;
  private readonly readyTimeoutMs: number;
  private readonly stopGraceMs: number;
  private child: ChildProcess | undefined;
  private exited: Promise<LiveKitServerExit> | undefined;
  private stopping = false;
  private starting = false;
  private tail: string[] = [];
  #nodeId: string | undefined;
  private partialLine = '';
  private readonly killOnParentExit = (): void => {
    this.child?.kill('SIGKILL');
  };

  constructor(options: LiveKitServerOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (typeof options.bin !== 'string' || options.bin === '') throw new TypeError('bin must be a path to the livekit-server binary');
    if (typeof options.dataDir !== 'string' || options.dataDir === '') throw new TypeError('dataDir must be a directory path');
    const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
    const stopGraceMs = options.stopGraceMs ?? 2_000;
    if (!Number.isInteger(readyTimeoutMs) || readyTimeoutMs < 1) throw new TypeError('readyTimeoutMs must be a positive integer');
    if (!Number.isInteger(stopGraceMs) || stopGraceMs < 0) throw new TypeError('stopGraceMs must be a non-negative integer');
    this.serverConfig = buildLiveKitServerConfig(options.settings);
    this.bin = path.resolve(options.bin);
    this.dataDir = path.resolve(options.dataDir);
    this.configPath = path.join(this.dataDir, 'livekit.yaml');
    this.logPath = path.join(this.dataDir, 'livekit.log');
    const host = options.settings.nodeIp.includes(':') ? `[${options.settings.nodeIp}]` : options.settings.nodeIp;
    this.url = `ws://${host}:${options.settings.port}`;
    this.log = (options.logger ?? createLogger('silent')).child({ component: 'livekit-server' });
    this.readyTimeoutMs = readyTimeoutMs;
    this.stopGraceMs = stopGraceMs;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The node id LiveKit generated at start (ND_…), read from its start-up log line; how a cluster names its nodes
   * (e.g. in Redis' room_node_map). Undefined before the line is written. */
  get nodeId(): string | undefined {
    return this.#nodeId;
  }

  /** Last lines the server wrote (stdout and stderr), for error reports. */
  logTail(lines = 30): string {
    const all = this.partialLine === '' ? this.tail : [...this.tail, this.partialLine];
    return all.slice(-lines).join('\n');
  }

  /** Starts the server; allowed again after it stopped or died. */
  async start(): Promise<LiveKitServerReady> {
    if (this.starting || this.running) throw new Error('LiveKit server already started');
    this.starting = true;
    try {
      return await this.spawnAndWait();
    } finally {
      this.starting = false;
    }
  }

  private async spawnAndWait(): Promise<LiveKitServerReady> {
    try {
      fs.accessSync(this.bin, fs.constants.X_OK);
    } catch {
      throw new Error(
        `livekit-server binary not found or not executable at ${this.bin}: run scripts/install-livekit.sh, ` +
          'set LIVEKIT_BIN, or set LIVEKIT_URL to use an existing server',
      );
    }
    // Otherwise the readiness probe could be answered by another server already on the port.
    const occupied = await probeLiveKit(this.url, { timeoutMs: 1000 });
    if (occupied.status !== undefined) {
      throw new Error(`port ${this.serverConfig.port} on ${this.serverConfig.rtc.node_ip} is already serving HTTP; pick another LIVEKIT_PORT`);
    }

    fs.mkdirSync(this.dataDir, { recursive: true });
    fs.writeFileSync(this.configPath, renderLiveKitServerConfig(this.serverConfig), { mode: 0o600 });
    fs.chmodSync(this.configPath, 0o600);
    const logFile = fs.createWriteStream(this.logPath, { flags: 'w' });
    this.tail = [];
    this.partialLine = '';
    this.#nodeId = undefined;
    this.stopping = false;

    const started = performance.now();
    const env: NodeJS.ProcessEnv = {};
    for (const k of PASSED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
    const child = spawn(this.bin, ['--config', this.configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    process.on('exit', this.killOnParentExit);
    const onData = (chunk: Buffer): void => {
      logFile.write(chunk);
      this.remember(chunk.toString('utf8'));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => this.remember(`spawn error: ${err.message}\n`));
      child.once('close', (code, signal) => {
        process.off('exit', this.killOnParentExit);
        logFile.end();
        const exit: LiveKitServerExit = { code, signal, expected: this.stopping };
        if (exit.expected) this.log.info({ code, signal }, 'LiveKit server stopped');
        else this.log.error({ code, signal, logTail: this.logTail(15) }, 'LiveKit server exited unexpectedly');
        this.emit('exit', exit);
        resolve(exit);
      });
    });
    this.log.info({ pid: child.pid, url: this.url, config: this.configPath }, 'starting LiveKit server');

    const probe = await waitForLiveKit(this.url, { timeoutMs: this.readyTimeoutMs, shouldContinue: () => this.running });
    if (!probe.ready || !this.running) {
      const died = !this.running;
      if (!died) await this.stop();
      else await this.exited;
      const why = died ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : `not ready after ${this.readyTimeoutMs} ms (${probe.reason})`;
      this.child = undefined;
      throw new Error(`LiveKit server ${why}; log ${this.logPath}, last lines:\n${this.logTail(20)}`);
    }
    const ready: LiveKitServerReady = { url: this.url, pid: child.pid!, startupMs: Math.round(performance.now() - started) };
    this.log.info(ready, 'LiveKit server ready');
    this.emit('ready', ready);
    return ready;
  }

  /** Resolves with how the process ended; a no-op (undefined) when it was never started. */
  async stop(): Promise<LiveKitServerExit | undefined> {
    const child = this.child;
    const exited = this.exited;
    if (child === undefined || exited === undefined) return undefined;
    if (this.running) {
      this.stopping = true;
      child.kill('SIGTERM');
      const escalate = [
        setTimeout(() => child.kill('SIGTERM'), this.stopGraceMs),
        setTimeout(() => child.kill('SIGKILL'), this.stopGraceMs + 2_000),
      ];
      try {
        return await exited;
      } finally {
        escalate.forEach(clearTimeout);
        this.child = undefined;
      }
    }
    this.child = undefined;
    return exited;
  }

  private remember(text: string): void {
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop()!.slice(0, LOG_LINE_MAX_CHARS);
    for (const line of lines) {
      this.tail.push(line.slice(0, LOG_LINE_MAX_CHARS));
      this.#nodeId ??= NODE_ID.exec(line)?.[1];
    }
    if (this.tail.length > LOG_TAIL_LINES) this.tail.splice(0, this.tail.length - LOG_TAIL_LINES);
  }
}
