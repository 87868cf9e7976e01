/**
 * Test oracle: the pre-2026-12 element tree of lib/siprec/metadata/xml-tree.ts
 * (fast-xml-parser's XMLValidator, then its XMLParser with preserveOrder and
 * source offsets), kept here to check that the one-pass scanner that replaced
 * it builds the same tree for every document both accept.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlElement, XmlNode } from '../../../lib/siprec/metadata/xml-tree.js';

type FxpNode = Record<string, unknown>;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref];
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
      (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    return ok ? String.fromCodePoint(cp) : whole;
  });
}

const parser = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false,
  parseAttributeValue: false, trimValues: false, captureMetaData: true, processEntities: true,
  entityDecoder: { setExternalEntities: () => {}, addInputEntities: () => {}, reset: () => {}, decode: decodeEntities, setXmlVersion: () => {} },
  cdataPropName: '#cdata', ignoreDeclaration: true, ignorePiTags: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

function convert(nodes: FxpNode[], parentScope: ReadonlyMap<string, string>): XmlNode[] {
  const out: XmlNode[] = [];
  for (const node of nodes) {
    const key = Object.keys(node).find((k) => k !== ':@');
    if (key === undefined) continue;
    const value = node[key];
    if (key === '#text') { out.push({ kind: 'text', text: String(value) }); continue; }
    if (key === '#cdata') {
      const inner = Array.isArray(value) ? (value as FxpNode[]) : [];
      out.push({ kind: 'text', text: inner.map((n) => String(n['#text'] ?? '')).join('') });
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
    const i = key.indexOf(':');
    const prefix = i < 0 ? '' : key.slice(0, i);
    const meta = node[META] as { startIndex?: number; endIndex?: number } | undefined;
    out.push({
      kind: 'element', qname: key, prefix, local: i < 0 ? key : key.slice(i + 1),
      ns: prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : scope.get(prefix) || undefined,
      attrs, children: convert(Array.isArray(value) ? (value as FxpNode[]) : [], scope), scope,
      start: meta?.startIndex ?? -1, end: meta?.endIndex ?? -1,
    });
  }
  return out;
}

/** The old tree, or undefined where the old code refused the document. */
export function referenceTree(xml: string): XmlElement | undefined {
  if (/<!DOCTYPE/i.test(xml) || XMLValidator.validate(xml) !== true) return undefined;
  try {
    const roots = convert(parser.parse(xml) as FxpNode[], new Map()).filter((n): n is XmlElement => n.kind === 'element');
    return roots.length === 1 ? roots[0] : undefined;
  } catch {
    return undefined;
  }
}

/** What a tree means to parse.ts: elements, attributes, namespaces, offsets, and the joined text of each element. */
export function treeShape(el: XmlElement): unknown {
  let text = '';
  const kids: unknown[] = [];
  for (const c of el.children) {
    if (c.kind === 'text') text += c.text;
    else kids.push(treeShape(c));
  }
  return { q: el.qname, ns: el.ns, attrs: el.attrs, start: el.start, end: el.end, text: text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''), kids, scope: [...el.scope] };
}
