/**
 * SIP URI comparison (RFC 3261 §19.1.4).
 * @module
 */
import type { SipUri } from './uri.js';

/** Parameters that, present in one URI, must be present (and equal) in the other. */
const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'];

function stripVisual(n: string): string {
  // RFC 3966 §5: visual separators carry no meaning
  return n.replace(/[-.()]/g, '');
}

/** True if two SIP/SIPS/tel URIs are equivalent per RFC 3261 §19.1.4. */
export function uriEquals(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.scheme === 'tel') {
    if (stripVisual(a.user ?? '') !== stripVisual(b.user ?? '')) return false;
  } else {
    // user and password compare case-sensitively, host case-insensitively
    if (a.user !== b.user || a.password !== b.password) return false;
    if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
    if (a.port !== b.port) return false;
  }
  for (const name of MUST_MATCH) {
    if (a.params.has(name) !== b.params.has(name)) return false;
  }
  for (const [k, v] of a.params) {
    if (!b.params.has(k)) continue;
    const w = b.params.get(k);
    if (v === null || w === null || w === undefined) {
      if (v !== w) return false;
    } else if (v.toLowerCase() !== w.toLowerCase()) return false;
  }
  if (a.headers.size !== b.headers.size) return false;
  for (const [k, v] of a.headers) {
    let found = false;
    for (const [k2, v2] of b.headers) {
      if (k2.toLowerCase() === k.toLowerCase() && v2 === v) found = true;
    }
    if (!found) return false;
  }
  return true;
}
