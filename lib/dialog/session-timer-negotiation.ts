/**
 * RFC 4028 negotiation of the session interval and the refresher, for one session refresh
 * transaction (initial INVITE, re-INVITE or UPDATE). "uac"/"uas" are the roles in *that*
 * transaction, so a refresh sent by the original callee has the callee as UAC.
 * @module
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import {
  DEFAULT_MIN_SE,
  DEFAULT_SESSION_EXPIRES,
  type Refresher,
  formatMinSE,
  formatSessionExpires,
  parseMinSE,
  parseSessionExpires,
} from './session-expires.js';

/** A negotiated session timer, from this side's point of view. */
export interface NegotiatedTimer {
  /** Session interval in seconds. */
  interval: number;
  /** The refresher, as written in Session-Expires. */
  refresher: Refresher;
  /** True if this side sends the refreshes. */
  localRefreshes: boolean;
}

/** Header fields as (name, value) pairs to add to a message. */
export type HeaderPairs = Array<[string, string]>;

/** Local session timer policy. */
export interface SessionTimerPolicy {
  /** The interval we ask for / accept at most (default 1800). */
  sessionExpires?: number;
  /** The smallest interval we accept (default 90, never below 90). */
  minSE?: number;
  /** As UAS, who refreshes when the UAC leaves the choice (default 'uas'). */
  preferredRefresher?: Refresher;
  /** As UAS, run a timer even when the request asked for none (default false). */
  timerWhenNotRequested?: boolean;
}

function firstHeader(msg: SipRequest | SipResponse, name: string): string | undefined {
  return msg.headers.get(name);
}

function minSEOf(p: SessionTimerPolicy): number {
  return Math.max(DEFAULT_MIN_SE, p.minSE ?? DEFAULT_MIN_SE);
}

/**
 * The headers a UAC puts in a session refresh request (RFC 4028 §7.1): Supported: timer,
 * Session-Expires (with `refresher` if given) and Min-SE.
 */
export function uacRequestHeaders(p: SessionTimerPolicy & { refresher?: Refresher } = {}): HeaderPairs {
  const minSE = minSEOf(p);
  const interval = Math.max(p.sessionExpires ?? DEFAULT_SESSION_EXPIRES, minSE);
  return [
    ['Supported', 'timer'],
    ['Session-Expires', formatSessionExpires(p.refresher === undefined ? { interval } : { interval, refresher: p.refresher })],
    ['Min-SE', formatMinSE(minSE)],
  ];
}

/** What a UAS does with a session refresh request. */
export type UasTimerDecision =
  /** RFC 4028 §9: interval too small; answer 422 with these headers (Min-SE). */
  | { kind: 'reject'; status: 422; headers: HeaderPairs }
  /** Answer 2xx with these headers; `timer` undefined = no session timer. */
  | { kind: 'accept'; headers: HeaderPairs; timer?: NegotiatedTimer };

/** What the UAS side reads of a session refresh request (a SipRequest, or the API's elements). */
export interface RefreshRequestView {
  /** The option tags of its Supported header fields. */
  readonly supported: readonly string[];
  /** The first value of a header field, undefined when absent. */
  header(name: string): string | undefined;
}

/** The UAS side of RFC 4028 §9 for a request about to get a 2xx. */
export function negotiateAsUas(request: SipRequest, policy: SessionTimerPolicy = {}): UasTimerDecision {
  return negotiateRefreshAsUas({ supported: request.supported, header: (name) => firstHeader(request, name) }, policy);
}

/** {@link negotiateAsUas} on what it reads of the request (the SRC answers through the API's elements). */
export function negotiateRefreshAsUas(request: RefreshRequestView, policy: SessionTimerPolicy = {}): UasTimerDecision {
  const localMin = minSEOf(policy);
  const uacSupports = request.supported.includes('timer');
  const seRaw = request.header('Session-Expires');
  const se = seRaw === undefined ? undefined : parseSessionExpires(seRaw);
  let interval: number;
  let refresher: Refresher | undefined;
  if (se === undefined) {
    if (policy.timerWhenNotRequested !== true) return { kind: 'accept', headers: [] };
    interval = Math.max(policy.sessionExpires ?? DEFAULT_SESSION_EXPIRES, localMin);
  } else {
    // RFC 4028 §9: below our Min-SE → 422 carrying it.
    if (se.interval < localMin && uacSupports) return { kind: 'reject', status: 422, headers: [['Min-SE', formatMinSE(localMin)]] };
    const minRaw = request.header('Min-SE');
    const theirMin = Math.max(DEFAULT_MIN_SE, (minRaw === undefined ? undefined : parseMinSE(minRaw)) ?? DEFAULT_MIN_SE);
    // RFC 4028 §9: the UAS may shorten the interval, but not below either side's Min-SE.
    // NOTE (deviation): a UAC without timer support did not write the header (a proxy did) and
    // cannot act on a 422, so a too-small interval is raised to our Min-SE instead, as §8.1 has
    // proxies do.
    interval = Math.max(Math.min(se.interval, Math.max(policy.sessionExpires ?? se.interval, theirMin, localMin)), localMin);
    refresher = se.refresher;
  }
  // RFC 4028 §9: a UAC without timer support cannot refresh, so the UAS does.
  if (!uacSupports) refresher = 'uas';
  else refresher ??= policy.preferredRefresher ?? 'uas';
  const headers: HeaderPairs = [['Session-Expires', formatSessionExpires({ interval, refresher })]];
  // RFC 4028 §9: Require: timer in the 2xx when the UAC supports the extension.
  if (uacSupports) headers.push(['Require', 'timer']);
  return { kind: 'accept', headers, timer: { interval, refresher, localRefreshes: refresher === 'uas' } };
}

/**
 * The UAC side of RFC 4028 §7.2 for a 2xx to its session refresh request: no Session-Expires in
 * the 2xx means no session timer; otherwise the refresher comes from the response.
 */
export function negotiateAsUac(response: SipResponse): NegotiatedTimer | undefined {
  const raw = firstHeader(response, 'Session-Expires');
  const se = raw === undefined ? undefined : parseSessionExpires(raw);
  if (se === undefined) return undefined;
  // NOTE (deviation): a 2xx must name the refresher (§9); if it does not, the UAC refreshes,
  // which is safe either way (an extra refresh never ends a session).
  const refresher = se.refresher ?? 'uac';
  return { interval: se.interval, refresher, localRefreshes: refresher === 'uac' };
}

/**
 * The UAC side of RFC 4028 §7.3 for a 422: the policy to retry with (Session-Expires and Min-SE
 * raised to the response's Min-SE), or undefined if the 422 has no usable Min-SE.
 */
export function retryAfter422(response: SipResponse, current: SessionTimerPolicy = {}): SessionTimerPolicy | undefined {
  const raw = firstHeader(response, 'Min-SE');
  const theirMin = raw === undefined ? undefined : parseMinSE(raw);
  if (theirMin === undefined) return undefined;
  const minSE = Math.max(minSEOf(current), theirMin);
  const sessionExpires = Math.max(current.sessionExpires ?? DEFAULT_SESSION_EXPIRES, minSE);
  if (sessionExpires === current.sessionExpires && minSE === minSEOf(current)) return undefined; // would loop
  return { ...current, sessionExpires, minSE };
}
