/**
 * Header parameters: `*( SEMI generic-param )` (RFC 3261 §25.1 generic-param).
 * Keys are lower-cased; a value is kept as written (a quoted-string keeps its quotes);
 * `null` marks a parameter without a value (a flag).
 * @module
 */
import * as m_flat_params from './flat-params.js';

// NOTE: hot imported functions are copied to locals once (see the NOTE in flat-params.ts).
const { scanParams } = m_flat_params;

/** Parameter map: lower-case key to value (`null` = flag). */
export type Params = Map<string, string | null>;

/**
 * Parses `;name[=value]...` from `i` to `end` (default: the end of `s`) into `into`.
 * LWS is allowed around `;` and `=` (RFC 3261 §25.1 SEMI / EQUAL).
 * @throws SipParseError on an empty or malformed parameter.
 */
export function parseParams(s: string, i: number, into: Params, what: string, end = s.length): Params {
  const flat = scanParams(s, i, what, end);
  if (flat !== undefined) for (let k = 0; k < flat.length; k += 2) into.set(flat[k] as string, flat[k + 1]);
  return into;
}

/** Writes parameters as `;key=value;flag` (one writer for a Map and the parser's flat list: flat-params.ts). */
export const formatParams: (params: Params) => string = m_flat_params.formatParams;

/** Copies a parameter map. */
export function cloneParams(params: Params): Params {
  return new Map(params);
}
