/**
 * The RFC 4028 headers: `Session-Expires` (compact `x`) and `Min-SE`, parsed and written.
 * @module
 */

/** Which side of the transaction refreshes (RFC 4028 §4). */
export type Refresher = 'uac' | 'uas';

/** A `Session-Expires` value. */
export interface SessionExpires {
  /** The session interval in seconds. */
  interval: number;
  /** Absent when the request leaves the choice to the UAS. */
  refresher?: Refresher;
}

/** Default session interval (RFC 4028 §4 recommends 1800 s). */
export const DEFAULT_SESSION_EXPIRES = 1800;
/** Default and smallest allowed Min-SE (RFC 4028 §4: MUST NOT be less than 90 s). */
export const DEFAULT_MIN_SE = 90;

const DELTA = /^[0-9]{1,10}$/;

function delta(text: string): number | undefined {
  const s = text.trim();
  if (!DELTA.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

/**
 * Parses `delta-seconds *(;se-params)` (RFC 4028 §4). Unknown parameters are ignored; an unknown
 * refresher value counts as absent. Returns undefined if malformed or zero.
 */
export function parseSessionExpires(value: string): SessionExpires | undefined {
  const [first, ...params] = value.split(';');
  const interval = delta(first);
  if (interval === undefined || interval === 0) return undefined;
  const out: SessionExpires = { interval };
  for (const p of params) {
    const [name, v] = p.split('=').map((x) => x.trim().toLowerCase());
    if (name === 'refresher' && (v === 'uac' || v === 'uas')) out.refresher = v;
  }
  return out;
}

/** Writes `1800;refresher=uac`. */
export function formatSessionExpires(se: SessionExpires): string {
  return se.refresher === undefined ? String(se.interval) : `${se.interval};refresher=${se.refresher}`;
}

/** Parses `Min-SE: delta-seconds *(;generic-param)`; undefined if malformed. */
export function parseMinSE(value: string): number | undefined {
  return delta(value.split(';')[0]);
}

/** Writes a Min-SE value. */
export function formatMinSE(seconds: number): string {
  return String(seconds);
}
