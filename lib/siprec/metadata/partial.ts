/**
 * applyPartialUpdate: merges a partial metadata document into the complete
 * snapshot it updates (RFC 7865 §5.1/§6.1: a partial document carries only
 * what changed; objects are matched by id, new ones are added, and nothing is
 * removed: leaving is expressed by `disassociate-time`). Extension data is
 * merged element by element (see mergeExtensions).
 */
import { MetadataError, MetadataErrorCode } from './errors.js';
import type {
  AssocParam, NameId, RecordingMetadata, SessionReason,
} from './types.js';
import { validateMetadata } from './validate.js';
import { parseXmlTree } from './xml-tree.js';

function clone<T>(v: T): T {
  return structuredClone(v);
}

function union<T>(base: T[], more: readonly T[], same: (a: T, b: T) => boolean = (a, b) => a === b): T[] {
  const out = [...base];
  for (const x of more) if (!out.some((y) => same(x, y))) out.push(x);
  return out;
}

/** Copies the defined optional fields of `from` onto `to`. */
function overlay<T extends object>(to: T, from: T, keys: readonly (keyof T)[]): void {
  for (const k of keys) if (from[k] !== undefined) to[k] = from[k];
}

/** `{namespace}local` of a fragment's root element, or undefined when it does not parse. */
function rootKey(fragment: string): string | undefined {
  try {
    const el = parseXmlTree(fragment, { maxElements: 10000 });
    return `{${el.ns ?? ''}}${el.local}`;
  } catch {
    return undefined;
  }
}

/**
 * Extension data of an update: an identical fragment is already there; one
 * whose root element (namespace + name) matches an existing fragment replaces
 * it (a vendor updating its value); anything else is added. Each existing
 * fragment is replaced at most once per update, so repeated elements stay.
 */
function mergeExtensions(base: readonly string[], update: readonly string[]): string[] {
  const out = [...base];
  const keys = out.map(rootKey);
  const touched = new Set<number>();
  for (const u of update) {
    const same = out.findIndex((x, i) => x === u && !touched.has(i));
    if (same >= 0) { touched.add(same); continue; }
    const key = rootKey(u);
    const at = key === undefined ? -1 : keys.findIndex((k, i) => k === key && !touched.has(i));
    if (at >= 0) {
      out[at] = u;
      touched.add(at);
    } else {
      touched.add(out.push(u) - 1);
      keys.push(key);
    }
  }
  return out;
}

type Timed = { associateTime?: string; disassociateTime?: string };

/**
 * Overlays association times. A new associate-time later than the old
 * disassociate-time, with no disassociate-time of its own, is a re-join:
 * the old disassociate-time no longer holds.
 */
function times(to: Timed, u: Timed): void {
  if (u.associateTime !== undefined && u.disassociateTime === undefined && to.disassociateTime !== undefined &&
    Date.parse(u.associateTime) > Date.parse(to.disassociateTime)) {
    delete to.disassociateTime;
  }
  overlay(to, u, ['associateTime', 'disassociateTime']);
}

function mergeList<T>(
  base: T[], update: readonly T[], key: (x: T) => string, merge: (into: T, from: T) => void,
): T[] {
  const out = base.map(clone);
  for (const u of update) {
    const hit = out.find((x) => key(x) === key(u));
    if (hit) merge(hit, u);
    else out.push(clone(u));
  }
  return out;
}

const sameReason = (a: SessionReason, b: SessionReason): boolean =>
  a.text === b.text && a.cause === b.cause && a.protocol === b.protocol;

function mergeNameIds(base: NameId[], update: readonly NameId[]): NameId[] {
  const out = base.map(clone);
  for (const u of update) {
    const hit = out.find((n) => n.aor === u.aor);
    if (!hit) out.push(clone(u));
    else if (u.names.length) hit.names = clone(u.names); // a changed display name replaces the old one
  }
  return out;
}

function mergeParams(base: AssocParam[], update: readonly AssocParam[]): AssocParam[] {
  const out = base.map(clone);
  for (const u of update) {
    const hit = out.find((p) => p.name === u.name);
    if (hit) hit.value = u.value;
    else out.push({ ...u });
  }
  return out;
}

/**
 * Returns a new complete model: `base` with `update` merged in. Neither
 * input is modified. A complete `update` replaces the snapshot outright.
 * Throws MetadataError: InvalidMerge when `base` is not complete;
 * DanglingReference when the result refers to objects nobody defined.
 */
export function applyPartialUpdate(base: RecordingMetadata, update: RecordingMetadata): RecordingMetadata {
  if (base.dataMode !== 'complete') {
    throw new MetadataError(MetadataErrorCode.InvalidMerge, 'Partial update needs a complete base snapshot');
  }
  if (update.dataMode === 'complete') {
    const snap = clone(update);
    validateMetadata(snap);
    return snap;
  }
  const ext = (a: string[] | undefined, b: string[] | undefined): string[] => mergeExtensions(a ?? [], b ?? []);
  const r: RecordingMetadata = {
    dataMode: 'complete',
    groups: mergeList(base.groups, update.groups, (g) => g.groupId, (to, u) => {
      times(to, u);
      to.extensions = ext(to.extensions, u.extensions);
    }),
    sessions: mergeList(base.sessions, update.sessions, (s) => s.sessionId, (to, u) => {
      overlay(to, u, ['groupRef', 'startTime', 'stopTime']);
      to.sipSessionIds = union(to.sipSessionIds, u.sipSessionIds);
      to.reasons = union(to.reasons, clone(u.reasons), sameReason);
      to.extensions = ext(to.extensions, u.extensions);
    }),
    participants: mergeList(base.participants, update.participants, (p) => p.participantId, (to, u) => {
      to.nameIds = mergeNameIds(to.nameIds, u.nameIds);
      to.extensions = ext(to.extensions, u.extensions);
    }),
    streams: mergeList(base.streams, update.streams, (s) => s.streamId, (to, u) => {
      overlay(to, u, ['label']);
      if (u.sessionId !== '') to.sessionId = u.sessionId;
      to.extensions = ext(to.extensions, u.extensions);
    }),
    sessionRecordingAssocs: mergeList(base.sessionRecordingAssocs, update.sessionRecordingAssocs, (a) => a.sessionId, (to, u) => {
      times(to, u);
      if (u.extensions?.length) to.extensions = ext(to.extensions, u.extensions);
    }),
    participantSessionAssocs: mergeList(base.participantSessionAssocs, update.participantSessionAssocs,
      (a) => `${a.participantId} ${a.sessionId}`, (to, u) => {
        times(to, u);
        to.params = mergeParams(to.params, u.params);
        if (u.extensions?.length) to.extensions = ext(to.extensions, u.extensions);
      }),
    participantStreamAssocs: mergeList(base.participantStreamAssocs, update.participantStreamAssocs,
      (a) => a.participantId, (to, u) => {
        times(to, u);
        // RFC 7865 §6.8: an updated association lists the current send/recv
        // sets (send omitted while on hold).
        // NOTE (deviation): an update that only carries a disassociate-time
        // keeps the last known sets, so the record shows what was recorded.
        const timesOnly = u.send.length === 0 && u.recv.length === 0 && u.disassociateTime !== undefined;
        if (!timesOnly) {
          to.send = [...u.send];
          to.recv = [...u.recv];
        }
        if (u.extensions?.length) to.extensions = ext(to.extensions, u.extensions);
      }),
    extensions: mergeExtensions(base.extensions, update.extensions),
  };
  validateMetadata(r);
  return r;
}
