/**
 * What the probe sends as an SRC (RFC 7866 §6.1.1, §7.1.1, §9.1): the INVITE headers, a
 * two-stream SDP offer (labels 1 and 2, sendonly, or inactive for a pause), RFC 7865 metadata
 * naming two participants and who sends which stream, partial updates, and a broken document.
 */
import { buildOfferSdp, buildRecordingBody } from '../body/index.js';
import { MessageElements } from '../common/api.js';
import { buildMetadata, MetadataBuilder } from '../metadata/index.js';

/** The option tag sent in Require to see the SRS refuse what it does not know (RFC 3261 §8.2.2.3). */
export const UNKNOWN_OPTION_TAG = 'x-tsip-probe-unknown';

/** Labels of the probe's two streams. */
export const PROBE_LABELS = ['1', '2'] as const;

/** How a probe INVITE is shaped: the full SIPREC form, or with one mark left out on purpose. */
export interface InviteShape {
  /** Require value (default `siprec`); undefined: no Require header. */
  require?: string | undefined;
  /** Put +sip.src on the Contact (default true). */
  srcTag?: boolean;
}

/** One probe recording session's SDP and metadata state. */
export class ProbeSession {
  private version = 1;
  private readonly sessionId = Math.floor(Math.random() * 2 ** 31);
  readonly metadata: MetadataBuilder;

  /**
   * @param address - local media address
   * @param ports - local RTP port per label
   */
  constructor(readonly address: string, readonly ports: readonly number[]) {
    this.metadata = new MetadataBuilder({
      callId: `probe-cs-${this.sessionId}@tsip`,
      participants: [{ key: 'alice', aor: 'sip:alice@probe.invalid', name: 'Alice' }, { key: 'bob', aor: 'sip:bob@probe.invalid', name: 'Bob' }],
      streams: [{ label: PROBE_LABELS[0], sender: 'alice' }, { label: PROBE_LABELS[1], sender: 'bob' }],
    });
  }

  /** The offer; `bump` makes it a new offer (RFC 3264 §8: o= version + 1). */
  sdp(paused: boolean, bump: boolean): string {
    if (bump) this.version++;
    return buildOfferSdp(
      PROBE_LABELS.map((label, i) => ({ label, port: this.ports[i] })),
      { address: this.address, sessionId: this.sessionId, version: this.version, paused },
    );
  }

  /** The complete snapshot (RFC 7865 datamode complete). */
  completeXml(): string {
    return buildMetadata(this.metadata.complete());
  }

  /** A partial update: Bob goes on hold (stops sending, RFC 7865 §6.8). */
  holdXml(onHold: boolean): string {
    return buildMetadata(this.metadata.holdChanged('bob', onHold));
  }

  /** The partial update that ends the CS (stop-time). */
  endedXml(): string {
    return buildMetadata(this.metadata.sessionEnded({ protocol: 'SIP', text: 'probe done' }));
  }
}

/** The complete snapshot cut off half-way, so it is not well-formed XML. */
export function brokenMetadata(complete: string): string {
  const cut = complete.indexOf('<participant ');
  return `${complete.slice(0, cut > 0 ? cut : Math.floor(complete.length / 2))}<participant participant_id="x"><nameID aor=`;
}

/** Headers of the probe's INVITEs (RFC 7866 §6.1.1: Require: siprec; RFC 4028 is left out). */
export function inviteHeaders(shape: InviteShape = {}): [string, string][] {
  const require = 'require' in shape ? shape.require : 'siprec';
  return [
    ...(require !== undefined ? [['Require', require] as [string, string]] : []),
    ['Supported', 'siprec'],
    ['Accept', 'application/sdp, application/rs-metadata+xml, application/rs-metadata-request'],
    ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE'],
  ];
}

/** MessageElements with SDP and/or metadata (multipart/mixed when metadata is there, RFC 7866 §9.1). */
export function bodyElements(headers: [string, string][], sdp: string | undefined, metadataXml: string | undefined): MessageElements {
  const me = new MessageElements({ headers });
  if (sdp === undefined && metadataXml === undefined) return me;
  const b = buildRecordingBody(sdp, metadataXml);
  me.setContent(b.body, b.contentType);
  if (metadataXml !== undefined) me.addHeader('MIME-Version', '1.0');
  return me;
}
