/**
 * diffMetadata: the partial document that takes one complete snapshot to the
 * next (RFC 7865 §6.1: a partial update carries only what changed). Objects
 * new in `next`, or whose content changed, are sent whole; unchanged ones
 * are left out. What a partial update cannot say is not said: objects absent
 * from `next` are not "deleted" (leaving is a disassociate-time), and values
 * dropped from a list (a sipSessionID, a reason, an extension) stay in the
 * merged result.
 */
import { isDeepStrictEqual } from 'node:util';
import type { RecordingMetadata } from './types.js';
import { emptyMetadata } from './types.js';

function changed<T>(prev: readonly T[], next: readonly T[], key: (x: T) => string): T[] {
  const before = new Map(prev.map((x) => [key(x), x]));
  return next.filter((x) => {
    const old = before.get(key(x));
    return old === undefined || !isDeepStrictEqual(old, x);
  }).map((x) => structuredClone(x));
}

/** The partial update from snapshot `prev` to snapshot `next` (both complete). */
export function diffMetadata(prev: RecordingMetadata, next: RecordingMetadata): RecordingMetadata {
  const u = emptyMetadata('partial');
  u.groups = changed(prev.groups, next.groups, (g) => g.groupId);
  u.sessions = changed(prev.sessions, next.sessions, (s) => s.sessionId);
  u.participants = changed(prev.participants, next.participants, (p) => p.participantId);
  u.streams = changed(prev.streams, next.streams, (s) => s.streamId);
  u.sessionRecordingAssocs = changed(prev.sessionRecordingAssocs, next.sessionRecordingAssocs, (a) => a.sessionId);
  u.participantSessionAssocs = changed(prev.participantSessionAssocs, next.participantSessionAssocs, (a) => `${a.participantId} ${a.sessionId}`);
  u.participantStreamAssocs = changed(prev.participantStreamAssocs, next.participantStreamAssocs, (a) => a.participantId);
  u.extensions = next.extensions.filter((e) => !prev.extensions.includes(e));
  return u;
}

/** True when a partial document carries no change at all. */
export function isEmptyUpdate(m: RecordingMetadata): boolean {
  return m.groups.length + m.sessions.length + m.participants.length + m.streams.length +
    m.sessionRecordingAssocs.length + m.participantSessionAssocs.length + m.participantStreamAssocs.length +
    m.extensions.length === 0;
}
