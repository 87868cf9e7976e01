import { XMLParser } from 'fast-xml-parser';
import { buildMetadata, MetadataBuilder, parseMetadata } from './lib/siprec/metadata/index.js';
import { scanXml } from './lib/siprec/metadata/xml-scan.js';
import { parseXmlTree } from './lib/siprec/metadata/xml-tree.js';
const b = new MetadataBuilder({ callId: 'a84b4c76e66710@pc33.atlanta.com', sipSessionIds: ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2'],
  participants: [{ key: 'caller', aor: 'sip:alice@atlanta.com', name: 'Alice' }, { key: 'callee', aor: 'sip:bob@biloxi.com', name: 'Bob' }],
  streams: [{ label: '1', sender: 'caller' }, { label: '2', sender: 'callee' }] });
const xml = buildMetadata(b.complete());
const fxp = new XMLParser({ ignoreAttributes: false });
const fns: Record<string, () => void> = {
  scan: () => scanXml(xml), tree: () => parseXmlTree(xml, { maxElements: 20000 }), full: () => parseMetadata(xml), fxp: () => fxp.parse(xml),
};
const tot: Record<string, number> = {};
for (let r = 0; r < 8; r++) for (const [k, f] of Object.entries(fns)) {
  const t0 = process.hrtime.bigint(); for (let i = 0; i < 2000; i++) f(); tot[k] = (tot[k] ?? 0) + Number(process.hrtime.bigint() - t0);
}
for (const k in tot) console.log(k, Math.round(16000 / (tot[k] / 1e9)), 'ops/s');
