/**
 * An ordered, case-insensitive store of raw header fields.
 * @module
 */
import * as m_chars from './chars.js';
import * as m_header_names from './header-names.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { splitList } = m_chars;
const { LIST_HEADERS, resolveHeaderName } = m_header_names;

/** Cache marker for a header parsed as `undefined` (absent optional header). */
const UNDEF = Symbol('undefined');

/**
 * Cache slots for the parsed values `SipMessage` exposes, by lookup key.
 * @internal
 */
export const SLOT = {
  via: 0, 'call-id': 1, cseq: 2, from: 3, to: 4, contact: 5, route: 6, 'record-route': 7, 'max-forwards': 8,
  expires: 9, 'content-length': 10, 'content-type': 11, require: 12, supported: 13, 'proxy-require': 14, allow: 15,
  topVia: 16,
} as const;
const SLOT_COUNT = 17;
const SLOT_OF: ReadonlyMap<string, number> = new Map(Object.entries(SLOT));

/** Anything the {@link Headers} constructor accepts. */
export type HeadersInit = Headers | Iterable<readonly [string, string]> | Record<string, string | string[]>;

function checkValue(value: string): string {
  // a CR or LF inside a value would inject header lines
  if (/[\r\n]/.test(value)) throw new TypeError('header value contains CR or LF');
  return value;
}

/**
 * Header fields in message order as (name, raw value) pairs. Names are matched case-insensitively,
 * compact forms (RFC 3261 §7.3.3) are expanded to canonical names, and well-known names are written
 * canonically. Values are stored raw (folding already collapsed to one SP) and parsed on demand by
 * the accessors of `SipMessage`, which cache the result here until that header changes.
 */
export class Headers implements Iterable<[string, string]> {
  /** Names as written out. */
  private readonly names: string[] = [];
  /** Lower-case lookup keys. */
  private readonly keys: string[] = [];
  /** Raw values. */
  private readonly values: string[] = [];
  /** Parsed-value cache, by {@link SLOT}. */
  private cache: unknown[] | undefined;

  /** Builds a store from pairs or a record (arrays give one field each). */
  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (init instanceof Headers) {
      this.names.push(...init.names);
      this.keys.push(...init.keys);
      this.values.push(...init.values);
    } else if (Symbol.iterator in init) {
      for (const [n, v] of init as Iterable<readonly [string, string]>) this.append(n, v);
    } else {
      for (const [n, v] of Object.entries(init)) this.set(n, v);
    }
  }

  /**
   * Appends a field without validation; for the parser only.
   * @internal
   */
  _push(name: string, key: string, value: string): void {
    this.names.push(name);
    this.keys.push(key);
    this.values.push(value);
  }

  /** Number of field lines. */
  get size(): number {
    return this.keys.length;
  }

  /** True if a field of that name exists. */
  has(name: string): boolean {
    return this.keys.indexOf(resolveHeaderName(name).key) >= 0;
  }

  /**
   * First value: for a list header (Via, Contact, Route ...) the first comma-separated element,
   * otherwise the first field's whole value. `undefined` if absent.
   */
  get(name: string): string | undefined {
    const key = resolveHeaderName(name).key;
    const i = this.keys.indexOf(key);
    if (i < 0) return undefined;
    if (!LIST_HEADERS.has(key)) return this.values[i];
    for (let j = i; j < this.keys.length; j++) {
      if (this.keys[j] !== key) continue;
      const parts = splitList(this.values[j]);
      if (parts.length > 0) return parts[0];
    }
    return '';
  }

  /**
   * Every value in order. List headers (RFC 3261 §7.3.1) are split on commas outside quotes,
   * `<>` and comments, with empty elements dropped; other headers give one value per field line.
   */
  getAll(name: string): string[] {
    return this.getAllByKey(resolveHeaderName(name).key);
  }

  /** {@link Headers.getAll} for an already-resolved lower-case key. */
  getAllByKey(key: string): string[] {
    const list = LIST_HEADERS.has(key);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] !== key) continue;
      if (list) out.push(...splitList(this.values[i]));
      else out.push(this.values[i]);
    }
    return out;
  }

  /** Raw values of each field line of that name, unsplit. */
  getLines(name: string): string[] {
    return this.linesByKey(resolveHeaderName(name).key);
  }

  /** @internal raw field values for a resolved key. */
  linesByKey(key: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.values[i]);
    return out;
  }

  /** @internal the raw values in order (do not modify). */
  _valueList(): readonly string[] {
    return this.values;
  }

  /** @internal the lower-case keys in order (do not modify). */
  _keyList(): readonly string[] {
    return this.keys;
  }

  /** @internal number of fields with that resolved key. */
  countKey(key: string): number {
    let c = 0;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) c++;
    return c;
  }

  /** @internal first raw field value for a resolved key. */
  firstByKey(key: string): string | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  /**
   * Replaces every field of that name. A string gives one field, an array one field per element.
   * The first existing field keeps its position; otherwise the fields go at the end.
   * @throws TypeError if a value contains CR or LF.
   */
  set(name: string, value: string | readonly string[]): this {
    const hn = resolveHeaderName(name);
    const vals = typeof value === 'string' ? [checkValue(value)] : value.map(checkValue);
    let at = this.keys.indexOf(hn.key);
    this.deleteKey(hn.key);
    if (at < 0 || at > this.keys.length) at = this.keys.length;
    this.names.splice(at, 0, ...vals.map(() => hn.name));
    this.keys.splice(at, 0, ...vals.map(() => hn.key));
    this.values.splice(at, 0, ...vals);
    return this;
  }

  /** Adds one field at the end. @throws TypeError if the value contains CR or LF. */
  append(name: string, value: string): this {
    const hn = resolveHeaderName(name);
    this.invalidate(hn.key);
    this._push(hn.name, hn.key, checkValue(value));
    return this;
  }

  /** Adds one field before all others of that name (e.g. a new top Via). */
  prepend(name: string, value: string): this {
    const hn = resolveHeaderName(name);
    this.invalidate(hn.key);
    let at = this.keys.indexOf(hn.key);
    if (at < 0) at = this.keys.length;
    this.names.splice(at, 0, hn.name);
    this.keys.splice(at, 0, hn.key);
    this.values.splice(at, 0, checkValue(value));
    return this;
  }

  /** Removes every field of that name; returns true if any was removed. */
  delete(name: string): boolean {
    return this.deleteKey(resolveHeaderName(name).key);
  }

  private deleteKey(key: string): boolean {
    this.invalidate(key);
    let removed = false;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] !== key) continue;
      this.names.splice(i, 1);
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
      removed = true;
    }
    return removed;
  }

  /** (name, raw value) per field line, in order. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let i = 0; i < this.keys.length; i++) yield [this.names[i], this.values[i]];
  }

  /** Same as iterating the store. */
  entries(): IterableIterator<[string, string]> {
    return this[Symbol.iterator]();
  }

  /** Distinct names in order of first appearance (as written). */
  fieldNames(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (seen.has(this.keys[i])) continue;
      seen.add(this.keys[i]);
      out.push(this.names[i]);
    }
    return out;
  }

  /** A copy of the fields (the parse cache is not shared). */
  clone(): Headers {
    return new Headers(this);
  }

  private invalidate(key: string): void {
    if (this.cache === undefined) return;
    const slot = SLOT_OF.get(key);
    if (slot !== undefined) this.cache[slot] = undefined;
    if (key === 'via') this.cache[SLOT.topVia] = undefined;
  }

  /**
   * Returns the parsed value in cache slot `slot`, computing it with `parse` once and keeping it
   * until a field of that header changes.
   * @internal
   */
  cached<T>(slot: number, parse: (h: Headers) => T): T {
    let c = this.cache;
    if (c === undefined) c = this.cache = new Array<unknown>(SLOT_COUNT);
    else {
      const hit = c[slot];
      if (hit !== undefined) return (hit === UNDEF ? undefined : hit) as T;
    }
    const v = parse(this);
    c[slot] = v === undefined ? UNDEF : v;
    return v;
  }

  /** @internal stores a parsed value in a slot (after the raw field was written). */
  setCached(slot: number, value: unknown): void {
    (this.cache ??= new Array<unknown>(SLOT_COUNT))[slot] = value === undefined ? UNDEF : value;
  }

  /**
   * Writes `Name: value\r\n` for each field; the first field of `replaceKey` is written as
   * `replacement` and the others of that key are dropped. @internal
   */
  writeTo(replaceKey?: string, replacement = ''): string {
    let out = '';
    let replaced = false;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] === replaceKey) {
        if (!replaced) out += replacement;
        replaced = true;
        continue;
      }
      out += this.names[i] + ': ' + this.values[i] + '\r\n';
    }
    return out;
  }

  /** Index of the first field with that key, or -1. @internal */
  indexOfKey(key: string): number {
    return this.keys.indexOf(key);
  }
}
