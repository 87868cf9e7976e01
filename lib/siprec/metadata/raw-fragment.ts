/**
 * Cuts an element out of its source document as raw XML, adding the namespace
 * declarations it depends on but inherits from its ancestors, so that the
 * fragment means the same thing when pasted into a newly built document.
 */
import type { XmlElement } from './xml-tree.js';
import { escapeXml, elementsOf } from './xml-tree.js';

function collect(el: XmlElement, used: Set<string>, declared: Set<string>): void {
  used.add(el.prefix);
  for (const name of Object.keys(el.attrs)) {
    if (name === 'xmlns') declared.add('');
    else if (name.startsWith('xmlns:')) declared.add(name.slice(6));
    else if (name.includes(':')) used.add(name.slice(0, name.indexOf(':')));
  }
  for (const c of elementsOf(el)) collect(c, used, declared);
}

/**
 * Returns the exact source text of `el`, with `xmlns` declarations for the
 * prefixes used inside it but bound outside it.
 *
 * @param source - the whole document the tree was parsed from
 * @param el - the element to cut out
 * @param inheritsDefault - true when the output document's default namespace
 *   is the one `el` inherits (so no default declaration is needed)
 */
export function rawFragment(source: string, el: XmlElement, inheritsDefault: boolean): string {
  const raw = source.slice(el.start, el.end);
  const used = new Set<string>();
  const declared = new Set<string>();
  collect(el, used, declared);
  let decls = '';
  for (const prefix of used) {
    if (declared.has(prefix) || prefix === 'xml') continue;
    if (prefix === '') {
      if (inheritsDefault) continue;
      decls += ` xmlns="${escapeXml(el.scope.get('') ?? '')}"`;
      continue;
    }
    const uri = el.scope.get(prefix);
    if (uri !== undefined) decls += ` xmlns:${prefix}="${escapeXml(uri)}"`;
  }
  if (decls === '') return raw;
  const at = 1 + el.qname.length;
  return raw.slice(0, at) + decls + raw.slice(at);
}
