/**
 * RFC 4028 session timers for one INVITE dialog, on the `SessionTimer` of lib/dialog: the
 * headers of our session refresh requests, the negotiation of each 2xx (sent or received), 422
 * retries, the refresh due at half the interval (sent as UPDATE or re-INVITE), and the end of
 * the session when no refresh came in time. The association's `Refresh` shows the timer's
 * state (Active with the negotiated interval, Terminated when it stopped).
 * @module
 */
import type { Clock } from '../../../include-types/settings.js';
import {
  type NegotiatedTimer,
  type SessionTimerPolicy,
  negotiateAsUac,
  negotiateAsUas,
  retryAfter422,
  uacRequestHeaders,
} from '../../dialog/session-timer-negotiation.js';
import { SessionTimer } from '../../dialog/session-timer.js';
import type { SipRequest, SipResponse } from '../../message/index.js';

/** Session timer settings of an INVITE association. */
export interface SessionTimerOptions extends SessionTimerPolicy {
  /** How this side refreshes: UPDATE without a body (default, RFC 4028 §7.4 recommends it) or re-INVITE. */
  refreshMethod?: 'UPDATE' | 'INVITE';
}

/** What the refresher needs from its association. */
export interface SessionHost {
  readonly clock: Clock;
  /** Time to refresh: send a session refresh request with these headers. */
  sendRefresh(method: 'UPDATE' | 'INVITE', headers: Array<[string, string]>): void;
  /** No refresh in time: end the session (BYE) and tell the app. */
  expired(): void;
  /** The timer runs with this interval (seconds), or stopped (undefined). */
  showState(interval: number | undefined): void;
}

/** The session timer of one dialog. */
export class SessionRefresher {
  private policy: SessionTimerOptions;
  private timer: SessionTimer | undefined;

  constructor(
    private readonly host: SessionHost,
    policy: SessionTimerOptions,
  ) {
    this.policy = { ...policy };
  }

  /** The negotiated interval while running. */
  get interval(): number | undefined {
    return this.timer?.running === true ? this.timer.current.interval : undefined;
  }

  /** RFC 4028 §7.1: Supported: timer, Session-Expires and Min-SE for a request we send. */
  requestHeaders(): Array<[string, string]> {
    return uacRequestHeaders(this.policy);
  }

  /** RFC 4028 §7.3: the request again with a larger interval, or undefined if 422 cannot be met. */
  retryAfter422(res: SipResponse, previous: SipRequest, next: () => SipRequest): SipRequest | undefined {
    if (res.status !== 422) return undefined;
    const p = retryAfter422(res, this.policy);
    if (p === undefined) return undefined;
    this.policy = { ...this.policy, ...p };
    const req = next();
    for (const [n, v] of uacRequestHeaders(this.policy)) if (n !== 'Supported' || !req.supported.includes('timer')) req.headers.set(n, v);
    void previous;
    return req;
  }

  /** A 2xx to our session refresh request (or the INVITE): RFC 4028 §7.2. */
  uac2xx(res: SipResponse): void {
    this.apply(negotiateAsUac(res));
  }

  /** A 2xx we send to a session refresh request: RFC 4028 §9 headers added, timer (re)started. */
  uas2xx(req: SipRequest, res: SipResponse): SipResponse {
    const d = negotiateAsUas(req, this.policy);
    if (d.kind !== 'accept') return res; // 422 was sent before the app saw the request
    for (const [n, v] of d.headers) res.headers.set(n, v);
    this.apply(d.timer);
    return res;
  }

  /** Stops for good. */
  dispose(): void {
    this.timer?.dispose();
    this.timer = undefined;
    this.host.showState(undefined);
  }

  private apply(t: NegotiatedTimer | undefined): void {
    if (t === undefined) {
      this.timer?.dispose();
      this.timer = undefined;
      this.host.showState(undefined);
      return;
    }
    const settings = { interval: t.interval, localRefreshes: t.localRefreshes };
    if (this.timer === undefined || !this.timer.running) {
      this.timer?.dispose();
      this.timer = new SessionTimer(this.host.clock, settings, {
        onRefreshDue: () => {
          const method = this.policy.refreshMethod ?? 'UPDATE';
          // RFC 4028 §7.4: the refresher names itself in the refresh request
          this.host.sendRefresh(method, uacRequestHeaders({ ...this.policy, sessionExpires: t.interval, refresher: 'uac' }));
        },
        onExpired: () => {
          this.timer = undefined;
          this.host.showState(undefined);
          this.host.expired();
        },
      });
    } else this.timer.refreshed(settings);
    this.host.showState(t.interval);
  }
}
