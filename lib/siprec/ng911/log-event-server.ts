/**
 * A small NG9-1-1 Logging Service (NENA-STA-010.3 §4.12.3, loggingservice.yaml): it takes
 * `POST {basePath}/LogEvents` with a log event signed as a JWS, verifies the signature against
 * the configured public keys, checks the event, stores it (log-event-store.ts: JSON lines,
 * fdatasync before the answer) and answers 201 with the new logEventId as a JSON string.
 * Refusals use the service's own codes: 434 signature, 438 algorithm, 460 bad event, 461 too
 * big, 462/463 extension; 429 beyond the rate limit (retried by the client), 500 when the store
 * cannot write (retried too: nothing was kept).
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { LogEventRejectCode, type LogEventServiceSettings, type StoredLogEvent } from '../../../include-types/ng911-logging.js';
import { checkLogEvent } from './log-event-check.js';
import { LogEventRejection, loadKeys, parseJwsBody, verifyWithKeys, type LoadedKey } from './log-event-jws.js';
import { JsonLinesStore } from './log-event-store.js';

/** Reason phrases of the service's codes (loggingservice.yaml descriptions). */
const REASONS: Readonly<Record<number, string>> = {
  434: 'Signature Verification Failure', 438: 'Unacceptable Algorithm', 454: 'Unspecified Error', 460: 'Bad LogEvent',
  461: 'LogEvent too big', 462: 'LogEvent extension not on approved list', 463: 'LogEvent extension on disallowed list',
};

/** Counters of a running service. */
export interface LogEventServerStats {
  /** Events stored (201). */
  accepted: number;
  /** Repeats of a stored event answered with its first logEventId (not stored again). */
  duplicates: number;
  /** Refusals by status. */
  rejected: Record<number, number>;
}

/** Events of a running service. */
export interface LogEventServerEvents {
  /** An event was stored. */
  stored: (e: StoredLogEvent) => void;
  /** A request was refused. */
  rejected: (e: { status: number; reason: string; source?: string }) => void;
}

/** A running Logging Service. */
export interface LogEventServer extends EventEmitter<LogEventServerEvents> {
  /** Base URL for `LogEventServerSettings.baseUrl`, e.g. `https://127.0.0.1:8443` (+ basePath). */
  readonly url: string;
  /** Bound address and port. */
  readonly address: { host: string; port: number };
  /** The JSON-lines file events go to. */
  readonly file: string;
  /** Counters. */
  readonly stats: LogEventServerStats;
  /** Stops listening, ends open connections and closes the store once its writes are done. */
  close(): Promise<void>;
}

/** A token bucket holding one second's worth. */
class RateLimit {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly perSecond: number) { this.tokens = perSecond; }
  take(): boolean {
    if (this.perSecond <= 0) return true;
    const now = Date.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** Remembers recent payloads (by hash) and the id they were given; bounded, oldest forgotten. */
class Recent {
  private readonly map = new Map<string, string>();
  constructor(private readonly max: number) {}
  get(k: string): string | undefined { return this.map.get(k); }
  set(k: string, id: string): void {
    if (this.max <= 0) return;
    this.map.set(k, id);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

/**
 * Starts a Logging Service. Throws RangeError for bad settings (no key, a key that is not a
 * P-256 or RSA public key); rejects when it cannot listen or open the store.
 */
export async function startLogEventServer(settings: LogEventServiceSettings): Promise<LogEventServer> {
  const keys = loadKeys(settings.keys);
  const store = await JsonLinesStore.open(settings.dir);
  const svc = new Service(settings, keys, store);
  try {
    await svc.listen();
  } catch (e) {
    await store.close();
    throw e;
  }
  return svc;
}

class Service extends EventEmitter<LogEventServerEvents> implements LogEventServer {
  readonly stats: LogEventServerStats = { accepted: 0, duplicates: 0, rejected: {} };
  private readonly server: Server;
  private readonly rate: RateLimit;
  private readonly recent: Recent;
  private readonly path: string;
  private readonly maxBody: number;
  private bound: AddressInfo | undefined;

  constructor(private readonly settings: LogEventServiceSettings, private readonly keys: LoadedKey[], private readonly store: JsonLinesStore) {
    super();
    this.rate = new RateLimit(settings.maxEventsPerSecond ?? 1000);
    this.recent = new Recent(settings.dedupeWindow ?? 10_000);
    this.path = `${(settings.basePath ?? '').replace(/\/+$/, '')}/LogEvents`;
    this.maxBody = settings.maxBodyBytes ?? 1024 * 1024;
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    const tls = settings.tls;
    this.server = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key, ...(tls.ca !== undefined ? { ca: tls.ca } : {}), requestCert: tls.requestCert ?? false, rejectUnauthorized: tls.requestCert ?? false }, handler)
      : createHttpServer(handler);
    this.server.requestTimeout = settings.requestTimeoutMs ?? 30_000;
    this.server.headersTimeout = Math.min(this.server.requestTimeout, 20_000);
    this.server.maxConnections = settings.maxConnections ?? 256;
  }

  get file(): string {
    return this.store.path;
  }

  get address(): { host: string; port: number } {
    return { host: this.bound?.address ?? '', port: this.bound?.port ?? 0 };
  }

  get url(): string {
    const a = this.bound!;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.settings.tls ? 'https' : 'http'}://${host}:${a.port}${(this.settings.basePath ?? '').replace(/\/+$/, '')}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.settings.port, this.settings.host ?? '127.0.0.1', () => { this.server.off('error', reject); resolve(); });
    });
    this.bound = this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.store.close();
    this.removeAllListeners();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const source = req.socket.remoteAddress;
    try {
      const url = new URL(req.url ?? '/', 'http://log.invalid');
      if (url.pathname !== this.path) return this.plain(res, 404, 'not found');
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return this.plain(res, 405, 'method not allowed');
      }
      const body = await this.readBody(req);
      if (body === undefined) {
        // Do not read on: the connection is closed after the answer.
        res.setHeader('connection', 'close');
        throw new LogEventRejection(LogEventRejectCode.LogEventTooBig, `body over ${this.maxBody} bytes`);
      }
      if (!this.rate.take()) {
        res.setHeader('retry-after', '1');
        return this.refuse(res, 429, 'Too Many Requests', 'over the rate limit', source);
      }
      const jws = parseJwsBody(body);
      const verified = verifyWithKeys(jws, this.keys);
      const event = checkLogEvent(verified.payload, {
        ...(this.settings.acceptedEventTypes ? { acceptedEventTypes: this.settings.acceptedEventTypes } : {}),
        ...(this.settings.extensions ? { extensions: this.settings.extensions } : {}),
      });
      // A client that lost our 201 sends the same payload again (re-signed: ES256 signatures differ).
      const digest = createHash('sha256').update(jws.payload).digest('base64url');
      const earlier = this.recent.get(digest);
      if (earlier !== undefined) {
        this.stats.duplicates++;
        return this.created(res, earlier);
      }
      const logEventId = `urn:emergency:uid:logid:${randomUUID()}:${this.settings.domain ?? 'localhost'}`;
      const record: StoredLogEvent = {
        logEventId, receivedAt: new Date().toISOString(), logEventType: event.logEventType, alg: verified.alg,
        ...(verified.kid !== undefined ? { kid: verified.kid } : {}), ...(source !== undefined ? { source } : {}),
        event, jws,
      };
      try {
        await this.store.append(record);
      } catch {
        // NOTE (deviation): 500, not 454 Unspecified Error: the event was not kept, and a 5xx is
        // what makes a client (ours included) send it again.
        return this.refuse(res, 500, 'Internal Server Error', 'the event store cannot write', source);
      }
      this.recent.set(digest, logEventId);
      this.stats.accepted++;
      this.created(res, logEventId);
      this.emit('stored', record);
    } catch (e) {
      if (e instanceof LogEventRejection) return this.refuse(res, e.status, REASONS[e.status] ?? 'Rejected', e.message, source);
      this.refuse(res, 454, REASONS[454], 'unspecified error', source);
    }
  }

  /** The body as text, or undefined once it is over the limit. */
  private readBody(req: IncomingMessage): Promise<string | undefined> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBody) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (d: Buffer): void => {
        size += d.length;
        if (size > this.maxBody) {
          req.off('data', onData);
          req.pause();
          resolve(undefined);
          return;
        }
        chunks.push(d);
      };
      req.on('data', onData);
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  private created(res: ServerResponse, logEventId: string): void {
    // loggingservice.yaml: 201, application/json, schema `type: string` (the logEventId).
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(logEventId));
  }

  private refuse(res: ServerResponse, status: number, phrase: string, why: string, source: string | undefined): void {
    this.stats.rejected[status] = (this.stats.rejected[status] ?? 0) + 1;
    if (!res.headersSent) res.writeHead(status, phrase, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status, reason: phrase, detail: why }));
    this.emit('rejected', { status, reason: why, ...(source !== undefined ? { source } : {}) });
  }

  private plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
  }
}
