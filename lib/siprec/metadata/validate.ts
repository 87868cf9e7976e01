/** Checks ids and references of a metadata model (RFC 7865 §6). */
import { MetadataError, MetadataErrorCode } from './errors.js';
import type { RecordingMetadata } from './types.js';

/** Options of {@link validateMetadata}. */
export interface ValidateOptions {
  /**
   * Check that every reference names an object of the document. Default:
   * true for complete documents, false for partial ones (which may refer to
   * objects sent earlier).
   */
  checkReferences?: boolean;
}

/** The ids of one kind, for membership tests. */
interface IdSet {
  has(id: string): boolean;
}

/**
 * Checks `ids` are non-empty and distinct; returns them for membership tests. A document has a
 * handful of each kind: below {@link SMALL} ids a linear search of the array, with no Set made
 * and no id hashed (issue 15: each id a fresh string, hashed once per Set it enters or probes).
 */
function unique(kind: string, ids: string[]): IdSet {
  const seen = ids.length < SMALL ? undefined : new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === '') throw new MetadataError(MetadataErrorCode.MissingId, `Metadata ${kind} with empty id`);
    if (seen === undefined ? ids.indexOf(id) < i : seen.has(id)) throw new MetadataError(MetadataErrorCode.DuplicateId, `Duplicate metadata ${kind} id`, id);
    seen?.add(id);
  }
  // a method, not a named arrow (under tsx each named closure costs an Object.defineProperty)
  return seen ?? { has(id: string): boolean { return ids.includes(id); } };
}

/** Below this many ids, {@link unique} searches the array instead of hashing into a Set. */
const SMALL = 9;

function ref(set: IdSet, id: string, from: string, kind: string): void {
  if (!set.has(id)) {
    throw new MetadataError(MetadataErrorCode.DanglingReference, `Metadata ${from} refers to unknown ${kind}`, id);
  }
}

/**
 * Throws {@link MetadataError} (MissingId, DuplicateId, DanglingReference)
 * when the model breaks the id rules.
 */
export function validateMetadata(m: RecordingMetadata, opts: ValidateOptions = {}): void {
  const groups = unique('group', m.groups.map((g) => g.groupId));
  const sessions = unique('session', m.sessions.map((s) => s.sessionId));
  const participants = unique('participant', m.participants.map((p) => p.participantId));
  const streams = unique('stream', m.streams.map((s) => s.streamId));
  unique('sessionrecordingassoc', m.sessionRecordingAssocs.map((a) => a.sessionId));
  for (const a of m.participantSessionAssocs) {
    if (a.participantId === '' || a.sessionId === '') {
      throw new MetadataError(MetadataErrorCode.MissingId, 'Metadata participantsessionassoc with empty id');
    }
  }
  unique('participantsessionassoc', m.participantSessionAssocs.map((a) => `${a.participantId} ${a.sessionId}`));
  unique('participantstreamassoc', m.participantStreamAssocs.map((a) => a.participantId));
  for (const s of m.streams) {
    if (s.sessionId === '') throw new MetadataError(MetadataErrorCode.MissingId, 'Metadata stream without session_id', s.streamId);
  }
  if (!(opts.checkReferences ?? m.dataMode === 'complete')) return;
  // RFC 7865 §6: in a complete snapshot every reference resolves within it.
  for (const s of m.sessions) if (s.groupRef !== undefined) ref(groups, s.groupRef, 'session', 'group');
  for (const s of m.streams) ref(sessions, s.sessionId, 'stream', 'session');
  for (const a of m.sessionRecordingAssocs) ref(sessions, a.sessionId, 'sessionrecordingassoc', 'session');
  for (const a of m.participantSessionAssocs) {
    ref(participants, a.participantId, 'participantsessionassoc', 'participant');
    ref(sessions, a.sessionId, 'participantsessionassoc', 'session');
  }
  for (const a of m.participantStreamAssocs) {
    ref(participants, a.participantId, 'participantstreamassoc', 'participant');
    for (const id of [...a.send, ...a.recv]) ref(streams, id, 'participantstreamassoc', 'stream');
  }
}
