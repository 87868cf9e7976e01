/**
 * Well-formedness of metadata XML (lib/siprec/metadata/xml-scan.ts): every
 * malformation is a MetadataError(MalformedXml) (→ 400 at the SRS), and every
 * document the old two-pass fast-xml-parser reader accepted and the scanner
 * accepts yields the same element tree.
 */
import fc from 'fast-check';
import t from 'tap';
import { parseString } from 'xml2js';
import { MetadataError, MetadataErrorCode, parseMetadata, RECORDING_NS } from '../../../lib/siprec/metadata/index.js';
import { parseXmlTree } from '../../../lib/siprec/metadata/xml-tree.js';
import { MAX_XML_DEPTH, scanXml } from '../../../lib/siprec/metadata/xml-scan.js';
import { expectCode } from './helpers.js';
import { ACME_LEGACY, CISCO_PREFIXED, NICE_AND_AUDIOCODES, RFC_COMPLETE, RFC_PARTIAL_HOLD, RFC_PARTIAL_JOIN_LEAVE } from './metadata-fixtures.js';
import { referenceTree, treeShape } from './metadata-fxp-reference.js';

const NS = `xmlns="${RECORDING_NS}"`;
const doc = (inner: string): string => `<recording ${NS}><datamode>complete</datamode>${inner}</recording>`;

// Malformations fast-xml-parser's XMLParser alone let through (it needed its XMLValidator as a
// second pass) or that neither caught; each must be refused by the one pass.
const MALFORMED: [string, string][] = [
  ['mismatched end tag', doc('<group group_id="g"></grp>')],
  ['unclosed tag', doc('<group group_id="g">')],
  ['unclosed root', `<recording ${NS}><datamode>complete</datamode>`],
  ['stray end tag', `${doc('')}</recording>`],
  ['two roots', `${doc('')}${doc('')}`],
  ['text before the root', `x${doc('')}`],
  ['text after the root', `${doc('')}x`],
  ['CDATA outside the root', `${doc('')}<![CDATA[x]]>`],
  ['attribute without quotes', doc('<group group_id=g/>')],
  ['attribute without value', doc('<group group_id/>')],
  ['duplicate attribute', doc('<group group_id="a" group_id="b"/>')],
  ['attributes without white space between', doc('<stream stream_id="s"session_id="x"/>')],
  ['unterminated attribute value', doc('<group group_id="g/>')],
  ['< in attribute value', doc('<group group_id="a<b"/>')],
  ['undeclared entity', doc('<group group_id="g"><x:a xmlns:x="urn:x">&foo;</x:a></group>')],
  ['bare &', doc('<group group_id="a & b"/>')],
  ['entity without ;', doc('<group group_id="&amp"/>')],
  ['char ref without digits', doc('<group group_id="&#x;"/>')],
  ['< in text', doc('<group group_id="g"><associate-time>a < b</associate-time></group>')],
  [']]> in text', doc('<group group_id="g"><associate-time>]]></associate-time></group>')],
  ['unterminated comment', doc('<!-- x')],
  ['-- inside a comment', doc('<!-- a -- b -->')],
  ['unterminated CDATA', doc('<group group_id="g"><![CDATA[x</group>')],
  ['unterminated PI', doc('<?pi x')],
  ['XML declaration not first', `${doc('')}<?xml version="1.0"?>`],
  ['malformed XML declaration', `<?xml "version="1.0"?>${doc('')}`],
  ['XML declaration without version', `<?xml encoding="UTF-8"?>${doc('')}`],
  ['bad element name', doc('<1group group_id="g"/>')],
  ['bad attribute name', doc('<group 1a="x" group_id="g"/>')],
  ['space after < in end tag', doc('<group group_id="g"></ group>')],
  ['junk in end tag', doc('<group group_id="g"></group x>')],
  ['unterminated start tag', `<recording ${NS}`],
  ['control character', doc('<group group_id="g\u0001"/>')],
  ['lone surrogate', doc('<group group_id="g\ud800"/>')],
  ['markup declaration', doc('<!ELEMENT x ANY>')],
  ['DOCTYPE', `<!DOCTYPE recording>${doc('')}`],
  ['nested deeper than the limit', doc(`${'<x:d xmlns:x="urn:d">'.repeat(MAX_XML_DEPTH)}${'</x:d>'.repeat(MAX_XML_DEPTH)}`)],
  ['no root', '<?xml version="1.0"?><!-- nothing -->'],
  ['empty', ''],
];

t.test('every malformation is MalformedXml', async (t) => {
  for (const [label, xml] of MALFORMED) expectCode(t, () => parseMetadata(xml), MetadataErrorCode.MalformedXml, label);
});

t.test('the reason names what is wrong and where', async (t) => {
  try {
    scanXml('<a><b></c></a>');
    t.fail('accepted');
  } catch (e) {
    t.ok(e instanceof MetadataError);
    t.match((e as MetadataError).message + ((e as MetadataError).reason ?? ''), /does not match <b>/);
  }
});

t.test('well-formed corners are accepted and read right', async (t) => {
  const corners = `<?xml version='1.0'?>\n<!-- c --><?pi data?><r a = 'x&amp;y' b="&#x41;&#66;&lt;&gt;&quot;&apos;" xmlns:p="urn:p">` +
    `t1<!-- in -->t2<![CDATA[<&>]]><p:e/><é日 ü="1"/></r >\n<!-- tail -->\n`;
  const root = scanXml(corners);
  t.same(root.attrs, { a: 'x&y', b: 'AB<>"\'', 'xmlns:p': 'urn:p' });
  t.same(root.children.filter((c) => c.kind === 'text').map((c) => c.kind === 'text' ? c.text : ''), ['t1', 't2', '<&>']);
  const [pe, uni] = root.children.filter((c) => c.kind === 'element');
  t.equal(pe.kind === 'element' && pe.ns, 'urn:p', 'prefix resolved');
  t.equal(uni.kind === 'element' && uni.qname, 'é日', 'non-ASCII names');
  t.same(scanXml('<r a="&#0;&#x110000;&#x0041;"/>').attrs, { a: '&#0;&#x110000;A' }, 'references to non-characters kept as written');
  t.equal(corners.slice(root.start, root.end).endsWith('</r >'), true, 'root span ends at its end tag');
  t.equal(corners[root.start], '<', 'root span starts at its start tag');
  const proto = scanXml('<r __proto__="x" constructor="y"/>').attrs;
  t.same(Object.entries(proto), [['__proto__', 'x'], ['constructor', 'y']], 'attribute names that are Object members are plain values');
  const src = '<r><x:a xmlns:x="u">v</x:a ></r>';
  const inner = scanXml(src).children[0];
  t.equal(inner.kind === 'element' && src.slice(inner.start, inner.end), '<x:a xmlns:x="u">v</x:a >', 'offsets span the element');
  t.equal(scanXml(`<r>${'<d>'.repeat(MAX_XML_DEPTH - 1)}${'</d>'.repeat(MAX_XML_DEPTH - 1)}</r>`).qname, 'r', 'exactly at the depth limit');
});

const FIXTURES = [RFC_COMPLETE, RFC_PARTIAL_HOLD, RFC_PARTIAL_JOIN_LEAVE, ACME_LEGACY, CISCO_PREFIXED, NICE_AND_AUDIOCODES];

t.test('fixtures: same tree as the old fast-xml-parser reader', async (t) => {
  for (const xml of FIXTURES) t.same(treeShape(parseXmlTree(xml, { maxElements: 20000 })), treeShape(referenceTree(xml)!));
});

// Mutations that hit the XML syntax: insert, delete or replace one character with one that
// matters to XML, or duplicate / drop a slice.
const SIGNIFICANT = [...'<>&;"\'/=!?-[]: \t\n#xa1é\u0001'];
const mutation = fc.record({
  doc: fc.constantFrom(...FIXTURES),
  edits: fc.array(fc.record({
    op: fc.constantFrom('insert', 'delete', 'replace', 'duplicate'),
    at: fc.nat(), len: fc.integer({ min: 1, max: 12 }), ch: fc.constantFrom(...SIGNIFICANT),
  }), { minLength: 1, maxLength: 3 }),
}).map(({ doc, edits }) => {
  let s = doc;
  for (const e of edits) {
    const at = e.at % (s.length + 1);
    if (e.op === 'insert') s = s.slice(0, at) + e.ch + s.slice(at);
    else if (e.op === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
    else if (e.op === 'replace') s = s.slice(0, at) + e.ch + s.slice(at + 1);
    else s = s.slice(0, at) + s.slice(at, at + e.len) + s.slice(at);
  }
  return s;
});

/** A second opinion (sax in strict mode) where the old reader refused: its validator was stricter than XML in places. */
function xml2jsAccepts(xml: string): boolean {
  let ok = false;
  parseString(xml, { strict: true }, (err) => { ok = err === null; }); // synchronous for a string input
  return ok;
}

t.test('property: a mutated document gives the old tree or MetadataError, never another error', async (t) => {
  let accepted = 0;
  let refused = 0;
  fc.assert(fc.property(mutation, (xml) => {
    let tree;
    try {
      tree = parseXmlTree(xml, { maxElements: 20000 });
    } catch (e) {
      if (!(e instanceof MetadataError)) throw e;
      refused++;
      return;
    }
    accepted++;
    const old = referenceTree(xml);
    if (old !== undefined) t.same(treeShape(tree), treeShape(old));
    else if (!xml2jsAccepts(xml)) throw new Error(`accepted what both the old reader and xml2js refuse: ${JSON.stringify(xml)}`);
    try {
      parseMetadata(xml);
    } catch (e) {
      if (!(e instanceof MetadataError)) throw e;
    }
  }), { numRuns: 1500 });
  t.ok(accepted > 0 && refused > 0, `both outcomes exercised (${accepted} accepted, ${refused} refused)`);
});
