/**
 * Per-entry controls of `SrcManager` (OpenSIPS siprec's per-SRS start/stop/pause/resume, and
 * beyond): picking the SRS entries a control names, and the list of live recordings.
 */
import type { LiveRecording } from '../../../include-types/siprec.js';
import type { SrcUserAgent } from './src-user-agent.js';

/**
 * The user agents of the entries `names` (in the order given, each once); every one when `names`
 * is undefined.
 * @throws RangeError for an unknown entry name or an empty list
 */
export function entriesNamed(agents: readonly SrcUserAgent[], names: readonly string[] | undefined): SrcUserAgent[] {
  if (names === undefined) return [...agents];
  if (!Array.isArray(names) || names.length === 0) throw new RangeError('srs must name at least one SRS entry');
  const out: SrcUserAgent[] = [];
  for (const n of names) {
    const a = agents.find((x) => x.name === n);
    if (a === undefined) throw new RangeError(`no SRS entry named ${JSON.stringify(n)} (entries: ${agents.map((x) => x.name).join(', ')})`);
    if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** Snapshots of every live recording of every entry (entries in settings order, calls in start order). */
export function liveRecordings(agents: readonly SrcUserAgent[]): LiveRecording[] {
  return agents.flatMap((a) => [...a.recordingSessions()].flatMap((s) => {
    const snap = s.snapshot();
    return snap ? [snap] : [];
  }));
}
