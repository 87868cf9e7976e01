/**
 * The SIP message layer: model, parser, serializer, URIs, headers, bodies.
 * Pure: no I/O and no timers.
 * @module
 */
export * from './errors.js';
export * from './uri.js';
export { uriEquals } from './uri-equals.js';
export * from './params.js';
export * from './name-addr.js';
export * from './via.js';
export * from './cseq.js';
export * from './media-type.js';
export * from './header-names.js';
export * from './headers.js';
export * from './message.js';
export { MAX_CONTENT_LENGTH, MAX_DELTA_SECONDS } from './header-values.js';
/** @internal */
export { checkCallId, parseTopVia } from './header-values.js';
export * from './parse.js';
export * from './serialize.js';
export * from './validate.js';
export * from './response.js';
export * from './reason-phrases.js';
export { splitList, quote, unquote, isToken, hasLineBreak } from './chars.js';
export * from './multipart.js';
export * from './framer.js';
export * from './sdp.js';
export * from './auth.js';
