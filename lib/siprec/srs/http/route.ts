/**
 * One HTTP route of the SRS's (or SRC's) operator server: /metrics, /healthz, the status page,
 * /recordings.json, stored files. The server tries its routes in order; a route answers the
 * request and returns true, or returns false and leaves it to the next one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
