/**
 * The SipStack: the shared engine that owns transports, transactions and dialog routing, and
 * routes incoming requests to the clients using it.
 * @module
 */
export { SipStack, TSIP_VERSION, DEFAULT_SHUTDOWN_GRACE_MS, MAX_SHUTDOWN_GRACE_MS, type ShutdownOptions, type StackStats, type StackEvent } from './sip-stack.js';
export type { StackUser, Claim, DialogKey, DialogEndpoint } from './stack-user.js';
export { DialogRouter } from './dialog-router.js';
export { OutgoingRequest, type OutgoingRequestOptions } from './outgoing-request.js';
export { nextHopUri, resolveQuery, literalTargets, resolveTargets } from './next-hop.js';
export { checkNewRequest, KNOWN_METHODS, DEFAULT_EXTENSIONS } from './uas-checks.js';
export { statelessErrorFor } from './stateless-reply.js';
