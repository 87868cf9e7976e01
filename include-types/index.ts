/**
 * tsip's public contract: error codes, states, settings and event types. Imports nothing from lib/.
 */
export * from './errors.js';
export * from './states.js';
export * from './settings.js';
