// N managed livekit-server nodes on this machine sharing one Redis: LiveKit places each room on one node, routes
// signalling and server API calls for it from any node, and dispatches agent jobs to workers registered with any
// node. Node 0's URL is the one services use (a load balancer in front of the nodes in production).
import path from 'node:path';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import { LiveKitServer, type LiveKitServerReady } from './livekit-server.js';
import { liveKitBinaryPath, liveKitClusterNodeSettings, liveKitServerSettingsFromConfig, type LiveKitLogLevel, type LiveKitServerSettings } from './server-config.js';

export interface LiveKitClusterOptions {
  bin: string;
  /** Node i keeps its config and log in <dataDir>/node-<i>. */
  dataDir: string;
  /** One entry per node; every one with the same redis settings. */
  nodes: LiveKitServerSettings[];
  logger?: Logger;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

export class LiveKitCluster {
  /** The config's nodes: LIVEKIT_NODES on LIVEKIT_PORT + 10·i, all on LIVEKIT_REDIS_URL. */
  static fromConfig(
    config: Config,
    options: { webhookUrls?: string[]; logLevel?: LiveKitLogLevel; logger?: Logger; dataDir?: string; readyTimeoutMs?: number; stopGraceMs?: number } = {},
  ): LiveKitCluster {
    if (!config.livekit.managed) throw new Error(`LIVEKIT_URL is set (${config.livekit.url}): LiveKit is external, not managed by Roundtable`);
    const base = liveKitServerSettingsFromConfig(config, { webhookUrls: options.webhookUrls, logLevel: options.logLevel });
    return new LiveKitCluster({
      bin: liveKitBinaryPath(config),
      dataDir: options.dataDir ?? path.join(config.dirs.data, 'livekit'),
      nodes: liveKitClusterNodeSettings(base, config.livekit.nodes),
      logger: options.logger,
      readyTimeoutMs: options.readyTimeoutMs,
      stopGraceMs: options.stopGraceMs,
    });
  }

  readonly nodes: readonly LiveKitServer[];

  constructor(options: LiveKitClusterOptions) {
    if (!Array.isArray(options?.nodes) || options.nodes.length === 0) throw new TypeError('nodes must list at least one node');
    if (options.nodes.length > 1) {
      const redis = JSON.stringify(options.nodes[0]!.redis);
      if (options.nodes.some((n) => n.redis === undefined || JSON.stringify(n.redis) !== redis)) {
        throw new TypeError('every node of a cluster must use the same redis settings');
      }
    }
    // A single node needs no subfolder: the layout stays what it was before clusters.
    this.nodes = options.nodes.map(
      (settings, i) =>
        new LiveKitServer({
          bin: options.bin,
          dataDir: options.nodes.length === 1 ? options.dataDir : path.join(options.dataDir, `node-${i}`),
          settings,
          logger: options.logger?.child({ livekitNode: i }),
          readyTimeoutMs: options.readyTimeoutMs,
          stopGraceMs: options.stopGraceMs,
        }),
    );
  }

  /** The URL services use: node 0's. */
  get url(): string {
    return this.nodes[0]!.url;
  }

  /** Starts every node (one after the other: each registers itself in Redis as it comes up). */
  async start(): Promise<LiveKitServerReady[]> {
    const ready: LiveKitServerReady[] = [];
    try {
      for (const node of this.nodes) ready.push(await node.start());
    } catch (err) {
      await this.stop();
      throw err;
    }
    return ready;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
