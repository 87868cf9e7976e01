/**
 * OPTIONS keep-alive to each SRS URI of an entry (seed 000): an OPTIONS every interval; any
 * response means up (RFC 3261 §11: a 2xx, or even a 4xx/5xx, proves the SRS answers), a timeout or
 * transport error means down. A change is reported once (`srsStateChanged`); the failover skips
 * URIs that are down.
 */
import type { SipError } from '../../../include-types/errors.js';
import type { Clock } from '../../../include-types/settings.js';
import { RepeatingTimer } from '../common/timers.js';
import { RequestElements, MessageElements, type ClientTransaction, type SipConnection } from '../common/api.js';

/** Told when an SRS goes down or comes back. */
export type SrsStateListener = (uri: string, up: boolean, statusCode?: number) => void;

/** Options pinger of one user agent. */
export class SrsKeepAlive {
  private readonly up = new Map<string, boolean>();
  private readonly inFlight = new Map<ClientTransaction, string>();
  private timer: RepeatingTimer | undefined;

  /**
   * @param uris - the SRS URIs
   * @param intervalMs - 0 = off
   * @param clock - time source of the interval
   */
  constructor(private readonly connection: SipConnection, private readonly uris: readonly string[], private readonly intervalMs: number,
    private readonly from: string, private readonly listener: SrsStateListener, private readonly clock: Clock) {
    for (const u of uris) this.up.set(u, true);
  }

  /** Starts pinging (first round at once). */
  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.round();
    this.timer = new RepeatingTimer(this.clock, this.intervalMs, () => this.round());
  }

  /** False when the last ping of `uri` failed. */
  isUp(uri: string): boolean {
    return this.up.get(uri) ?? true;
  }

  /** Marks an URI's state from outside (e.g. an INVITE timeout); reports a change. */
  mark(uri: string, up: boolean, statusCode?: number): void {
    if (!this.up.has(uri) || this.up.get(uri) === up) return;
    this.up.set(uri, up);
    this.listener(uri, up, statusCode);
  }

  /** True when the transaction is one of our pings (then it is handled here). */
  onResponse(tx: ClientTransaction): boolean {
    const uri = this.inFlight.get(tx);
    if (uri === undefined) return false;
    const res = tx.responseElements;
    if (!res || res.statusCode < 200) return true;
    this.inFlight.delete(tx);
    tx.dispose();
    this.mark(uri, true, res.statusCode);
    return true;
  }

  /** True when the failed transaction is one of our pings. */
  onError(tx: ClientTransaction, _e: SipError): boolean {
    const uri = this.inFlight.get(tx);
    if (uri === undefined) return false;
    this.inFlight.delete(tx);
    tx.dispose();
    this.mark(uri, false);
    return true;
  }

  /** Stops pinging and drops pings in flight. */
  stop(): void {
    this.timer?.stop();
    this.timer = undefined;
    for (const tx of this.inFlight.keys()) tx.dispose();
    this.inFlight.clear();
  }

  private round(): void {
    for (const uri of this.uris) {
      if ([...this.inFlight.values()].includes(uri)) continue;
      try {
        const el = new RequestElements({
          method: 'OPTIONS', remoteUri: uri, from: this.from,
          messageElements: new MessageElements({ headers: [['Accept', 'application/sdp'], ['Supported', 'siprec']] }),
        });
        this.inFlight.set(this.connection.sendRequest(el), uri);
      } catch {
        this.mark(uri, false);
      }
    }
  }
}
