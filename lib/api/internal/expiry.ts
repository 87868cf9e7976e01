/**
 * How long a refreshed request lasts and when to refresh it.
 * @module
 */
import type { NameAddr, SipRequest, SipResponse } from '../../message/index.js';
import { SipUri, uriEquals } from '../../message/index.js';

/** The expiry the registrar/notifier granted (seconds), or undefined when the response says none. */
export function grantedExpires(res: SipResponse, req: SipRequest, contact?: NameAddr): number | undefined {
  if (contact !== undefined) {
    // RFC 3261 §10.2.4: the registrar lists every binding; ours carries our expiry
    for (const c of safe(() => res.contact) ?? []) {
      if (c === '*') continue;
      if (c.uri instanceof SipUri && contact.uri instanceof SipUri && uriEquals(c.uri, contact.uri)) {
        const e = c.params.get('expires');
        if (typeof e === 'string' && /^\d+$/.test(e)) return Number(e);
      }
    }
  }
  const fromRes = safe(() => res.expires);
  if (fromRes !== undefined) return fromRes;
  return safe(() => req.expires);
}

/**
 * Milliseconds until the refresh: half the interval for short ones, else some seconds before
 * expiry (the same margin RFC 4028 §10 uses: min(32 s, interval/3)).
 */
export function refreshDelayMs(expires: number): number {
  if (expires <= 0) return 0;
  if (expires <= 64) return (expires * 1000) / 2;
  return (expires - Math.min(32, expires / 3)) * 1000;
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
