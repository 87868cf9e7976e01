/**
 * One-pass XML 1.0 reader for metadata documents: checks well-formedness as it
 * goes and builds the namespace-aware element tree of `xml-tree.ts` with the
 * source offsets that extension data is cut out by.
 *
 * Why not fast-xml-parser (used until 2026-12-06): its XMLParser alone accepts
 * most malformations an SRS must answer with 400 (mismatched or unclosed tags,
 * text before the root, unquoted or duplicate attributes, bare `&`, `<` in
 * text, bad names: table in README.md), so it ran behind its XMLValidator: two
 * full passes plus a conversion of its preserveOrder output. Working around the
 * parser alone would have meant re-checking nearly every one of those by hand.
 * Numbers (`npx tsx bench/run.ts metadata`, 2 KB two-party document, shared
 * machine, interleaved rounds): before (3 runs), parseMetadata 0.84-0.90x
 * xml2js and 0.56-0.73x fast-xml-parser alone; with this reader (6 runs) 3.7-6.5x
 * xml2js and 2.9-4.9x fast-xml-parser alone, validation included.
 *
 * Scope: no DTD (refused before scanning), so the only entities are the five
 * predefined ones and character references (XML 1.0 §4.1, §4.6); anything else
 * is a well-formedness error. Namespaces are resolved leniently (an unbound
 * prefix yields no namespace, as before).
 */
import { LEGACY_RECORDING_NS, RECORDING_NS } from './constants.js';
import { MetadataError, MetadataErrorCode } from './errors.js';
import type { XmlElement } from './xml-tree.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
// XML 1.0 §2.3 Name; a surrogate pair stands in for #x10000-#xEFFFF.
const NAME = new RegExp(`(?:[${START}]|[\\uD800-\\uDB7F][\\uDC00-\\uDFFF])(?:[${START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]|[\\uD800-\\uDB7F][\\uDC00-\\uDFFF])*`, 'y');
// XML 1.0 §2.2: characters a document cannot contain at all.
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/; // cheap first look
const NOT_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const REF = /&(?:(amp|lt|gt|quot|apos)|#x([0-9A-Fa-f]+)|#([0-9]+));/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/**
 * Deepest element nesting accepted (root = 1): the limit fast-xml-parser applied before,
 * and what keeps the recursive readers of the tree (raw-fragment.ts) far from the stack limit.
 */
export const MAX_XML_DEPTH = 101;
// XML 1.0 §2.8 [23] XMLDecl
const XML_DECL = /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>/y;
const EMPTY_SCOPE: ReadonlyMap<string, string> = new Map();

function fail(detail: string, at: number): never {
  throw new MetadataError(MetadataErrorCode.MalformedXml, 'Malformed metadata XML', `${detail} at offset ${at}`);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Where the next `&` and `]]>` of the document are, found once and searched again only once passed:
 * an indexOf from each text and attribute value would scan to the end of a document that has
 * none, every time (quadratic in the document's size; issue 15).
 */
interface Ahead {
  amp: number;
  cdataEnd: number;
}

/** The next `&` at or after `from` (-1: none). */
function nextAmp(s: string, from: number, ahead: Ahead): number {
  if (ahead.amp >= 0 && ahead.amp < from) ahead.amp = s.indexOf('&', from);
  return ahead.amp;
}

/** Decodes `s[from, to)`, failing on any reference other than the predefined ones and valid char refs. */
function decode(s: string, from: number, to: number, ahead: Ahead): string {
  let amp = nextAmp(s, from, ahead);
  if (amp < 0 || amp >= to) return s.slice(from, to);
  let out = '';
  let last = from;
  while (amp >= 0 && amp < to) {
    REF.lastIndex = amp;
    const m = REF.exec(s);
    if (m === null || REF.lastIndex > to) fail('bad entity or character reference', amp);
    let ch: string;
    if (m[1] !== undefined) ch = PREDEFINED[m[1]];
    else {
      const cp = m[2] !== undefined ? parseInt(m[2], 16) : parseInt(m[3], 10);
      // NOTE (deviation): XML 1.0 §4.1 WFC Legal Character makes `&#0;` an error; such a
      // reference is kept as written instead (as before), so one odd display name is no 400.
      ch = isXmlChar(cp) ? String.fromCodePoint(cp) : m[0];
    }
    out += s.slice(last, amp) + ch;
    last = REF.lastIndex;
    amp = s.indexOf('&', last);
  }
  ahead.amp = amp;
  return out + s.slice(last, to);
}

/** XML 1.0 §2.3 NameStartChar (`start`) or NameChar among ASCII characters. */
function isAsciiNameChar(c: number, start: boolean): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x3a || c === 0x5f ||
    (!start && ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e));
}

function readName(s: string, at: number, what: string): string {
  // ASCII names (all of RFC 7865's and nearly every extension's) without the regex (issue 15:
  // several names per element); a name with any other character is left to NAME.
  let i = at;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isAsciiNameChar(c, i === at)) i++;
    else if (c >= 0x80) { i = -1; break; }
    else break;
  }
  if (i > at) return s.slice(at, i);
  NAME.lastIndex = at;
  const m = NAME.exec(s);
  if (m === null) fail(`bad ${what} name`, at);
  return m[0];
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past `close`, searched from `i`; fails when unterminated. */
function past(s: string, i: number, close: string, what: string, at: number): number {
  const j = s.indexOf(close, i);
  if (j < 0) fail(`unterminated ${what}`, at);
  return j + close.length;
}

/** Skips a comment or PI starting at `i` (`<!--` or `<?`); returns the index past it. */
function skipMisc(s: string, i: number): number {
  if (s.startsWith('<!--', i)) {
    const end = past(s, i + 4, '-->', 'comment', i);
    // XML 1.0 §2.5: "--" must not occur inside a comment.
    if (s.indexOf('--', i + 4) < end - 3) fail('"--" inside a comment', i);
    return end;
  }
  const target = readName(s, i + 2, 'processing instruction');
  // XML 1.0 §2.6: the target "xml" is reserved (the declaration is allowed only at offset 0).
  if (target.toLowerCase() === 'xml') {
    XML_DECL.lastIndex = 0;
    if (i !== 0 || !XML_DECL.test(s)) fail('misplaced or malformed XML declaration', i);
    return XML_DECL.lastIndex;
  }
  const after = i + 2 + target.length;
  if (!s.startsWith('?>', after) && !isSpace(s.charCodeAt(after))) fail('bad processing instruction', i);
  return past(s, after, '?>', 'processing instruction', i);
}

/**
 * Reads the attributes of a start tag from `i` into `el`, binding its namespace declarations in
 * `el.scope` as they come (no walk of the attributes afterwards); returns the index of `>` or `/>`.
 */
function readAttrs(s: string, i: number, el: XmlElement, tagAt: number, ahead: Ahead): number {
  const attrs = el.attrs;
  for (;;) {
    const j = skipSpace(s, i);
    const c = s.charCodeAt(j);
    if (c === 0x3e /* > */ || (c === 0x2f /* / */ && s.charCodeAt(j + 1) === 0x3e)) return j;
    if (j >= s.length) fail('unterminated start tag', tagAt);
    if (j === i) fail('missing white space before attribute', j); // XML 1.0 §3.1 [40]
    const name = readName(s, j, 'attribute');
    let k = skipSpace(s, j + name.length);
    if (s.charCodeAt(k) !== 0x3d /* = */) fail(`attribute ${name} without value`, j);
    k = skipSpace(s, k + 1);
    const q = s.charCodeAt(k);
    if (q !== 0x22 && q !== 0x27) fail(`attribute ${name} value not quoted`, k);
    const close = s.indexOf(q === 0x22 ? '"' : "'", k + 1);
    if (close < 0) fail('unterminated attribute value', k);
    const lt = s.indexOf('<', k + 1);
    if (lt >= 0 && lt < close) fail('"<" in attribute value', lt); // XML 1.0 §3.1 WFC: No < in Attribute Values
    // XML 1.0 §3.1 WFC: Unique Att Spec
    if (Object.prototype.hasOwnProperty.call(attrs, name)) fail(`duplicate attribute ${name}`, j);
    // NOTE (deviation): values are not white-space normalized (§3.3.3); ids are trimmed by the reader.
    const value = decode(s, k + 1, close, ahead);
    // An attribute named __proto__ is an own property, not the prototype.
    if (name === '__proto__') Object.defineProperty(attrs, name, { value, enumerable: true, writable: true, configurable: true });
    else attrs[name] = value;
    if (name.charCodeAt(0) === 0x78 /* x */ && (name === 'xmlns' || name.startsWith('xmlns:'))) bind(el, name === 'xmlns' ? '' : name.slice(6), value);
    i = close + 1;
  }
}

/** True when `s[from, to)` is XML white space only. */
function allSpace(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Appends character data `s[from, to)` to `parent`'s children (or checks it is white space outside
 * the root). White space before the element's first other text is left out: the element's text
 * is read trimmed (`textOf`), so it changes nothing, and most of a document's text nodes are the
 * indentation between elements (issue 15: an object and a string each).
 */
function text(s: string, from: number, to: number, parent: XmlElement | undefined, ahead: Ahead): void {
  if (from === to) return;
  if (parent === undefined) {
    for (let i = from; i < to; i++) if (!isSpace(s.charCodeAt(i))) fail('text outside the root element', i);
    return;
  }
  const children = parent.children;
  if (parent.hasText !== true) {
    if (allSpace(s, from, to)) return;
    parent.hasText = true;
  }
  // XML 1.0 §2.4: "]]>" not allowed in content
  if (ahead.cdataEnd >= 0 && ahead.cdataEnd < from) ahead.cdataEnd = s.indexOf(']]>', from);
  if (ahead.cdataEnd >= 0 && ahead.cdataEnd < to) fail('"]]>" in text', ahead.cdataEnd);
  children.push({ kind: 'text', text: decode(s, from, to, ahead) });
}

/** The namespaces the scanner hands out as these very strings, so readers compare them by identity first. */
const KNOWN_NS = [RECORDING_NS, ...LEGACY_RECORDING_NS];

/** Binds `prefix` to `uri` in `el`'s own scope (a copy of its parent's, made on the first binding). */
function bind(el: XmlElement, prefix: string, uri: string): void {
  const parentScope = el.scope;
  const own = el.ownScope ? (parentScope as Map<string, string>) : new Map(parentScope);
  el.ownScope = true;
  el.scope = own;
  const known = KNOWN_NS.indexOf(uri);
  own.set(prefix, known >= 0 ? KNOWN_NS[known] : uri);
}

function resolve(el: XmlElement): void {
  el.ns = el.prefix === 'xml' ? XML_NS : el.scope.get(el.prefix) || undefined;
}

/**
 * Scans `s` (no DOCTYPE: the caller refuses it) and returns its root element.
 * Throws `MetadataError(MalformedXml)` for anything not well-formed.
 */
export function scanXml(s: string, maxDepth = MAX_XML_DEPTH): XmlElement {
  const bad = SUSPECT.test(s) ? NOT_CHAR.exec(s) : null;
  if (bad !== null) fail('character not allowed in XML', bad.index);
  const stack: XmlElement[] = [];
  const ahead: Ahead = { amp: s.indexOf('&'), cdataEnd: s.indexOf(']]>') };
  let root: XmlElement | undefined;
  let i = 0;
  for (;;) {
    const lt = s.indexOf('<', i);
    const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
    text(s, i, lt < 0 ? s.length : lt, parent, ahead);
    if (lt < 0) break;
    const c = s.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const name = readName(s, lt + 2, 'end tag');
      const close = skipSpace(s, lt + 2 + name.length);
      if (s.charCodeAt(close) !== 0x3e) fail(`bad end tag </${name}`, lt);
      const open = stack.pop();
      if (open === undefined) fail(`end tag </${name}> without start tag`, lt);
      // XML 1.0 §3 WFC: Element Type Match
      if (open.qname !== name) fail(`end tag </${name}> does not match <${open.qname}>`, lt);
      open.end = close + 1;
      i = close + 1;
    } else if (c === 0x21 /* ! */) {
      if (s.startsWith('<![CDATA[', lt)) {
        if (parent === undefined) fail('CDATA outside the root element', lt);
        const end = past(s, lt + 9, ']]>', 'CDATA section', lt);
        parent.children.push({ kind: 'text', text: s.slice(lt + 9, end - 3) });
        parent.hasText = true;
        i = end;
      } else if (s.startsWith('<!--', lt)) i = skipMisc(s, lt);
      else fail('unexpected markup declaration', lt);
    } else if (c === 0x3f /* ? */) {
      i = skipMisc(s, lt);
    } else {
      if (parent === undefined && root !== undefined) fail('more than one root element', lt);
      const qname = readName(s, lt + 1, 'element');
      const colon = qname.indexOf(':');
      const el: XmlElement = {
        kind: 'element', qname,
        prefix: colon < 0 ? '' : qname.slice(0, colon),
        local: colon < 0 ? qname : qname.slice(colon + 1),
        ns: undefined, attrs: {}, children: [], scope: parent?.scope ?? EMPTY_SCOPE, ownScope: false, hasText: false, start: lt, end: -1,
      };
      const close = readAttrs(s, lt + 1 + qname.length, el, lt, ahead);
      resolve(el);
      if (parent === undefined) root = el;
      else parent.children.push(el);
      if (s.charCodeAt(close) === 0x2f) {
        el.end = close + 2;
      } else if (stack.push(el) > maxDepth) fail(`elements nested deeper than ${maxDepth}`, lt);
      i = s.charCodeAt(close) === 0x2f ? close + 2 : close + 1;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1].qname}> not closed`, s.length);
  if (root === undefined) fail('no root element', 0);
  return root;
}
