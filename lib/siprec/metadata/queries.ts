/**
 * Read-side helpers over a metadata model: which participant sends and who
 * receives the stream behind an SDP label (SIPREC-NOTES §3.3/§3.5: SRSs need
 * caller/callee per m-line without assuming label order).
 */
import { TSIP_EXTENSION_NS } from './builder.js';
import type { Participant, RecordingMetadata, Stream } from './types.js';
import { elementsOf, parseXmlTree, textOf, type XmlElement } from './xml-tree.js';

/** A participant as seen from a stream. */
export interface StreamParty {
  /** participant_id. */
  participantId: string;
  /** First nameID's AOR, or '' when none. */
  aor: string;
  /** First name of the first nameID, when any. */
  name?: string;
}

/** A stream with the parties that send and receive it. */
export interface StreamDescription {
  /** stream_id. */
  streamId: string;
  /** SDP a=label, when given. */
  label?: string;
  /** The CS it belongs to. */
  sessionId: string;
  /** Participants whose participantstreamassoc lists it in `send`. */
  senders: StreamParty[];
  /** Participants whose participantstreamassoc lists it in `recv`. */
  receivers: StreamParty[];
}

function party(p: Participant | undefined, id: string): StreamParty {
  const n = p?.nameIds[0];
  const out: StreamParty = { participantId: id, aor: n?.aor ?? '' };
  const name = n?.names[0]?.text;
  if (name !== undefined) out.name = name;
  return out;
}

/** Every stream with its senders and receivers, in document order. */
export function describeStreams(m: RecordingMetadata): StreamDescription[] {
  const byId = new Map(m.participants.map((p) => [p.participantId, p]));
  return m.streams.map((s) => {
    const d: StreamDescription = { streamId: s.streamId, sessionId: s.sessionId, senders: [], receivers: [] };
    if (s.label !== undefined) d.label = s.label;
    for (const a of m.participantStreamAssocs) {
      if (a.send.includes(s.streamId)) d.senders.push(party(byId.get(a.participantId), a.participantId));
      if (a.recv.includes(s.streamId)) d.receivers.push(party(byId.get(a.participantId), a.participantId));
    }
    return d;
  });
}

/** The stream carried on the RS m-line with `a=label:<label>`, if the metadata names one. */
export function findStreamByLabel(m: RecordingMetadata, label: string): Stream | undefined {
  return m.streams.find((s) => s.label === label);
}

/** The participant that sends the stream with this label (the "speaker" of that m-line), if known. */
export function senderOfLabel(m: RecordingMetadata, label: string): StreamParty | undefined {
  return describeStreams(m).find((d) => d.label === label)?.senders[0];
}

function collectText(el: XmlElement, ns: string, local: string, out: string[]): void {
  if (el.ns === ns && el.local === local) out.push(textOf(el));
  for (const c of elementsOf(el)) collectText(c, ns, local, out);
}

/**
 * Texts of the elements named `{ns}local` inside extension fragments (at any
 * depth), e.g. Acme Packet's UCID:
 * `findExtensionValues(m.extensions, 'http://acmepacket.com/siprec/extensiondata', 'ucid')`.
 * Fragments that do not parse are skipped.
 */
export function findExtensionValues(extensions: readonly string[], ns: string, local: string): string[] {
  const out: string[] = [];
  for (const x of extensions) {
    try {
      collectText(parseXmlTree(x, { maxElements: 10000 }), ns, local, out);
    } catch {
      // not well-formed on its own: nothing to find
    }
  }
  return out;
}

/** The CS Call-IDs that tsip's MetadataBuilder wrote under `<session>` (SIPREC-NOTES §3.6). */
export function callIdsOf(m: RecordingMetadata): string[] {
  return m.sessions.flatMap((s) => findExtensionValues(s.extensions, TSIP_EXTENSION_NS, 'callid'));
}
