/**
 * The SIPREC contract (DESIGN §4): settings of the recording client (`SrcManager`) and of the
 * recording server (`Srs`), the call description the app hands over, and the payloads of their
 * events, in five parts (shared, client settings, client calls and events, server, its status page). Types and
 * const objects only.
 */
export * from './siprec-common.js';
export * from './siprec-src-settings.js';
export * from './siprec-src-events.js';
export * from './siprec-persistent.js';
export * from './siprec-src-controls.js';
export * from './siprec-srs.js';
export * from './siprec-probe.js';
export * from './siprec-status.js';
export * from './siprec-live-audio.js';
export * from './siprec-tls.js';
