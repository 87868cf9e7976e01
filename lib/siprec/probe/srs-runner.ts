/**
 * `probeSrs`: the probe acts as an SRC against any SRS and runs the check groups in call-flow
 * order (with credentials, first an INVITE answered with a wrong password; OPTIONS; SIPREC INVITE
 * and its answer; RTP; metadata by re-INVITE and UPDATE; pause and resume; BYE; then the INVITEs
 * the SRS must refuse). A step that needs the recording session is SKIPped when the INVITE was
 * not accepted; when TLS cannot connect or authentication stops the INVITE, one line says why
 * and every later check is SKIPped.
 */
import { defaultSiprecClock } from '../common/timers.js';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { ProbeReport, ProbeSrsOptions } from '../../../include-types/siprec-probe.js';
import { parseUri } from '../../message/index.js';
import { MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import type { TlsSettings } from '../../../include-types/settings.js';
import { ProbeUa, probeListener, probeTlsMaterial, type ProbeUaTls } from './probe-ua.js';
import { checkTlsOutcome, checkWrongPassword } from './srs-checks-access.js';
import { ProbeResults } from './results.js';
import { ProbeMediaPort } from './rtp.js';
import { PROBE_LABELS, ProbeSession } from './srs-offer.js';
import type { SrsProbeContext } from './srs-context.js';
import { checkOptions, checkRecordingInvite } from './srs-checks-setup.js';
import { checkMediaPorts } from './srs-checks-media.js';
import { checkBye, checkMetadataReinvite, checkMetadataUpdate, checkPauseResume } from './srs-checks-session.js';
import { checkMalformedMetadata, checkNoRequire, checkNoSrcTag, checkUnknownRequire } from './srs-checks-refusals.js';

/** The transports `probe srs` speaks. */
type ProbeTransport = 'udp' | 'tcp' | 'tls';

/**
 * The SRS URI and transport to use, from what the user typed. A `sips:` URI (RFC 3261 §26.2.2)
 * or `;transport=tls` means TLS; `sips:` stays `sips:` (no transport parameter, RFC 5630 §3.1.3).
 * @throws RangeError when it is no SIP URI, or a `sips:` URI is asked to go over UDP or TCP
 */
export function srsTarget(target: string, transport?: ProbeTransport): { uri: string; host: string; port: number; transport: ProbeTransport; sips: boolean } {
  let u;
  try {
    u = parseUri(/^sips?:/i.test(target) ? target : `sip:${target}`);
  } catch {
    throw new RangeError(`not a SIP URI: ${target}`);
  }
  if (!('host' in u)) throw new RangeError(`not a SIP URI: ${target}`);
  const sips = u.scheme === 'sips';
  if (sips && transport !== undefined && transport !== 'tls') throw new RangeError(`a sips: URI is reached over TLS only (not ${transport})`);
  const given = u.params.get('transport')?.toLowerCase();
  const tp: ProbeTransport = transport ?? (sips || given === 'tls' ? 'tls' : given === 'tcp' ? 'tcp' : 'udp');
  const host = u.host.replace(/^\[|\]$/g, '');
  const hostText = host.includes(':') ? `[${host}]` : host;
  const user = u.user ? `${u.user}@` : 'srs@';
  const uri = sips
    ? `sips:${user}${hostText}${u.port ? `:${u.port}` : ''}`
    : `sip:${user}${hostText}${u.port ? `:${u.port}` : ''}${tp === 'udp' ? '' : `;transport=${tp}`}`;
  return { uri, host, port: u.port ?? 0, transport: tp, sips };
}

/**
 * The probe's TLS from `ProbeSrsOptions.tls` (files read and checked as an SRC's are).
 * @throws RangeError for unusable material, or a `sips:` target without a client certificate
 *   (RFC 5630 §3.1.3: a `sips:` request carries a `sips:` Contact, which only a TLS listener is)
 */
function probeTls(options: ProbeSrsOptions, t: { transport: ProbeTransport; sips: boolean; uri: string }): ProbeUaTls | undefined {
  if (t.transport !== 'tls') return undefined;
  const s = options.tls ?? {};
  const m = probeTlsMaterial(s, 'ProbeSrsOptions.tls');
  if (t.sips && m.cert === undefined) throw new RangeError(`the sips: URI ${t.uri} needs a client certificate and key (a sips: request carries a sips: Contact, RFC 5630 §3.1.3); give them, or use ;transport=tls`);
  const client: TlsSettings = { ...m, rejectUnauthorized: s.verify !== false, ...(s.servername !== undefined ? { servername: s.servername } : {}) };
  const listener = probeListener(m);
  return { client, ...(listener !== undefined ? { listener } : {}) };
}

/** Every check after the first request, in the order they run, for a run that cannot go on. */
const LATER_CHECKS = [
  ['options', 'RFC 3261 §11'], ['invite-accepted', 'RFC 7866 §6.2'], ['media-ports', 'RFC 7866 §8'], ['metadata-reinvite', 'RFC 7866 §9.1'],
  ['metadata-update', 'RFC 7866 §9.1'], ['pause', 'RFC 7866 §7.1.1'], ['resume', 'RFC 7866 §7.1.1'], ['bye', 'RFC 3261 §15.1.2'],
  ['require-unknown', 'RFC 3261 §8.2.2.3'], ['refuse-no-require', 'RFC 7866 §6.2'], ['refuse-no-src-tag', 'RFC 7866 §6.2'], ['malformed-metadata', 'RFC 7866 §9.2, RFC 7865 §5'],
] as const;

function skipFrom(results: ProbeResults, from: string, why: string): void {
  const i = LATER_CHECKS.findIndex(([id]) => id === from);
  for (const [id, rfc] of LATER_CHECKS.slice(Math.max(0, i))) results.skip(id, rfc, `not run: ${why}`);
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
  const tls = probeTls(options, t);
  const local = options.localAddress ?? await routeAddress(t.host, t.port);
  const timeoutMs = options.timeoutMs ?? 4000;
  const ua = await ProbeUa.start({
    host: local, port: 0, transport: t.transport, t1: options.t1 ?? 500, timeoutMs, clock: options.clock ?? defaultSiprecClock(), onInDialog: answerSrs,
    ...(tls ? { tls } : {}), ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const media: ProbeMediaPort[] = [];
  try {
    for (let i = 0; i < PROBE_LABELS.length; i++) media.push(await ProbeMediaPort.open(local));
    const results = new ProbeResults();
    const ctx: SrsProbeContext = {
      ua, results, target: t.uri, from: `<${ua.uri('probe').replace(/;transport=\w+$/, '')}>`,
      contact: (srcTag) => `<${ua.uri('probe', t.sips)}>${srcTag ? ';+sip.src' : ''}`,
      session: new ProbeSession(local, media.map((m) => m.port)), media, rtpPackets: options.rtpPackets ?? 10,
      tlsVerified: tls?.client.rejectUnauthorized !== false,
    };
    // The first request shows whether TLS works at all; with credentials it is the INVITE with a
    // wrong password (before any right one is stored), else the OPTIONS.
    const first = options.credentials ? await checkWrongPassword(ctx) : await ua.options(ctx.target, ctx.from);
    if (!checkTlsOutcome(ctx, first)) {
      skipFrom(results, 'options', 'no TLS connection to the SRS');
      return results.report('srs', t.uri);
    }
    await checkOptions(ctx, options.credentials ? undefined : first);
    const rs = await checkRecordingInvite(ctx);
    if (rs === 'blocked') {
      skipFrom(results, 'invite-accepted', 'authentication failed (see auth-challenge)');
      return results.report('srs', t.uri);
    }
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
