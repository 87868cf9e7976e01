/**
 * `probeSrs`: the probe acts as an SRC against any SRS and runs the check groups in call-flow
 * order (OPTIONS; SIPREC INVITE and its answer; RTP; metadata by re-INVITE and UPDATE; pause and
 * resume; BYE; then the INVITEs the SRS must refuse). A step that needs the recording session is
 * SKIPped when the INVITE was not accepted.
 */
import { defaultSiprecClock } from '../common/timers.js';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { ProbeReport, ProbeSrsOptions } from '../../../include-types/siprec-probe.js';
import { parseUri } from '../../message/index.js';
import { MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import { ProbeUa } from './probe-ua.js';
import { ProbeResults } from './results.js';
import { ProbeMediaPort } from './rtp.js';
import { PROBE_LABELS, ProbeSession } from './srs-offer.js';
import type { SrsProbeContext } from './srs-context.js';
import { checkOptions, checkRecordingInvite } from './srs-checks-setup.js';
import { checkMediaPorts } from './srs-checks-media.js';
import { checkBye, checkMetadataReinvite, checkMetadataUpdate, checkPauseResume } from './srs-checks-session.js';
import { checkMalformedMetadata, checkNoRequire, checkNoSrcTag, checkUnknownRequire } from './srs-checks-refusals.js';

/** The SRS URI and transport to use, from what the user typed. @throws RangeError when it is no SIP URI. */
export function srsTarget(target: string, transport?: 'udp' | 'tcp'): { uri: string; host: string; port: number; transport: 'udp' | 'tcp' } {
  let u;
  try {
    u = parseUri(/^sips?:/i.test(target) ? target : `sip:${target}`);
  } catch {
    throw new RangeError(`not a SIP URI: ${target}`);
  }
  if (!('host' in u)) throw new RangeError(`not a SIP URI: ${target}`);
  const given = u.params.get('transport')?.toLowerCase();
  const tp = transport ?? (given === 'tcp' ? 'tcp' : 'udp');
  const host = u.host.replace(/^\[|\]$/g, '');
  const hostText = host.includes(':') ? `[${host}]` : host;
  const user = u.user ? `${u.user}@` : 'srs@';
  const uri = `sip:${user}${hostText}${u.port ? `:${u.port}` : ''}${tp === 'tcp' ? ';transport=tcp' : ''}`;
  return { uri, host, port: u.port ?? 0, transport: tp };
}

/**
 * The local address the system routes to `host` by (a connected UDP socket sends nothing): it
 * goes into Via, Contact and the SDP, so it must be one the SRS can reach, never a wildcard.
 */
async function routeAddress(host: string, port: number): Promise<string> {
  if (host === '::1') return '::1';
  if (host.startsWith('127.')) return '127.0.0.1';
  const v6 = isIP(host) === 6;
  const s = createSocket(v6 ? 'udp6' : 'udp4');
  try {
    return await new Promise<string>((resolve, reject) => {
      s.once('error', reject);
      s.connect(port || 5060, host, () => resolve(s.address().address));
    });
  } catch {
    return v6 ? '::1' : '127.0.0.1';
  } finally {
    s.close();
  }
}

/**
 * A request the SRS sends in the recording session (its own BYE, OPTIONS, a snapshot request):
 * BYE/OPTIONS/INFO get 200, offers 488 (the probe keeps its own SDP), the rest 405.
 */
function answerSrs(tx: ServerTransaction): void {
  if (tx.type !== 'ACK') {
    const status = ['BYE', 'OPTIONS', 'INFO'].includes(tx.type) ? 200 : tx.type === 'INVITE' || tx.type === 'UPDATE' ? 488 : 405;
    try { tx.sendResponse(new ResponseElements({ statusCode: status, messageElements: new MessageElements() })); } catch { /* ended */ }
  }
  tx.dispose();
}

/**
 * Probes an SRS for RFC 7866 / RFC 7865 conformance, acting as an SRC.
 * @param target - the SRS, e.g. `sip:10.0.0.5:5060` or `sip:srs@host;transport=tcp`
 * @throws RangeError for a target that is not a SIP URI
 */
export async function probeSrs(target: string, options: ProbeSrsOptions = {}): Promise<ProbeReport> {
  const t = srsTarget(target, options.transport);
  const local = options.localAddress ?? await routeAddress(t.host, t.port);
  const timeoutMs = options.timeoutMs ?? 4000;
  const ua = await ProbeUa.start({ host: local, port: 0, transport: t.transport, t1: options.t1 ?? 500, timeoutMs, clock: options.clock ?? defaultSiprecClock(), onInDialog: answerSrs });
  const media: ProbeMediaPort[] = [];
  try {
    for (let i = 0; i < PROBE_LABELS.length; i++) media.push(await ProbeMediaPort.open(local));
    const results = new ProbeResults();
    const ctx: SrsProbeContext = {
      ua, results, target: t.uri, from: `<${ua.uri('probe').replace(/;transport=\w+$/, '')}>`,
      contact: (srcTag) => `<${ua.uri('probe')}>${srcTag ? ';+sip.src' : ''}`,
      session: new ProbeSession(local, media.map((m) => m.port)), media, rtpPackets: options.rtpPackets ?? 10,
    };
    await checkOptions(ctx);
    const rs = await checkRecordingInvite(ctx);
    if (rs) {
      await checkMediaPorts(ctx, rs.answer);
      await checkMetadataReinvite(ctx, rs.assoc);
      await checkMetadataUpdate(ctx, rs.assoc, rs.answer);
      await checkPauseResume(ctx, rs.assoc);
      await checkBye(ctx, rs.assoc);
    } else {
      for (const [id, rfc] of [['media-ports', 'RFC 7866 §8'], ['metadata-reinvite', 'RFC 7866 §9.1'], ['metadata-update', 'RFC 7866 §9.1'],
        ['pause', 'RFC 7866 §7.1.1'], ['resume', 'RFC 7866 §7.1.1'], ['bye', 'RFC 3261 §15.1.2']] as const) results.skip(id, rfc, 'no recording session (INVITE not accepted)');
    }
    await checkUnknownRequire(ctx);
    await checkNoRequire(ctx);
    await checkNoSrcTag(ctx);
    await checkMalformedMetadata(ctx);
    return results.report('srs', t.uri);
  } finally {
    for (const m of media) m.close();
    await ua.close();
  }
}
