/**
 * An ordered, case-insensitive store of raw header fields.
 * @module
 */
import * as m_chars from './chars.js';
import type { HeaderName } from './header-names.js';
import * as m_header_names from './header-names.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { hasLineBreak, splitList } = m_chars;
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
  if (hasLineBreak(value)) throw new TypeError('header value contains CR or LF');
  return value;
}

/**
 * Header fields in message order as (name, raw value) pairs. Names are matched case-insensitively,
 * compact forms (RFC 3261 §7.3.3) are expanded to canonical names, and well-known names are written
 * canonically. Values are stored raw (folding already collapsed to one SP) and parsed on demand by
 * the accessors of `SipMessage`, which cache the result here until that header changes.
 */
export class Headers implements Iterable<[string, string]> {
  /** Resolved names (lookup key and spelling to write), one per field. */
  private readonly hns: HeaderName[] = [];
  /** Raw values. */
  private readonly values: string[] = [];
  /** Parsed-value cache, by {@link SLOT}. */
  private cache: unknown[] | undefined;
  /**
   * The parsed head and where the only Contact value starts in it, so the Contact accessor parses
   * it in place (a flat string reads faster than a slice of it); cleared when Contact changes. @internal
   */
  _contactSrc: string | undefined = undefined;
  /** See {@link Headers._contactSrc}. @internal */
  _contactAt = -1;
  /** The only Contact field's raw value, while {@link Headers._contactSrc} is set (no search for it). @internal */
  _contactValue = '';

  /** Builds a store from pairs or a record (arrays give one field each). */
  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (init instanceof Headers) {
      this.hns.push(...init.hns);
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
  _push(hn: HeaderName, value: string): void {
    this.hns.push(hn);
    this.values.push(value);
  }

  /** The last field's raw value, '' if there is none; for the parser's line folding. @internal */
  _lastValue(): string {
    const n = this.values.length;
    return n === 0 ? '' : this.values[n - 1];
  }

  /** Replaces the last field's raw value; for the parser's line folding. @internal */
  _setLastValue(value: string): void {
    this.values[this.values.length - 1] = value;
  }

  /** Number of field lines. */
  get size(): number {
    return this.hns.length;
  }

  /** True if a field of that name exists. */
  has(name: string): boolean {
    return this.indexOfKey(resolveHeaderName(name).key) >= 0;
  }

  /**
   * First value: for a list header (Via, Contact, Route ...) the first comma-separated element,
   * otherwise the first field's whole value. `undefined` if absent.
   */
  get(name: string): string | undefined {
    const key = resolveHeaderName(name).key;
    const i = this.indexOfKey(key);
    if (i < 0) return undefined;
    if (!LIST_HEADERS.has(key)) return this.values[i];
    for (let j = i; j < this.hns.length; j++) {
      if (this.hns[j].key !== key) continue;
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
    for (let i = 0; i < this.hns.length; i++) {
      if (this.hns[i].key !== key) continue;
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
    for (let i = 0; i < this.hns.length; i++) if (this.hns[i].key === key) out.push(this.values[i]);
    return out;
  }

  /** @internal the raw values in order (do not modify). */
  _valueList(): readonly string[] {
    return this.values;
  }

  /** @internal the resolved names in order (do not modify). */
  _nameList(): readonly HeaderName[] {
    return this.hns;
  }

  /** @internal number of fields with that resolved key. */
  countKey(key: string): number {
    let c = 0;
    for (let i = 0; i < this.hns.length; i++) if (this.hns[i].key === key) c++;
    return c;
  }

  /** @internal first raw field value for a resolved key. */
  firstByKey(key: string): string | undefined {
    const i = this.indexOfKey(key);
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
    let at = this.indexOfKey(hn.key);
    this.deleteKey(hn.key);
    if (at < 0 || at > this.hns.length) at = this.hns.length;
    this.hns.splice(at, 0, ...vals.map(() => hn));
    this.values.splice(at, 0, ...vals);
    return this;
  }

  /** Adds one field at the end. @throws TypeError if the value contains CR or LF. */
  append(name: string, value: string): this {
    const hn = resolveHeaderName(name);
    this.invalidate(hn.key);
    this._push(hn, checkValue(value));
    return this;
  }

  /** Adds one field before all others of that name (e.g. a new top Via). */
  prepend(name: string, value: string): this {
    const hn = resolveHeaderName(name);
    this.invalidate(hn.key);
    let at = this.indexOfKey(hn.key);
    if (at < 0) at = this.hns.length;
    this.hns.splice(at, 0, hn);
    this.values.splice(at, 0, checkValue(value));
    return this;
  }

  /**
   * Replaces the first element of the first field of a list header (the top Via), keeping the
   * rest of that field line and every other field as written: nothing else is parsed, copied or
   * re-serialized (a hostile request carries hundreds of Vias). Elements are split as
   * {@link getAll} splits them, so an empty first element is skipped as the parser skips it.
   * @returns false if there is no such field.
   * @throws TypeError if the value contains CR or LF.
   * @internal
   */
  _replaceFirstElement(key: string, value: string): boolean {
    const i = this.indexOfKey(key);
    if (i < 0) return false;
    checkValue(value);
    const raw = this.values[i];
    let rest = '';
    if (raw.indexOf(',') >= 0) rest = splitList(raw).slice(1).join(', ');
    this.values[i] = rest === '' ? value : value + ', ' + rest;
    this.invalidate(key);
    return true;
  }

  /** Removes every field of that name; returns true if any was removed. */
  delete(name: string): boolean {
    return this.deleteKey(resolveHeaderName(name).key);
  }

  private deleteKey(key: string): boolean {
    this.invalidate(key);
    let removed = false;
    for (let i = this.hns.length - 1; i >= 0; i--) {
      if (this.hns[i].key !== key) continue;
      this.hns.splice(i, 1);
      this.values.splice(i, 1);
      removed = true;
    }
    return removed;
  }

  /** (name, raw value) per field line, in order. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let i = 0; i < this.hns.length; i++) yield [this.hns[i].name, this.values[i]];
  }

  /** The resolved name of field `i` (0..size-1), without a pair made per field. @internal */
  _nameAt(i: number): HeaderName {
    return this.hns[i];
  }

  /** The raw value of field `i` (0..size-1). @internal */
  _valueAt(i: number): string {
    return this.values[i];
  }

  /** Same as iterating the store. */
  entries(): IterableIterator<[string, string]> {
    return this[Symbol.iterator]();
  }

  /** Distinct names in order of first appearance (as written). */
  fieldNames(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (let i = 0; i < this.hns.length; i++) {
      if (seen.has(this.hns[i].key)) continue;
      seen.add(this.hns[i].key);
      out.push(this.hns[i].name);
    }
    return out;
  }

  /** A copy of the fields (the parse cache is not shared). */
  clone(): Headers {
    return new Headers(this);
  }

  private invalidate(key: string): void {
    if (key === 'contact') this._contactSrc = undefined;
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

  /** @internal the value cached in slot `slot`, if any, without parsing anything. */
  _peekCached(slot: number): unknown {
    const hit = this.cache?.[slot];
    return hit === UNDEF ? undefined : hit;
  }

  /** @internal a fresh, empty cache (indexed by SLOT) for the parser to fill directly. */
  _newCache(): unknown[] {
    return (this.cache = new Array<unknown>(SLOT_COUNT));
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
    for (let i = 0; i < this.hns.length; i++) {
      if (this.hns[i].key === replaceKey) {
        if (!replaced) out += replacement;
        replaced = true;
        continue;
      }
      out += this.hns[i].name + ': ' + this.values[i] + '\r\n';
    }
    return out;
  }

  /** Index of the first field with that key, or -1. @internal */
  indexOfKey(key: string): number {
    const hns = this.hns;
    for (let i = 0; i < hns.length; i++) if (hns[i].key === key) return i;
    return -1;
  }
}
