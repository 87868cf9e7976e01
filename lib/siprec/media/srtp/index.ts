/** SRTP/SRTCP (RFC 3711) with the SDES suites AES_CM_128_HMAC_SHA1_80/_32 (RFC 4568 §6.2); node:crypto only. */
export { SRTP_SUITES, isSrtpSuite, type SrtpSuite, type SuiteParams } from './suites.js';
export { aesCmKeystream, counterBlock, deriveSessionKey, KdfLabel } from './kdf.js';
export { REPLAY_WINDOW, ReplayWindow } from './replay.js';
export {
  deriveKeys, rtpHeaderLength, SrtpFailure, SrtpReceiver, SrtpSender,
  type SrtpKeyMaterial, type SrtpReceiverStats, type SrtpVerdict,
} from './context.js';
