/**
 * A small namespace-aware element tree (built in one well-formedness-checking
 * pass by `xml-scan.ts`), with the source offsets of every element so that
 * extension data can be kept as the exact raw XML it arrived as.
 */
import { MetadataError, MetadataErrorCode } from './errors.js';
import { scanXml } from './xml-scan.js';

/** Text content (character data or CDATA) of an element. */
export interface XmlText {
  /** Discriminator. */
  kind: 'text';
  /** Decoded text. */
  text: string;
}

/** An element with its resolved namespace and source span. */
export interface XmlElement {
  /** Discriminator. */
  kind: 'element';
  /** Name as written, e.g. `rs:session`. */
  qname: string;
  /** Prefix as written, `''` when none. */
  prefix: string;
  /** Local name. */
  local: string;
  /** Resolved namespace URI; undefined when the element is in no namespace. */
  ns: string | undefined;
  /** Attributes by name as written, values entity-decoded. */
  attrs: Record<string, string>;
  /** Child elements and texts in document order. */
  children: XmlNode[];
  /** Namespace bindings in scope at this element (prefix `''` = default). */
  scope: ReadonlyMap<string, string>;
  /** True when `scope` is this element's own map (it declares a namespace), not its parent's. */
  ownScope?: boolean;
  /**
   * True once the element has text other than white space. White space before that is not among
   * `children` (the scanner leaves it out: the text is read trimmed, see `textOf`).
   */
  hasText?: boolean;
  /** Offset of `<` of the start tag in the source string. */
  start: number;
  /** Offset just past the end tag (or `/>`) in the source string. */
  end: number;
}

/** A node of the tree. */
export type XmlNode = XmlElement | XmlText;

/** Limits enforced before parsing. */
export interface XmlLimits {
  /** Maximum number of elements. */
  maxElements: number;
}

/** Start tags (`<` then a letter or `_`), counted with indexOf, not a global regex's exec (issue 15). */
function countElements(xml: string): number {
  let n = 0;
  for (let i = xml.indexOf('<'); i !== -1; i = xml.indexOf('<', i + 1)) {
    const c = xml.charCodeAt(i + 1) | 0x20; // ASCII letters to lower case; '_' (0x5f) becomes 0x7f
    if ((c >= 0x61 && c <= 0x7a) || c === 0x7f) n++;
  }
  return n;
}

/**
 * Parses `xml` into an element tree and returns its root element.
 * Throws `MetadataError(MalformedXml)` for XML that is not well-formed, has a
 * DOCTYPE (no DTDs: no entity expansion attacks), or has no root element;
 * `MetadataError(TooManyElements)` past `limits.maxElements`.
 */
export function parseXmlTree(xml: string, limits: XmlLimits): XmlElement {
  // NOTE (deviation): XML allows a DTD; metadata never needs one, and refusing
  // it rules out entity-expansion attacks.
  if (xml.indexOf('<!') >= 0 && /<!DOCTYPE/i.test(xml)) { // most documents have no `<!` at all
    throw new MetadataError(MetadataErrorCode.MalformedXml, 'DOCTYPE not allowed in metadata');
  }
  const count = countElements(xml);
  if (count > limits.maxElements) {
    throw new MetadataError(MetadataErrorCode.TooManyElements, 'Too many elements in metadata',
      `${count} > ${limits.maxElements}`);
  }
  return scanXml(xml);
}

/** Trims XML white space only (space, tab, CR, LF), not every Unicode space. */
export function xmlTrim(s: string): string {
  // a loop, not a regex (issue 15: every id and text the metadata reader takes goes through it)
  let from = 0;
  let to = s.length;
  while (from < to && isXmlSpace(s.charCodeAt(from))) from++;
  while (to > from && isXmlSpace(s.charCodeAt(to - 1))) to--;
  return from === 0 && to === s.length ? s : s.slice(from, to);
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** The concatenated text content directly under `el`, trimmed of XML white space (leading white space may be absent from `children` already). */
export function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (c.kind === 'text') s += c.text;
  return xmlTrim(s);
}

/** Child elements of `el`. */
export function elementsOf(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element');
}

// Characters XML 1.0 cannot carry at all (§2.2): C0 controls but tab/LF/CR,
// lone surrogates, U+FFFE/U+FFFF.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Escapes text for an attribute value or element content.
 * NOTE (deviation): characters XML cannot carry (e.g. a control character in
 * a display name taken from a SIP header) become U+FFFD instead of making
 * the document ill-formed.
 */
export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s; // most values (ids, URIs, times): one scan, no copies
  return s.replace(NOT_XML, '\ufffd').replace(/[&<>"'\r\n\t]/g, (c) => ESC[c] ?? c);
}
/** Anything either escaper would change (a superset for escapeText): NOT_XML's characters and ESC's. */
const NEEDS_ESCAPE = /[\u0000-\u001f&<>"'\ufffe\uffff\ud800-\udfff]/;
const ESC: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
  '\r': '&#13;', '\n': '&#10;', '\t': '&#9;',
};

/** Escapes element content: keeps newlines and tabs literal. */
export function escapeText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(NOT_XML, '\ufffd').replace(/[&<>\r]/g, (c) => ESC[c] ?? c);
}
