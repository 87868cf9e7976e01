/**
 * HTTP Digest for SIP (RFC 3261 §22, RFC 7616, RFC 8760): challenge parsing and choice, the
 * digest computation, the client credential store and a stateless-nonce server.
 * @module
 */
export * from './algorithms.js';
export * from './auth-params.js';
export * from './challenge.js';
export * from './compute.js';
export * from './authorization.js';
export * from './credential-store.js';
export * from './server.js';
export * from './sip-auth.js';
