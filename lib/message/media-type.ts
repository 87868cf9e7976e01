/**
 * Media types for Content-Type and Accept (RFC 3261 §20.15, RFC 2045 §5.1).
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';
import * as m_params from './params.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { isToken, quote, scanToken, skipWs, unquote, toMap } = m_chars;
const { parseParams } = m_params;

/** A media type `type/subtype;params`. */
export class MediaType {
  /** Top-level type, lower case. */
  type: string;
  /** Subtype, lower case. */
  subtype: string;
  /** Parameters: keys lower-cased, values unquoted (e.g. `boundary`). */
  params: Map<string, string>;

  /** @param type top-level type, @param subtype subtype, @param params parameters (unquoted). */
  constructor(type: string, subtype: string, params?: Map<string, string> | Record<string, string>) {
    this.type = type.toLowerCase();
    this.subtype = subtype.toLowerCase();
    this.params = toMap(params);
  }

  /**
   * Parses `type/subtype *(;param)`; LWS allowed around '/' and ';'.
   * @throws SipParseError if malformed.
   */
  static parse(text: string): MediaType {
    const s = text;
    let i = skipWs(s, 0);
    let j = scanToken(s, i);
    if (j === i) fail('invalid media type');
    const type = s.slice(i, j);
    i = skipWs(s, j);
    if (s.charCodeAt(i) !== 47) fail('invalid media type');
    i = skipWs(s, i + 1);
    j = scanToken(s, i);
    if (j === i) fail('invalid media subtype');
    const mt = new MediaType(type, s.slice(i, j));
    const raw = parseParams(s, j, new Map(), 'media type');
    for (const [k, v] of raw) {
      if (v === null) fail('media type parameter without value');
      mt.params.set(k, v.charCodeAt(0) === 34 ? unquote(v) : v);
    }
    return mt;
  }

  /** `type/subtype` without parameters. */
  get essence(): string {
    return this.type + '/' + this.subtype;
  }

  /** Writes the media type, quoting parameter values that are not tokens. */
  toString(): string {
    let out = this.type + '/' + this.subtype;
    for (const [k, v] of this.params) out += ';' + k + '=' + (isToken(v) ? v : quote(v));
    return out;
  }

  /** A copy. */
  clone(): MediaType {
    return new MediaType(this.type, this.subtype, this.params);
  }
}
