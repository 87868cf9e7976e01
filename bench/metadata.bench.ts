/**
 * Metadata parse/build throughput for a typical two-participant, two-stream complete document
 * (what an SRS parses per recorded call), next to peers measured in the same run on the same
 * document: xml2js `parseString` (what drachtio's Node.js SIPREC recording server parses metadata
 * with) and fast-xml-parser alone (the XML parser tsip's metadata module is built on: the floor
 * of a single parse pass). Both peers only turn XML into plain objects; tsip's parse runs
 * fast-xml-parser twice (XMLValidator first: the parser alone accepts some malformed XML, which
 * must be a 400 at the SRS), then maps the RFC 7865 model, checks its id rules and keeps vendor
 * extensions verbatim.
 */
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { parseString } from 'xml2js';
import { applyPartialUpdate, buildMetadata, MetadataBuilder, parseMetadata } from '../lib/siprec/metadata/index.js';

function measure(label: string, fn: () => void, minMs = 500): number {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const ops = (n / elapsed) * 1000;
  console.log(`${label.padEnd(36)} ${Math.round(ops).toLocaleString('en-US').padStart(10)} ops/s`);
  return ops;
}

/** Prints parse and build ops/s for a typical document. */
export async function run(): Promise<void> {
  const builder = new MetadataBuilder({
    callId: 'a84b4c76e66710@pc33.atlanta.com',
    sipSessionIds: ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2'],
    participants: [
      { key: 'caller', aor: 'sip:alice@atlanta.com', name: 'Alice' },
      { key: 'callee', aor: 'sip:bob@biloxi.com', name: 'Bob' },
    ],
    streams: [{ label: '1', sender: 'caller' }, { label: '2', sender: 'callee' }],
  });
  const model = builder.complete();
  const xml = buildMetadata(model);
  console.log(`metadata (RFC 7865), ${Buffer.byteLength(xml)}-byte 2-participant 2-stream document`);
  const tsip = measure('tsip parseMetadata', () => { parseMetadata(xml); });
  // xml2js calls back synchronously for a string input (async: false, its default)
  const x2j = measure('peer: xml2js parseString (objects only)', () => { parseString(xml, (err) => { if (err) throw err; }); });
  const fxp = new XMLParser({ ignoreAttributes: false });
  const floor = measure('floor: fast-xml-parser (objects only)', () => { fxp.parse(xml); });
  console.log(`parse: tsip ${(tsip / x2j).toFixed(2)}x xml2js; ${((tsip / floor) * 100).toFixed(0)} % of fast-xml-parser's own rate`);
  measure('tsip buildMetadata', () => { buildMetadata(model); });
  const hold = parseMetadata(buildMetadata(builder.holdChanged('caller', true)));
  measure('tsip applyPartialUpdate (hold)', () => { applyPartialUpdate(model, hold); });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
