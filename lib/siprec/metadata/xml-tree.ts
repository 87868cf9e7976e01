/**
 * A small namespace-aware element tree over fast-xml-parser's preserveOrder
 * output, with the source offsets of every element so that extension data can
 * be kept as the exact raw XML it arrived as.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MetadataError, MetadataErrorCode } from './errors.js';

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

type FxpNode = Record<string, unknown>;

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0 §2.2 Char: a reference to anything else is left as written. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Decodes the five predefined entities and character references in one pass (XML 1.0 §4.6, §4.1). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref];
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return isXmlChar(cp) ? String.fromCodePoint(cp) : whole;
  });
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  captureMetaData: true,
  processEntities: true,
  entityDecoder: {
    setExternalEntities: () => {},
    addInputEntities: () => {},
    reset: () => {},
    decode: decodeEntities,
    setXmlVersion: () => {},
  },
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

function splitName(qname: string): [string, string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

function countElements(xml: string): number {
  let n = 0;
  const re = /<[A-Za-z_]/g;
  while (re.exec(xml) !== null) n++;
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
  if (/<!DOCTYPE/i.test(xml)) {
    throw new MetadataError(MetadataErrorCode.MalformedXml, 'DOCTYPE not allowed in metadata');
  }
  const count = countElements(xml);
  if (count > limits.maxElements) {
    throw new MetadataError(MetadataErrorCode.TooManyElements, 'Too many elements in metadata',
      `${count} > ${limits.maxElements}`);
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new MetadataError(MetadataErrorCode.MalformedXml, 'Malformed metadata XML',
      `${valid.err.msg} (line ${valid.err.line})`);
  }
  let top: FxpNode[];
  try {
    top = parser.parse(xml) as FxpNode[];
  } catch (e) {
    // The validator and the parser disagree on some broken inputs.
    throw new MetadataError(MetadataErrorCode.MalformedXml, 'Malformed metadata XML', (e as Error).message);
  }
  const roots = convert(top, new Map()).filter((n): n is XmlElement => n.kind === 'element');
  if (roots.length !== 1) {
    throw new MetadataError(MetadataErrorCode.MalformedXml, 'Malformed metadata XML', 'expected one root element');
  }
  return roots[0];
}

function convert(nodes: FxpNode[], parentScope: ReadonlyMap<string, string>): XmlNode[] {
  const out: XmlNode[] = [];
  for (const node of nodes) {
    const key = Object.keys(node).find((k) => k !== ':@');
    if (key === undefined) continue;
    const value = node[key];
    if (key === '#text') {
      out.push({ kind: 'text', text: String(value) });
      continue;
    }
    if (key === '#cdata') {
      const inner = Array.isArray(value) ? (value as FxpNode[]) : [];
      const text = inner.map((n) => String(n['#text'] ?? '')).join('');
      out.push({ kind: 'text', text });
      continue;
    }
    if (key.startsWith('?') || key.startsWith('!')) continue;
    const attrs = { ...((node[':@'] as Record<string, unknown> | undefined) ?? {}) } as Record<string, string>;
    for (const k of Object.keys(attrs)) attrs[k] = String(attrs[k]);
    let scope = parentScope;
    for (const [name, uri] of Object.entries(attrs)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        if (scope === parentScope) scope = new Map(parentScope);
        (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), uri);
      }
    }
    const [prefix, local] = splitName(key);
    const meta = node[META] as { startIndex?: number; endIndex?: number } | undefined;
    const ns = prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : scope.get(prefix) || undefined;
    out.push({
      kind: 'element',
      qname: key,
      prefix,
      local,
      ns,
      attrs,
      children: convert(Array.isArray(value) ? (value as FxpNode[]) : [], scope),
      scope,
      start: meta?.startIndex ?? -1,
      end: meta?.endIndex ?? -1,
    });
  }
  return out;
}

/** Trims XML white space only (space, tab, CR, LF), not every Unicode space. */
export function xmlTrim(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/** The concatenated text content directly under `el`, trimmed of XML white space. */
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
  return s.replace(NOT_XML, '\ufffd').replace(/[&<>"'\r\n\t]/g, (c) => ESC[c] ?? c);
}
const ESC: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
  '\r': '&#13;', '\n': '&#10;', '\t': '&#9;',
};

/** Escapes element content: keeps newlines and tabs literal. */
export function escapeText(s: string): string {
  return s.replace(NOT_XML, '\ufffd').replace(/[&<>\r]/g, (c) => ESC[c] ?? c);
}
