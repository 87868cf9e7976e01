/**
 * The dialog layer (RFC 3261 §12): dialog state and in-dialog requests, UAC dialog sets for
 * forking, the dialog table, RFC 3262 reliable provisional responses, RFC 4028 session timers and
 * offer/answer bookkeeping. Pure logic; timers only through an injected clock.
 * @module
 */
export * from './dialog-id.js';
export * from './dialog.js';
export * from './dialog-factory.js';
export * from './dialog-set.js';
export * from './dialog-table.js';
export * from './route-set.js';
export * from './request-builder.js';
export * from './target-refresh.js';
export * from './rack.js';
export * from './reliable-provisional-sender.js';
export * from './reliable-provisional-receiver.js';
export * from './session-expires.js';
export * from './session-timer-negotiation.js';
export * from './session-timer.js';
export * from './offer-answer.js';
export * from './invite-guard.js';
