/**
 * The recording B2BUA (above siprec in the layer order: it uses the API and the SrcManager).
 * @module
 */
export { B2bua } from './b2bua.js';
export { B2buaCall, RECORDING_UNAVAILABLE_STATUS, type CallHost } from './b2bua-call.js';
export { B2buaCallState, canMove, isUnanswered } from './call-state.js';
export { CallRecorder, recordedCall, STREAM_LABELS } from './call-recorder.js';
export { RelayLeg, RtpRelay, type LegName, type RelayLegStats, type RelayTap, type RtpRelayOptions } from './rtp-relay.js';
export { describeAudio, rewriteForRelay, voiceCodec, type AudioDescription, type RelayAddress } from './sdp-legs.js';
export type { B2buaCallEndedEvent, B2buaCallInfo, B2buaEndReason, B2buaEvents, B2buaOptions, B2buaRecordingEvent, B2buaRecordingState } from './types.js';
