/**
 * Which methods are target refresh requests, whose Contact replaces the dialog's remote target
 * (RFC 3261 §12.2: re-INVITE; RFC 3311 §5: UPDATE; RFC 6665 §4.1.2.4/§4.2.2.2: SUBSCRIBE, NOTIFY).
 * @module
 */

const TARGET_REFRESH = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY']);

/** True if a request of this method (and its 2xx) refreshes the remote target. */
export function isTargetRefresh(method: string): boolean {
  return TARGET_REFRESH.has(method);
}
