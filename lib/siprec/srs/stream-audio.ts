/**
 * What the SRS's live audio (live-audio.ts) needs of the RFC 7865 metadata: who sends a stream,
 * and the order that puts streams on the left and right of the stereo WAV.
 */
import type { AudioTapParticipant } from '../../../include-types/siprec.js';
import type { RecordingMetadata } from '../metadata/index.js';

/**
 * The participant that sends the stream labelled `label` (RFC 7865 §6.7 stream label → stream_id,
 * §6.8 participantstreamassoc `send`), with its first name and AOR; undefined when the metadata
 * does not say.
 */
export function senderOf(m: RecordingMetadata | undefined, label: string): AudioTapParticipant | undefined {
  if (!m) return undefined;
  const streamId = m.streams.find((s) => s.label === label)?.streamId;
  if (streamId === undefined) return undefined;
  const assoc = m.participantStreamAssocs.find((a) => a.send.includes(streamId));
  if (!assoc) return undefined;
  const p = m.participants.find((x) => x.participantId === assoc.participantId);
  const nameId = p?.nameIds[0];
  const name = p?.nameIds.flatMap((n) => n.names.map((x) => x.text))[0];
  return {
    participantId: assoc.participantId,
    ...(name !== undefined ? { name } : {}),
    ...(nameId?.aor !== undefined ? { aor: nameId.aor } : {}),
  };
}

/**
 * Stream labels in the order of their senders in the metadata: the streams the first
 * `<participant>` sends, then the next one's, and so on (each sender's in its `send` order).
 * The stereo WAV puts the first on the left (tsip's SRC lists the caller first).
 */
export function labelsBySender(m: RecordingMetadata | undefined): string[] {
  if (!m) return [];
  const labelOf = new Map<string, string>();
  for (const s of m.streams) if (s.label !== undefined) labelOf.set(s.streamId, s.label);
  const out: string[] = [];
  for (const p of m.participants) {
    for (const a of m.participantStreamAssocs) {
      if (a.participantId !== p.participantId) continue;
      for (const id of a.send) {
        const l = labelOf.get(id);
        if (l !== undefined && !out.includes(l)) out.push(l);
      }
    }
  }
  return out;
}
