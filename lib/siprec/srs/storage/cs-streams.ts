/**
 * Which communication session (CS) a recorded stream belongs to, for recording sessions that
 * carry several CSs in turn (RFC 7866 §10 persistent recording; RFC 7865 metadata).
 *
 * RFC 7865 ties a `<stream>` element (its `session_id`) to an RS m-line by `<label>`; a
 * persistent RS reuses its m-lines, so the SRC tells a new CS's use of a label by a new stream
 * element with the same label and the new session_id. The SRS reads it so (choices where the RFC
 * is loose):
 * - a CS is associated with the RS while its `sessionrecordingassoc` has no `disassociate-time`
 *   and its `session` no `stop-time` (a CS with no sessionrecordingassoc at all, as many SRCs
 *   send, counts as associated until its stop-time);
 * - a label's owner is the associated CS of the latest stream element with that label (document
 *   order of the merged metadata: a later partial update's elements come after);
 * - storage keeps each CS's media in files of its own (recording-dir.ts): when the owner of a
 *   label changes to another CS, the label's current file is closed and a new one opened for the
 *   new CS; a file that stored nothing yet is simply given to the new CS. index.json names the CS
 *   of every file (`streams[].sessionId`) and lists the CSs with their times (`sessions`).
 */
import type { RecordingMetadata } from '../../metadata/index.js';
import type { IndexSession, IndexStream } from './index-file.js';
import { callIdsOf } from './participants.js';

/** True while the CS `sessionId` is associated with the RS (see the module comment). */
export function csAssociated(m: RecordingMetadata, sessionId: string): boolean {
  const s = m.sessions.find((x) => x.sessionId === sessionId);
  if (s?.stopTime !== undefined) return false;
  const a = m.sessionRecordingAssocs.find((x) => x.sessionId === sessionId);
  return a?.disassociateTime === undefined;
}

/** Label → the session_id of the associated CS that uses it now. */
export function labelOwners(m: RecordingMetadata | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!m) return out;
  for (const s of m.streams) {
    if (s.label !== undefined && csAssociated(m, s.sessionId)) out.set(s.label, s.sessionId);
  }
  return out;
}

/** The CSs of the metadata for index.json, each with its times, participants and stored files. */
export function indexSessions(m: RecordingMetadata, streams: readonly IndexStream[]): IndexSession[] {
  return m.sessions.map((s): IndexSession => {
    const a = m.sessionRecordingAssocs.find((x) => x.sessionId === s.sessionId);
    const files = streams.filter((st) => st.sessionId === s.sessionId).map((st) => st.file);
    const out: IndexSession = {
      sessionId: s.sessionId,
      callIds: callIdsOf({ ...m, sessions: [s] }),
      associated: csAssociated(m, s.sessionId),
      participants: m.participantSessionAssocs.filter((p) => p.sessionId === s.sessionId).map((p) => p.participantId),
      labels: m.streams.filter((x) => x.sessionId === s.sessionId && x.label !== undefined).map((x) => x.label!),
      files,
    };
    if (s.startTime !== undefined) out.startTime = s.startTime;
    if (s.stopTime !== undefined) out.stopTime = s.stopTime;
    if (a?.associateTime !== undefined) out.associatedAt = a.associateTime;
    if (a?.disassociateTime !== undefined) out.disassociatedAt = a.disassociateTime;
    return out;
  });
}
