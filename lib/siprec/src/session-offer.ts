/**
 * The bodies and headers of one recording session's requests: offer SDP from the streams and
 * their local ports, the INVITE headers (RFC 7866 §6.1.1 Require: siprec, Accept; RFC 4028
 * Session-Expires/Min-SE; NG9-1-1 Call-Info; the entry's custom headers).
 */
import type { CallParams, RecordedStreamParams, SrcMediaSettings, SrsEntrySettings } from '../../../include-types/siprec.js';
import { buildOfferSdp, buildRecordingBody, newCryptoAttr, type CryptoAttr, type SrcAnswer } from '../body/index.js';
import { MessageElements } from '../common/api.js';
import { layoutOffer } from './session-layout.js';

/** A stream of the session in m-line order. */
export interface SessionStream {
  params: RecordedStreamParams;
  /** Local RTP port. */
  port: number;
  /** MSRP streams: our a=path and a=accept-types (the m-line's port is {@link port}). */
  msrp?: { path: string; acceptTypes: readonly string[] };
}

/** The SRTP suite of an entry's media settings, if any. */
export type SrtpSetting = SrcMediaSettings['srtp'];

/**
 * The a=crypto the SRC offers for a stream (RFC 4568 §6.1: the key it sends with), made once per
 * stream and offered again unchanged in every re-offer (§7.1.4), so the SRS's context (ROC,
 * replay list) carries on. Undefined for MSRP streams and without an SRTP setting.
 */
const offeredKeys = new WeakMap<SessionStream, CryptoAttr>();
export function offeredCrypto(s: SessionStream, srtp: SrtpSetting): CryptoAttr | undefined {
  if (!srtp || s.params.media === 'message') return undefined;
  let c = offeredKeys.get(s);
  if (!c || c.suite !== srtp) {
    c = newCryptoAttr(1, srtp);
    offeredKeys.set(s, c);
  }
  return c;
}

/** The offer for the current state; with `srtp`, RTP streams go as RTP/SAVP with their a=crypto. */
export function offerSdp(streams: readonly SessionStream[], address: string, sessionId: number, version: number, paused: boolean, srtp?: SrtpSetting, layout?: SrcAnswer): string {
  // SRS-initiated with the SRS's offer (`layout`): later offers keep the SRS's m-lines (session-layout.ts).
  return layoutOffer(layout, buildOfferSdp(
    streams.map((s) => {
      const crypto = offeredCrypto(s, srtp);
      return {
        label: s.params.label, port: s.port, ...(s.params.media ? { media: s.params.media } : {}), ...(s.params.codecs ? { codecs: s.params.codecs } : {}),
        ...(crypto ? { crypto } : {}), ...(s.msrp ? { msrp: s.msrp } : {}),
      };
    }),
    { address, sessionId, version, paused },
  ));
}

/** Headers of the SRC's 2xx to an SRS-initiated INVITE (its offer goes in the body). */
export function srsInitiatedHeaders(): [string, string][] {
  return [
    ['Supported', 'siprec'],
    ['Accept', 'application/sdp, application/rs-metadata+xml, application/rs-metadata-request'],
    ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE'],
  ];
}

/**
 * The entry's RFC 4028 session interval (default 1800 s; 0: no session timer) and Min-SE (default
 * 90 s, §5), for the requests we send and the refreshes the SRS sends.
 */
export function entryTimerPolicy(entry: SrsEntrySettings): { sessionExpires: number; minSE: number } {
  return { sessionExpires: entry.sessionExpires ?? 1800, minSE: entry.minSe ?? 90 };
}

/**
 * Headers of every INVITE / re-INVITE of the session. `timer` false leaves RFC 4028 to the API
 * (SRS-initiated sessions: the dialog's session timer was set by the SRS's INVITE).
 */
export function sessionHeaders(entry: SrsEntrySettings, call: CallParams, initial: boolean, timer = true): [string, string][] {
  const h: [string, string][] = [];
  const policy = entryTimerPolicy(entry);
  const se = timer ? policy.sessionExpires : 0;
  if (initial) h.push(['Require', 'siprec']); // RFC 7866 §6.1.1
  h.push(['Supported', se > 0 ? 'siprec, timer' : 'siprec']);
  // RFC 7866 §9: the SRS may send snapshot requests.
  h.push(['Accept', 'application/sdp, application/rs-metadata+xml, application/rs-metadata-request']);
  h.push(['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE']);
  if (se > 0) {
    // RFC 4028 §7.1: we ask to be the refresher.
    h.push(['Session-Expires', `${se};refresher=uac`]);
    h.push(['Min-SE', String(policy.minSE)]);
  }
  if (initial) {
    // NG9-1-1 (seed 000): the emergency ids travel to the SRS in Call-Info.
    if (call.emergencyCallId) h.push(['Call-Info', `<${call.emergencyCallId}>;purpose=emergency-CallId`]);
    if (call.emergencyIncidentId) h.push(['Call-Info', `<${call.emergencyIncidentId}>;purpose=emergency-IncidentId`]);
    for (const x of entry.headers ?? []) h.push([x.name, x.value]);
    for (const x of call.headers ?? []) h.push([x.name, x.value]);
  }
  return h;
}

/** MessageElements for a request carrying SDP and/or metadata. */
export function sessionElements(headers: [string, string][], sdp: string | undefined, metadataXml: string | undefined): MessageElements {
  const me = new MessageElements({ headers });
  if (sdp !== undefined || metadataXml !== undefined) {
    const b = buildRecordingBody(sdp, metadataXml);
    me.setContent(b.body, b.contentType);
    if (metadataXml !== undefined) me.addHeader('MIME-Version', '1.0');
  }
  return me;
}
