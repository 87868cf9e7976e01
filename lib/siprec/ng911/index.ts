/** NG9-1-1 recording log events (NENA-STA-010.3): event types, JWS signing, delivery. */
export * from './log-events.js';
export { signJws, verifyJws, type FlattenedJws } from './jws.js';
export { LogEventClient, type DeliveryReport, type LogEventClientEvents, type LogEventClientOptions } from './client.js';
export { Ng911Logger, type LoggedCall } from './logger.js';
export { startLogEventServer, type LogEventServer, type LogEventServerEvents, type LogEventServerStats } from './log-event-server.js';
export { LogEventRejection, parseJwsBody, verifyWithKeys, loadKeys, type LoadedKey, type VerifiedJws } from './log-event-jws.js';
export { checkLogEvent, LOG_EVENT_TYPES, type LogEventCheckOptions } from './log-event-check.js';
export { JsonLinesStore, LOG_EVENT_FILE } from './log-event-store.js';
export { startDemoLogEventServer, type DemoLogEvents, type DemoLogEventsOptions } from './demo-log-events.js';
export { readLogEventId } from './client.js';
