// Public surface of the LiveKit module: the managed server process, its pure config builder, and
// a readiness probe that also works against an external LIVEKIT_URL.
export { LiveKitCluster, type LiveKitClusterOptions } from './livekit-cluster.js';
export { LiveKitServer, type LiveKitServerOptions, type LiveKitServerReady, type LiveKitServerExit } from './livekit-server.js';
export {
  buildLiveKitServerConfig,
  renderLiveKitServerConfig,
  liveKitServerSettingsFromConfig,
  liveKitBinaryPath,
  liveKitClusterNodeSettings,
  parseRedisUrl,
  CLUSTER_NODE_PORT_STRIDE,
  isLoopbackAddress,
  type LiveKitServerSettings,
  type LiveKitRedisSettings,
  type LiveKitServerYaml,
  type LiveKitLogLevel,
} from './server-config.js';
export { probeLiveKit, waitForLiveKit, liveKitHealthUrl, type LiveKitProbeResult } from './readiness.js';
