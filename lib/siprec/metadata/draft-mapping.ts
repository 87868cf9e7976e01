/**
 * Maps draft-era metadata forms (pre-RFC 7865, still sent by Oracle/Acme
 * Packet, AudioCodes and others) onto the RFC model, where unambiguous.
 */
import { MetadataError, MetadataErrorCode } from './errors.js';
import type { RecordingMetadata, SessionRecordingAssoc } from './types.js';

/** What a draft-era `<participant>` carried beyond its names. */
export interface DraftParticipant {
  /** The participant. */
  participantId: string;
  /** `session=` attribute. */
  sessionId?: string;
  /** `<send>` children (stream ids). */
  send: string[];
  /** `<recv>` children (stream ids). */
  recv: string[];
  /** `<associate-time>` under the participant. */
  associateTime?: string;
  /** `<disassociate-time>` under the participant. */
  disassociateTime?: string;
}

/**
 * Folds draft participants and session times into RFC associations, and
 * gives streams without `session_id` the document's only session.
 * RFC-form associations already present win over draft ones.
 */
export function applyDraftMappings(
  m: RecordingMetadata,
  drafts: DraftParticipant[],
  draftSra: SessionRecordingAssoc[],
  warn: (message: string) => void,
): void {
  const onlySession = m.sessions.length === 1 ? m.sessions[0].sessionId : undefined;
  for (const s of m.streams) {
    if (s.sessionId !== '') continue;
    if (onlySession === undefined) {
      throw new MetadataError(MetadataErrorCode.MissingId, 'Metadata stream without session_id', s.streamId);
    }
    warn(`stream ${s.streamId} without session_id given session ${onlySession}`);
    s.sessionId = onlySession;
  }
  for (const a of draftSra) {
    if (!m.sessionRecordingAssocs.some((x) => x.sessionId === a.sessionId)) m.sessionRecordingAssocs.push(a);
  }
  const streamIds = new Set(m.streams.map((s) => s.streamId));
  const complete = m.dataMode === 'complete';
  for (const d of drafts) {
    const sessionId = d.sessionId ?? onlySession;
    if (sessionId !== undefined && !m.participantSessionAssocs.some((a) => a.participantId === d.participantId && a.sessionId === sessionId)) {
      const psa: RecordingMetadata['participantSessionAssocs'][number] = { participantId: d.participantId, sessionId, params: [] };
      if (d.associateTime !== undefined) psa.associateTime = d.associateTime;
      if (d.disassociateTime !== undefined) psa.disassociateTime = d.disassociateTime;
      m.participantSessionAssocs.push(psa);
      warn(`participant ${d.participantId}: draft session membership mapped to participantsessionassoc`);
    }
    const resolve = (id: string): string | undefined => {
      // NOTE (deviation): draft documents put session ids, labels or free
      // text in <send>/<recv>; values naming a known stream are kept, a
      // value naming exactly one stream's label maps to that stream, the
      // rest is dropped.
      if (!complete || streamIds.has(id)) return id;
      const byLabel = m.streams.filter((s) => s.label === id);
      if (byLabel.length === 1) {
        warn(`participant ${d.participantId}: <send>/<recv> '${id}' read as the label of stream ${byLabel[0].streamId}`);
        return byLabel[0].streamId;
      }
      warn(`participant ${d.participantId}: <send>/<recv> '${id}' names no stream; dropped`);
      return undefined;
    };
    const send = d.send.map(resolve).filter((x): x is string => x !== undefined);
    const recv = d.recv.map(resolve).filter((x): x is string => x !== undefined);
    if (send.length === 0 && recv.length === 0) continue;
    let assoc = m.participantStreamAssocs.find((a) => a.participantId === d.participantId);
    if (!assoc) {
      assoc = { participantId: d.participantId, send: [], recv: [] };
      m.participantStreamAssocs.push(assoc);
      warn(`participant ${d.participantId}: draft <send>/<recv> mapped to participantstreamassoc`);
    }
    for (const id of send) if (!assoc.send.includes(id)) assoc.send.push(id);
    for (const id of recv) if (!assoc.recv.includes(id)) assoc.recv.push(id);
  }
}
