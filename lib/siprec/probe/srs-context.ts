/**
 * What the `probe srs` check groups share: the probe's UA, the results, the SRS URI, the
 * session's SDP/metadata state and media sockets, and a reader for the SDP of a response.
 */
import type { ResponseElementsView } from '../../../include-types/api.js';
import { splitRecordingBody } from '../body/index.js';
import { mediaLabel, parseSdp, type SdpSession } from '../../message/index.js';
import type { ProbeUa } from './probe-ua.js';
import type { ProbeResults } from './results.js';
import type { ProbeSession } from './srs-offer.js';
import type { ProbeMediaPort } from './rtp.js';

/** Shared state of one `probe srs` run. */
export interface SrsProbeContext {
  readonly ua: ProbeUa;
  readonly results: ProbeResults;
  /** The SRS's URI (Request-URI of every INVITE and OPTIONS). */
  readonly target: string;
  /** Our From (name-addr). */
  readonly from: string;
  /** Our Contact, with or without +sip.src. */
  contact(srcTag: boolean): string;
  readonly session: ProbeSession;
  readonly media: readonly ProbeMediaPort[];
  /** RTP packets to send per stream. */
  readonly rtpPackets: number;
  /** Over TLS: the SRS's certificate is verified (false: the user turned that off). */
  readonly tlsVerified: boolean;
}

/** One answered m-line as the checks read it. */
export interface AnsweredLine {
  port: number;
  direction: string;
  label: string | undefined;
  address: string | undefined;
}

/** The SDP of a response, per m-line; `error` says why there is none. */
export function readAnswer(res: ResponseElementsView | undefined): { lines: AnsweredLine[]; error?: string } {
  if (!res) return { lines: [], error: 'no response' };
  const me = res.messageElements;
  let sdp: string | undefined;
  try {
    sdp = splitRecordingBody(me.contentType, me.content).sdp;
  } catch (e) {
    return { lines: [], error: `body unreadable (${String((e as Error).message)})` };
  }
  if (sdp === undefined) return { lines: [], error: 'no SDP in the response' };
  let s: SdpSession;
  try {
    s = parseSdp(sdp);
  } catch {
    return { lines: [], error: 'SDP does not parse' };
  }
  return {
    lines: s.media.map((m) => ({
      port: Number(m.port), direction: m.direction ?? s.direction ?? 'sendrecv', label: mediaLabel(m),
      address: m.connection?.ip ?? s.connection?.ip,
    })),
  };
}

/** Short text of an outcome for messages: `200 OK`, or why none came. */
export function statusText(o: { status: number; reason: string }): string {
  return o.status === 0 ? o.reason : `${o.status} ${o.reason}`.trim();
}
