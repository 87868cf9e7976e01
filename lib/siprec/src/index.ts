/** The Session Recording Client: SrcManager, SrcUserAgent, recording sessions and media forking. */
export { SrcManager, CallRecording } from './src-manager.js';
export { SrcUserAgent, type SrcUserAgentOptions, type SrsInitiatedVerdict } from './src-user-agent.js';
export { RecordingSession, SessionState } from './recording-session.js';
export { PersistentRecording } from './persistent-session.js';
export { PersistentMetadata } from './persistent-metadata.js';
export { MediaFork, type MediaForkOptions } from './media-fork.js';
export { StreamForwarder, type ForkTarget, type ForwarderRtcp, type ForwarderStats } from './stream-forwarder.js';
export { compileSkipFailover, type SkipMatcher } from './skip-failover.js';
export { EndpointPool } from './endpoint-pool.js';
export { SrcMetrics, srcMetricsRoutes, type SrcMetricsOptions } from './src-metrics.js';
export { SrcLiveAudio } from './live-audio.js';
