// Public surface of the LiveKit module: the managed server process, its pure config builder, and
// a readiness probe that also works against an external LIVEKIT_URL.
export { LiveKitServer, type LiveKitServerOptions, type LiveKitServerReady, type LiveKitServerExit } from './livekit-server.js';
export {
  buildLiveKitServerConfig,
  renderLiveKitServerConfig,
  liveKitServerSettingsFromConfig,
  liveKitBinaryPath,
  isLoopbackAddress,
  type LiveKitServerSettings,
  type LiveKitServerYaml,
  type LiveKitLogLevel,
} from './server-config.js';
export { probeLiveKit, waitForLiveKit, liveKitHealthUrl, type LiveKitProbeResult } from './readiness.js';
