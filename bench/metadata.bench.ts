/**
 * Metadata parse/build throughput for a typical two-participant, two-stream complete document
 * (what an SRS parses per recorded call), next to peers measured in the same run on the same
 * document: xml2js `parseString` (what drachtio's Node.js SIPREC recording server parses metadata
 * with) and fast-xml-parser alone (a fast general XML parser: objects only, and it accepts much
 * malformed XML). Both peers only turn XML into plain objects; tsip's parse checks
 * well-formedness in the same single pass that builds its namespace-aware tree with source offsets
 * (lib/siprec/metadata/xml-scan.ts), then maps the RFC 7865 model, checks its id rules and keeps
 * vendor extensions verbatim. Goal (issue 15): tsip > xml2js and tsip >= fast-xml-parser / 1.5.
 *
 * Until 2026-12-06 tsip ran fast-xml-parser's XMLValidator and then its XMLParser (two passes):
 * 0.40-0.83x xml2js, 54-56 % of fast-xml-parser. The three parsers are measured in interleaved
 * rounds (best of 3 each) so that a load spike on a shared machine does not favour one of them.
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
  const fxp = new XMLParser({ ignoreAttributes: false });
  let tsip = 0;
  let x2j = 0;
  let floor = 0;
  for (let round = 1; round <= 3; round++) {
    tsip = Math.max(tsip, measure(`tsip parseMetadata (round ${round})`, () => { parseMetadata(xml); }));
    // xml2js calls back synchronously for a string input (async: false, its default)
    x2j = Math.max(x2j, measure(`peer: xml2js parseString (round ${round})`, () => { parseString(xml, (err) => { if (err) throw err; }); }));
    floor = Math.max(floor, measure(`peer: fast-xml-parser (round ${round})`, () => { fxp.parse(xml); }));
  }
  console.log(`parse (best of 3): tsip ${Math.round(tsip)}, xml2js ${Math.round(x2j)}, fast-xml-parser ${Math.round(floor)} ops/s`);
  console.log(`parse: tsip ${(tsip / x2j).toFixed(2)}x xml2js; ${(tsip / floor).toFixed(2)}x fast-xml-parser (goal >= 0.67)`);
  measure('tsip buildMetadata', () => { buildMetadata(model); });
  const hold = parseMetadata(buildMetadata(builder.holdChanged('caller', true)));
  measure('tsip applyPartialUpdate (hold)', () => { applyPartialUpdate(model, hold); });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
