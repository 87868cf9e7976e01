/**
 * Headers every status-page response carries. The page needs no script at all, its CSS comes
 * from its own origin, its players fetch from it: so everything else is refused, and nothing
 * may be sniffed into another type (metadata text is attacker-controlled, RFC 7866 §12).
 */
import type { OutgoingHttpHeaders } from 'node:http';

/** Content-Security-Policy of the page and the JSON. */
export const STATUS_CSP = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Stored files get a sandbox on top: a document among them could run nothing, even opened directly. */
export const FILE_CSP = `${STATUS_CSP}; sandbox`;

/** The security headers, with `csp` as the policy. */
export function securityHeaders(csp: string = STATUS_CSP): OutgoingHttpHeaders {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  };
}
