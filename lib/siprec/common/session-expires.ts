/** RFC 4028 §4: the Session-Expires header value `delta-seconds *(;se-params)` with `refresher`. */

/** A parsed Session-Expires. */
export interface SessionExpiresValue {
  /** Interval in seconds. */
  interval: number;
  /** Who refreshes, when said. */
  refresher?: 'uac' | 'uas';
}

/** Parses a Session-Expires value; undefined when absent or malformed. */
export function parseSessionExpiresHeader(value: string | undefined): SessionExpiresValue | undefined {
  if (value === undefined) return undefined;
  const [first, ...params] = value.split(';').map((x) => x.trim());
  if (!/^\d+$/.test(first)) return undefined;
  const out: SessionExpiresValue = { interval: Number(first) };
  for (const p of params) {
    const [k, v] = p.split('=').map((x) => x.trim().toLowerCase());
    if (k === 'refresher' && (v === 'uac' || v === 'uas')) out.refresher = v;
  }
  return out.interval > 0 ? out : undefined;
}
