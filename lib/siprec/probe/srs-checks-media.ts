/**
 * `probe srs`: RTP to the answered ports (RFC 7866 §8, RFC 3550). Black-box, the probe can only
 * see that nothing refused the packets: each stream's RTP goes from a connected UDP socket, so an
 * ICMP port unreachable (nothing listening) comes back as ECONNREFUSED. Whether the SRS stored
 * them cannot be seen from outside (see rtp.ts).
 */
import type { ResponseElementsView } from '../../../include-types/api.js';
import { PROBE_LABELS } from './srs-offer.js';
import { readAnswer, type SrsProbeContext } from './srs-context.js';

/** Sends RTP to every accepted stream and reports refused ports. */
export async function checkMediaPorts(ctx: SrsProbeContext, answer: ResponseElementsView): Promise<void> {
  const rfc = 'RFC 7866 §8, RFC 3264 §6';
  const { lines } = readAnswer(answer);
  const targets = PROBE_LABELS.map((label, i) => ({ label, line: lines[i], port: ctx.media[i] }))
    .filter((t) => t.line !== undefined && t.line.port !== 0 && t.line.address !== undefined && t.line.direction !== 'inactive');
  if (targets.length === 0) return ctx.results.skip('media-ports', rfc, 'no stream accepted for media');
  const unspecified = targets.filter((t) => t.line.address === '0.0.0.0' || t.line.address === '::');
  if (unspecified.length > 0) {
    return ctx.results.fail('media-ports', 'RFC 3264 §6', `answered c= ${unspecified[0].line.address} for stream ${unspecified[0].label}: nowhere to send RTP`);
  }
  await Promise.all(targets.map((t) => t.port.sendRtp(ctx.ua.opts.clock, t.line.address!, t.line.port, ctx.rtpPackets)));
  const refused = targets.filter((t) => t.port.refused).map((t) => `${t.label} (${t.line.address}:${t.line.port})`);
  const errors = targets.flatMap((t) => t.port.sendErrors.map((e) => `${t.label}: ${e}`));
  if (refused.length > 0) return ctx.results.fail('media-ports', rfc, `ICMP port unreachable for stream ${refused.join(', ')}: nothing listens on the answered port`);
  if (errors.length > 0) return ctx.results.fail('media-ports', rfc, `RTP could not be sent: ${errors.join(', ')}`);
  ctx.results.pass('media-ports', rfc, `${ctx.rtpPackets} RTP packets to each of ${targets.length} answered port(s), none refused (storage not visible black-box)`);
}
