/**
 * tsip's public contract: error codes, states, settings, API object surfaces, observers and
 * event types. Imports nothing from lib/.
 */
export * from './errors.js';
export * from './states.js';
export * from './settings.js';
export * from './api.js';
export * from './observers.js';
export * from './siprec.js';
export * from './ng911-logging.js';
