/**
 * CPU of the SIPREC layer's own per-set-up body work, without SIP (issue 15), for comparing
 * versions on a shared machine where whole set-ups are too noisy to show a few %:
 * - SRC: the complete metadata (MetadataBuilder), the SDP offer, the multipart body, reading the
 *   SRS's answer;
 * - SRS: checking the INVITE (multipart split, metadata parse with validation, SDP plan) and
 *   writing the answer.
 * `npx tsx bench/lib/siprec-body-cost.ts [iterations]`: µs per set-up for each side, best of 5.
 */
import { buildOfferSdp, buildRecordingBody, parseSrsAnswer } from '../../lib/siprec/body/index.js';
import { MetadataBuilder } from '../../lib/siprec/metadata/index.js';
import { checkRecordingInvite } from '../../lib/siprec/srs/check-invite.js';
import { buildAnswer, type MediaPlan } from '../../lib/siprec/srs/media-plan.js';

const n = Number(process.argv[2] ?? 5000);
const call = (i: number) => ({
  callId: `cost-${i}@tsip`,
  participants: [{ key: 'alice', aor: `sip:alice${i}@example.com`, name: 'Alice' }, { key: 'bob', aor: `sip:bob${i}@example.net`, name: 'Bob' }],
  streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
});
const sdpOpts = { address: '127.0.0.1', sessionId: 1, version: 1 };
const checkOpts = { codecs: ['PCMU', 'PCMA'], requireMetadata: false };

function src(i: number): { body: Buffer; contentType: string } {
  const xml = new MetadataBuilder(call(i)).completeXml();
  const sdp = buildOfferSdp([{ label: '1', port: 30000 + 2 * (i % 100) }, { label: '2', port: 30002 + 2 * (i % 100) }], sdpOpts);
  return buildRecordingBody(sdp, xml);
}

function srs(body: Buffer, contentType: string): string {
  const headers: Record<string, string[]> = { require: ['siprec'], contact: ['<sip:src@127.0.0.1>;+sip.src'] };
  const v = checkRecordingInvite({ content: body, contentType, headerValues: (name: string) => headers[name.toLowerCase()] ?? [] }, checkOpts);
  if (!v.ok || v.offer === undefined) throw new Error(`refused: ${JSON.stringify(v)}`);
  return buildAnswer(v.offer as MediaPlan, new Map([[0, { port: 20000 }], [1, { port: 20002 }]]), sdpOpts);
}

const bodies = Array.from({ length: 64 }, (_, i) => src(i));
const answer = srs(bodies[0].body, bodies[0].contentType);
const time = (f: (i: number) => void): number => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f(i);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
};
const best = { src: Infinity, srs: Infinity };
for (let round = 0; round < 5; round++) {
  best.src = Math.min(best.src, time((i) => { src(i); parseSrsAnswer(['1', '2'], answer, [[0, 8], [0, 8]]); }));
  best.srs = Math.min(best.srs, time((i) => { const b = bodies[i % 64]; srs(b.body, b.contentType); }));
}
console.log(`SIPREC body work per set-up (best of 5 × ${n}): SRC ${best.src.toFixed(1)} µs, SRS ${best.srs.toFixed(1)} µs`);
