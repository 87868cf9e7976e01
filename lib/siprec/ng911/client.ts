/**
 * Delivery of log events to one Logging Service (NENA-STA-010.3 §4.12.3.7): each event is signed
 * (flattened JWS) and POSTed to `{baseUrl}/LogEvents` as application/json (over https with the
 * server entry's own `ca` when given), in order, one at a
 * time. 201 (or any 2xx) = logged; a network error, a timeout, 429 or a 5xx is retried with
 * doubling delays; the Logging Service's own 4xx codes (434 signature, 438 alg, 454, 460 bad event,
 * 461 too big, 462/463 extension) are final and the event is dropped and reported. The queue is
 * bounded: when full, the oldest event is dropped and reported.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { Clock, TimerHandle } from '../../../include-types/settings.js';
import type { LogEventServerSettings, LogEventSigning } from '../../../include-types/siprec.js';
import { defaultSiprecClock } from '../common/timers.js';
import { postJson } from './http-post.js';
import { signJws } from './jws.js';

/** The outcome of one event on one server. */
export interface DeliveryReport {
  /** Server name. */
  server: string;
  /** Event type. */
  logEventType: string;
  /** True when the server took it. */
  delivered: boolean;
  /** Attempts made. */
  attempts: number;
  /** Last HTTP status, if any. */
  status?: number;
  /** logEventId the server returned. */
  logEventId?: string;
  /** Why it failed. */
  error?: string;
}

/** Events of {@link LogEventClient}. */
export interface LogEventClientEvents {
  delivered: (r: DeliveryReport) => void;
  failed: (r: DeliveryReport) => void;
}

interface Queued {
  event: { logEventType: string };
  attempts: number;
}

/** Options of {@link LogEventClient}. */
export interface LogEventClientOptions {
  /** Per-request timeout in ms (default 5000). */
  requestTimeoutMs?: number;
  /** Time source of the retry delays, request timeouts and drain bound (default: real time). */
  clock?: Clock;
}

/** Queues, signs and delivers log events to one server. */
export class LogEventClient extends EventEmitter<LogEventClientEvents> {
  private readonly queue: Queued[] = [];
  private readonly key: KeyObject;
  private busy = false;
  private closed = false;
  private timer: TimerHandle | undefined;
  private readonly clock: Clock;
  private idleWaiters: (() => void)[] = [];
  private readonly url: string;

  /**
   * @param server - where to send
   * @param signing - the JWS key
   */
  constructor(readonly server: LogEventServerSettings, private readonly signing: LogEventSigning, private readonly opts: LogEventClientOptions = {}) {
    super();
    this.key = createPrivateKey(signing.privateKeyPem);
    this.url = server.baseUrl.replace(/\/+$/, '') + '/LogEvents';
    this.clock = opts.clock ?? defaultSiprecClock();
  }

  /** Events waiting (including the one in flight). */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues an event. */
  send(event: { logEventType: string }): void {
    if (this.closed) return;
    const max = this.server.maxQueue ?? 1000;
    while (this.queue.length >= max) {
      const dropped = this.queue.splice(this.busy ? 1 : 0, 1)[0];
      if (!dropped) break;
      this.emit('failed', { server: this.server.name, logEventType: dropped.event.logEventType, delivered: false, attempts: dropped.attempts, error: 'queue full' });
    }
    this.queue.push({ event, attempts: 0 });
    this.pump();
  }

  /** Resolves when the queue is empty (or after `timeoutMs`). */
  drain(timeoutMs = 5000): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = this.clock.setTimer(done, timeoutMs);
      const self = this;
      function done(): void {
        self.clock.clearTimer(t);
        self.idleWaiters = self.idleWaiters.filter((w) => w !== done);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  /** Stops delivering; queued events are dropped. */
  close(): void {
    this.closed = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.queue.length = 0;
    this.idle();
    this.removeAllListeners();
  }

  private idle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private pump(): void {
    if (this.busy || this.closed || this.timer) return;
    const item = this.queue[0];
    if (!item) {
      this.idle();
      return;
    }
    this.busy = true;
    void this.attempt(item).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async attempt(item: Queued): Promise<void> {
    item.attempts++;
    let status: number | undefined;
    let error: string | undefined;
    let logEventId: string | undefined;
    // the request's timeout on the clock too (not AbortSignal.timeout, which runs on real time)
    const abort = new AbortController();
    const timeout = this.clock.setTimer(() => abort.abort(new Error(`no answer within ${this.opts.requestTimeoutMs ?? 5000} ms`)), this.opts.requestTimeoutMs ?? 5000);
    try {
      const jws = signJws(item.event, this.signing, this.key);
      const res = await postJson(this.url, JSON.stringify(jws), {
        signal: abort.signal,
        ...(this.server.ca !== undefined ? { ca: this.server.ca } : {}),
      });
      status = res.status;
      if (status >= 200 && status < 300) logEventId = readLogEventId(res.body);
      else error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).message;
    } finally {
      this.clock.clearTimer(timeout);
    }
    if (this.closed) return;
    const base = { server: this.server.name, logEventType: item.event.logEventType, attempts: item.attempts };
    if (status !== undefined && status >= 200 && status < 300) {
      this.queue.shift();
      this.emit('delivered', { ...base, delivered: true, status, ...(logEventId !== undefined ? { logEventId } : {}) });
      return;
    }
    const retryable = status === undefined || status === 429 || status >= 500;
    if (!retryable || item.attempts > (this.server.maxRetries ?? 5)) {
      this.queue.shift();
      this.emit('failed', { ...base, delivered: false, ...(status !== undefined ? { status } : {}), error: error ?? 'failed' });
      return;
    }
    const delay = Math.min((this.server.retryDelayMs ?? 500) * 2 ** (item.attempts - 1), this.server.maxRetryDelayMs ?? 30_000);
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.pump();
    }, delay);
  }
}

/**
 * The logEventId of a 201. loggingservice.yaml gives the body as a JSON string (`"urn:..."`);
 * an object with `logEventId` and a bare text id are taken too, for servers that answer so.
 */
export function readLogEventId(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  try {
    const j = JSON.parse(text) as unknown;
    if (typeof j === 'string') return j;
    if (j !== null && typeof j === 'object' && typeof (j as { logEventId?: unknown }).logEventId === 'string') return (j as { logEventId: string }).logEventId;
    return undefined;
  } catch {
    return text;
  }
}
