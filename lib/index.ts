/**
 * tsip: a SIP Client API for Node.js in the shape of the Symbian SIP Client API.
 *
 * The API classes (lib/api) are exported by name; the interfaces they implement stay reachable as
 * `views` (the `tsip/include-types` entry point has them under their own names). The lower layers
 * most useful to apps and tests are exported too: the stack, the clocks, the message model.
 * @module
 */
export * from './api/index.js';
export * as views from '../include-types/api.js';
export { SipError, SipErrorCode, isSipError, type SipErrorOptions } from '../include-types/errors.js';
export { ConnectionState, TransactionState, DialogState, RefreshState, EndReason } from '../include-types/states.js';
export type * from '../include-types/settings.js';
export type { SipObserver, SipConnectionObserver, HttpDigestChallengeObserver } from '../include-types/observers.js';
export type { HeaderField, Owned, RegistrationContext } from '../include-types/api.js';
export { SipStack, TSIP_VERSION, type StackStats, type StackEvent } from './stack/index.js';
export { FakeClock, RealClock } from './transaction/index.js';
export { SipRequest, SipResponse, SipUri, AbsoluteUri, NameAddr, parseUri, parseMessage, type Uri } from './message/index.js';
// what SipStack.stats().transport holds (the drop reasons, the OS's UDP drops ...)
export { DropReason, type TransportStats, type TooLargeStats } from './transport/index.js';
export {
  SipParseError,
  serializeMessage,
  createResponse,
  parseMultipart,
  buildMultipart,
  parseSdp,
  writeSdp,
  MediaType,
  Headers,
  Via,
} from './message/index.js';

// SIPREC (RFC 7866 / RFC 7865): the recording client, the recording server, their metadata and media.
export { SrcManager, SrcUserAgent, RecordingSession, PersistentRecording } from './siprec/src/index.js';
export { Srs, SrsSession, inspectRecording, listRecordings, readRecording, recoverRecordings, RecordingIndexError, IndexProblem, type RecoveryReport } from './siprec/srs/index.js';
export { SrsSessionState, SrsSessionStateError } from './siprec/srs/index.js';
export { srsStatusRoutes, type SrsStatusSource } from './siprec/srs/status/index.js';
export { SrsMetrics, srsServiceRoutes, startSrsHttp, type SrsMetricsOptions, type SrsHttpSettings, type SrsServiceRouteOptions } from './siprec/srs/index.js';
export {
  parseMetadata,
  buildMetadata,
  applyPartialUpdate,
  MetadataBuilder,
  MetadataError,
  MetadataErrorCode,
  buildSnapshotRequest,
  parseSnapshotRequest,
  newMetadataId,
} from './siprec/metadata/index.js';
export type { RecordingMetadata } from './siprec/metadata/index.js';
export { syntheticCall } from './siprec/media/index.js';
// Live audio (issue 13): the taps `Srs` and `SrcManager` emit as `audioTap`, and the stereo WAV's file name.
export { PcmTap, g711DecoderFor, DEFAULT_TAP_BUFFER_MS, type PcmTapOptions, type PayloadDecoder } from './siprec/media/index.js';
export { STEREO_WAV_FILE } from './siprec/srs/index.js';
export { AudioTapUnavailableReason } from '../include-types/siprec.js';
export { RECORD_AWARE_OPTION_TAG, RECORD_AWARE_SUPPORTED, callRecordingPreference, indicationForState, isRecordAware, parseRecordIndication, parseRecordPreference, readRecordAttributes, recordIndicationOf, recordPreferenceOf, setRecordIndication, setRecordPreference, withRecordAware } from './siprec/body/index.js';
export { RecordingEndReason, SrsAttemptOutcome } from '../include-types/siprec.js';
export { SrsEndReason, StreamFailureReason, MessageDropReason, RecordingRequirement, LiveRecordingState } from '../include-types/siprec.js';
export type * from '../include-types/siprec.js';
// NG9-1-1 Logging Service (NENA-STA-010.3): verify, check and store log events; the demo's service.
export { startLogEventServer, startDemoLogEventServer, LogEventRejection } from './siprec/ng911/index.js';
export type { LogEventServer, LogEventServerEvents, LogEventServerStats, DemoLogEvents, DemoLogEventsOptions } from './siprec/ng911/index.js';
export { LogEventRejectCode } from '../include-types/ng911-logging.js';
export type * from '../include-types/ng911-logging.js';
// Prometheus metrics of a recording client, for the operator HTTP server.
export { SrcMetrics, srcMetricsRoutes } from './siprec/src/index.js';
export type { SrcMetricsOptions } from './siprec/src/index.js';
// SIPREC conformance probe: check any SRS (acting as an SRC) or any SRC (acting as an SRS) against RFC 7866 / RFC 7865.
export { probeSrs, probeSrc, startSrcProbe, formatReport as formatProbeReport, type SrcProbeHandle } from './siprec/probe/index.js';
export { ProbeLevel } from '../include-types/siprec-probe.js';
export { B2bua, B2buaCallState, RECORDING_UNAVAILABLE_STATUS, RtpRelay, describeAudio, rewriteForRelay } from './b2bua/index.js';
export type { B2buaCallEndedEvent, B2buaCallInfo, B2buaEndReason, B2buaEvents, B2buaOptions, B2buaRecordingEvent, B2buaRecordingState } from './b2bua/index.js';
