/**
 * `probe src`: what the SRC's INVITE must carry (RFC 7866 §6.1.1: `Require: siprec` and
 * `+sip.src`; §9.1: a multipart/mixed body with the SDP and the application/rs-metadata+xml part
 * marked `Content-Disposition: recording-session`; §7.1.1: every m-line labelled, sendonly).
 * Pure: the request's headers and body in, results out, the parts found returned.
 */
import type { MessageElementsView } from '../../../include-types/api.js';
import { contactHasFeatureTag } from '../body/index.js';
import { MediaType, mediaLabel, parseMultipart, parseSdp, type SdpSession } from '../../message/index.js';
import { METADATA_CONTENT_TYPE, LEGACY_METADATA_CONTENT_TYPE, RECORDING_SESSION_DISPOSITION } from '../metadata/index.js';
import type { ProbeResults } from './results.js';

/** The parts of a recording-session body as the SRS probe reads them. */
export interface SrcBody {
  sdp?: string;
  metadata?: Buffer;
  /** The metadata part's type and disposition, as sent. */
  metadataType?: string;
  metadataDisposition?: string;
}

/** Reads the body into its parts; throws with a reason when it cannot be read at all. */
export function readSrcBody(me: MessageElementsView): SrcBody {
  const out: SrcBody = {};
  if (me.content === undefined || me.content.length === 0) return out;
  const mt = MediaType.parse(me.contentType ?? 'text/plain');
  const isMeta = (essence: string): boolean => essence === METADATA_CONTENT_TYPE || essence === LEGACY_METADATA_CONTENT_TYPE;
  if (mt.type !== 'multipart') {
    if (mt.essence === 'application/sdp') out.sdp = me.content.toString('utf8');
    else if (isMeta(mt.essence)) {
      out.metadata = me.content;
      out.metadataType = mt.essence;
      out.metadataDisposition = me.header('Content-Disposition')?.split(';')[0].trim().toLowerCase();
    }
    return out;
  }
  for (const p of parseMultipart(me.content, mt)) {
    const essence = p.contentType?.essence ?? 'text/plain';
    if (essence === 'application/sdp' && out.sdp === undefined) out.sdp = p.body.toString('utf8');
    else if ((isMeta(essence) || p.disposition?.type === RECORDING_SESSION_DISPOSITION) && out.metadata === undefined) {
      out.metadata = p.body;
      out.metadataType = essence;
      if (p.disposition) out.metadataDisposition = p.disposition.type;
    }
  }
  return out;
}

/** The headers of the initial INVITE. */
export function checkSrcHeaders(r: ProbeResults, me: MessageElementsView): void {
  const require = me.headerValues('Require').map((t) => t.trim().toLowerCase());
  r.check(require.includes('siprec'), 'src-require', 'RFC 7866 §6.1.1', 'Require: siprec',
    `no siprec in Require (${require.join(', ') || 'no Require header'})`);
  const contacts = me.headerValues('Contact');
  r.check(contactHasFeatureTag(contacts, '+sip.src'), 'src-contact', 'RFC 7866 §6.1.1', 'Contact carries +sip.src',
    `Contact has no +sip.src feature tag (${contacts.join(', ') || 'no Contact'})`);
}

/** The body of the initial INVITE; returns its parts (undefined when unreadable). */
export function checkSrcBody(r: ProbeResults, me: MessageElementsView): SrcBody | undefined {
  let body: SrcBody;
  try {
    body = readSrcBody(me);
  } catch (e) {
    r.fail('src-body', 'RFC 7866 §9.1, RFC 2046', `body unreadable: ${(e as Error).message}`);
    return undefined;
  }
  const ct = me.contentType ?? 'none';
  if (body.sdp !== undefined && body.metadata !== undefined) {
    r.check(/^multipart\/mixed/i.test(ct), 'src-body', 'RFC 7866 §9.1', 'multipart/mixed with SDP and metadata',
      `SDP and metadata in ${ct.split(';')[0]} (multipart/mixed expected)`, 'WARN');
  } else if (body.sdp !== undefined) {
    r.warn('src-body', 'RFC 7866 §9.1', 'SDP without metadata: the SRS cannot map streams to participants until metadata follows');
  } else {
    // NOTE: an offer-less recording INVITE is not probed (the probe answers only offers).
    r.fail('src-body', 'RFC 7866 §7.1.1', `no SDP offer in the INVITE (${ct.split(';')[0]})`);
  }
  if (body.metadata === undefined) {
    r.skip('src-metadata-part', 'RFC 7866 §9.1', 'no metadata part in the INVITE');
  } else {
    const typeOk = body.metadataType === METADATA_CONTENT_TYPE;
    const dispOk = body.metadataDisposition === RECORDING_SESSION_DISPOSITION;
    if (typeOk && dispOk) r.pass('src-metadata-part', 'RFC 7866 §9.1', `${METADATA_CONTENT_TYPE}, Content-Disposition: recording-session`);
    else if (!dispOk) r.fail('src-metadata-part', 'RFC 7866 §9.1', `metadata part without Content-Disposition: recording-session (${body.metadataDisposition ?? 'none'})`);
    else r.warn('src-metadata-part', 'RFC 7866 §9.1', `metadata part typed ${body.metadataType} (draft-era; ${METADATA_CONTENT_TYPE} is registered)`);
  }
  return body;
}

/** Labels and directions of the offer (RFC 7866 §7.1.1). Returns the parsed SDP. */
export function checkSrcOffer(r: ProbeResults, sdp: string): SdpSession | undefined {
  let s: SdpSession;
  try {
    s = parseSdp(sdp);
  } catch {
    r.fail('src-sdp-labels', 'RFC 4566', 'the SDP offer does not parse');
    return undefined;
  }
  const live = s.media.map((m, i) => ({ m, i })).filter((x) => Number(x.m.port) !== 0);
  const unlabelled = live.filter((x) => mediaLabel(x.m) === undefined).map((x) => `m${x.i + 1}`);
  r.check(unlabelled.length === 0 && live.length > 0, 'src-sdp-labels', 'RFC 7866 §7.1.1', `${live.length} m-line(s), each with a=label`,
    live.length === 0 ? 'no m-line with a port' : `m-line(s) without a=label: ${unlabelled.join(', ')}`);
  const dirs = live.map((x) => ({ i: x.i, d: x.m.direction ?? s.direction ?? 'sendrecv' }));
  const other = dirs.filter((x) => x.d !== 'sendonly' && x.d !== 'inactive').map((x) => `m${x.i + 1} ${x.d}`);
  r.check(other.length === 0, 'src-sdp-sendonly', 'RFC 7866 §7.1.1', 'every stream offered sendonly',
    `stream(s) not offered sendonly: ${other.join(', ')} (the SRC does not expect media back)`, 'WARN');
  return s;
}
