/** The SRS status page: routes for the operator HTTP server (see routes.ts). */
export { srsStatusRoutes, SRS_STATUS_DEFAULTS } from './routes.js';
export { buildReport, type SrsStatusSource } from './report.js';
export { parseRange, type RangeVerdict } from './range.js';
export { escapeHtml } from './escape.js';
