/** NG9-1-1 recording log events (NENA-STA-010.3): event types, JWS signing, delivery. */
export * from './log-events.js';
export { signJws, verifyJws, type FlattenedJws } from './jws.js';
export { LogEventClient, type DeliveryReport, type LogEventClientEvents, type LogEventClientOptions } from './client.js';
export { Ng911Logger, type LoggedCall } from './logger.js';
