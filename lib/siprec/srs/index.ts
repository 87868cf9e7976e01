/** The Session Recording Server: Srs, its checks, sessions and storage. */
export { Srs } from './srs.js';
export { SrsSession } from './srs-session.js';
export { SrsSessionState, SrsSessionStateError } from './srs-session-state.js';
export { liveRecordingOf, type SrsLiveRecording } from './live-recordings.js';
export { SrsLiveAudio, type AudioSession, type StreamAudioFeed } from './live-audio.js';
export { StereoRecording, STEREO_WAV_FILE } from './stereo-recording.js';
export { SrsMetrics, type SrsMetricsOptions, type MetricsSource } from './srs-metrics.js';
export { srsServiceRoutes, startSrsHttp, type SrsHttpSettings, type SrsServiceRouteOptions, type SrsServiceSource } from './srs-http.js';
export { DEFAULT_DRAIN_TIMEOUT_MS } from './srs-drain.js';
export { checkRecordingInvite, checkRecordingBody, policyOf, type CheckOptions, type InviteVerdict, type ReceivedMetadata } from './check-invite.js';
export * from './media-plan.js';
export {
  MsrpAssembler, MsrpParser, MsrpReceiver, MsrpSyntaxError, buildMsrpFrame, msrpSessionId, parseByteRange,
  type ByteRange, type MsrpFrame,
} from './msrp.js';
export * from './storage/index.js';
