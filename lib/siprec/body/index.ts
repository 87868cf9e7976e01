/** SIPREC bodies: the SRC's offer and multipart body, the SRS's classification, codec choice and answer. */
export { DEFAULT_AUDIO_CODECS, mediaCodecs, payloadTypes } from './codecs.js';
export { buildSrcAnswer, noStreamReason, type SrcAnswer, type SrcAnsweredLine } from './src-answer.js';
export { buildOfferSdp, type OfferOptions, type OfferStream } from './offer.js';
export { buildRecordingBody, splitRecordingBody, type BuiltBody, type RecordingBodyParts } from './recording-body.js';
export { parseSrsAnswer, connectionAddress, type AnsweredStream } from './answer.js';
export { classifyRecordingInvite, contactHasFeatureTag, type HeaderSource, type InviteClass } from './classify.js';
export {
  analyseOffer, buildRecvonlyAnswer, recordableStreams,
  type AnalysedOffer, type AnswerOptions, type OfferedStream,
} from './srs-answer.js';
export {
  RECORD_AWARE_OPTION_TAG, RECORD_AWARE_SUPPORTED, callRecordingPreference, indicationForState, isRecordAware,
  parseRecordIndication, parseRecordPreference, readRecordAttributes, recordIndicationOf, recordPreferenceOf,
  setRecordIndication, setRecordPreference, withRecordAware,
  type RecordAttributeOptions, type RecordAttributes, type RecordingStateName, type SdpRecordAttributes,
} from './record-indication.js';
export {
  answerCrypto, cryptoAttrsOf, formatCryptoAttr, keyMaterialOf, matchCryptoAnswer, newCryptoAttr, parseCryptoAttr, setCryptoAttrs, usableCrypto,
  type CryptoAttr, type CryptoChoice,
} from './crypto-attr.js';
