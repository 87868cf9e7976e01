/**
 * From the merged RFC 7865 metadata to the index's participant ↔ stream map: a stream's label
 * leads to its stream_id (`<stream><label>`), the participantstreamassoc `send`/`recv` lists lead
 * to the participants (RFC 7865 §6.7, §6.8).
 */
import type { RecordingMetadata } from '../../metadata/index.js';
import { TSIP_EXTENSION_NS } from '../../metadata/index.js';
import type { IndexParticipant, IndexStream } from './index-file.js';

/** Updates `streams` (streamId, senders, receivers) and returns the participants, from `m`. */
export function mapParticipants(m: RecordingMetadata, streams: IndexStream[]): IndexParticipant[] {
  const labelOf = new Map<string, string>();
  for (const s of m.streams) if (s.label !== undefined) labelOf.set(s.streamId, s.label);
  for (const st of streams) {
    // A label reused by several CSs (persistent RS, cs-streams.ts): the stream element of the
    // file's own CS.
    const meta = m.streams.find((s) => s.label === st.label && (st.sessionId === undefined || s.sessionId === st.sessionId));
    if (meta) st.streamId = meta.streamId;
    st.senders = [];
    st.receivers = [];
  }
  return m.participants.map((p): IndexParticipant => {
    const assoc = m.participantStreamAssocs.find((a) => a.participantId === p.participantId);
    const psa = m.participantSessionAssocs.find((a) => a.participantId === p.participantId);
    const sends = (assoc?.send ?? []).map((id) => labelOf.get(id) ?? id);
    const receives = (assoc?.recv ?? []).map((id) => labelOf.get(id) ?? id);
    for (const st of streams) {
      // By stream_id once known (a label may stand for several CSs' streams), else by label.
      const has = (ids: string[], labels: string[]): boolean => (st.streamId !== undefined ? ids.includes(st.streamId) : labels.includes(st.label));
      if (has(assoc?.send ?? [], sends)) st.senders.push(p.participantId);
      if (has(assoc?.recv ?? [], receives)) st.receivers.push(p.participantId);
    }
    const out: IndexParticipant = {
      participantId: p.participantId,
      aors: p.nameIds.map((n) => n.aor),
      names: p.nameIds.flatMap((n) => n.names.map((x) => x.text)),
      sends, receives,
    };
    if (psa !== undefined) out.sessionId = psa.sessionId;
    if (psa?.associateTime !== undefined) out.joinedAt = psa.associateTime;
    const left = psa?.disassociateTime ?? assoc?.disassociateTime;
    if (left !== undefined) out.leftAt = left;
    return out;
  });
}

/** CS Call-IDs carried as tsip extensions under `<session>` (MetadataBuilder writes them). */
export function callIdsOf(m: RecordingMetadata): string[] {
  const out: string[] = [];
  const re = new RegExp(`<callid[^>]*xmlns="${TSIP_EXTENSION_NS.replace(/[.:]/g, '\\$&')}"[^>]*>([^<]*)</callid>`);
  for (const s of m.sessions) {
    for (const x of s.extensions) {
      const hit = re.exec(x);
      if (hit) out.push(hit[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    }
  }
  return out;
}
