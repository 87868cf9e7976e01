/**
 * `probe src`: the metadata the SRC sent over the session (RFC 7865), read as the SRS would:
 * a document that parses and keeps the id rules (§6), a `<stream>` for every labelled m-line
 * (RFC 7866 §7.1.1: the label is what ties the SDP to the metadata), participants that send or
 * receive streams the document names (§6.8), and the CS stop-time before the BYE (§6.3).
 */
import { applyPartialUpdate, MetadataError, parseMetadata, type RecordingMetadata } from '../metadata/index.js';
import type { ProbeResults } from './results.js';

/** The metadata state of one probed session. */
export class SrcMetadataTrack {
  snapshot: RecordingMetadata | undefined;
  /** Documents received and refused by the parser, with the reason. */
  readonly errors: string[] = [];
  /** Draft-era forms the parser tolerated. */
  readonly warnings: string[] = [];
  /** Documents received. */
  documents = 0;
  /** A stop-time (or the RS disassociation) had arrived when the BYE came. */
  stopBeforeBye: boolean | undefined;

  /** Takes one document (initial, or an update). */
  add(raw: Buffer): void {
    this.documents++;
    try {
      const m = parseMetadata(raw, { onWarning: (w) => this.warnings.push(w) });
      this.snapshot = this.snapshot === undefined || m.dataMode === 'complete' ? m : applyPartialUpdate(this.snapshot, m);
    } catch (e) {
      this.errors.push(e instanceof MetadataError ? e.reason : String(e));
    }
  }

  /** True once the CS is said to have ended (session stop-time, or the RS disassociated). */
  get stopped(): boolean {
    const m = this.snapshot;
    if (!m) return false;
    return m.sessions.some((s) => s.stopTime !== undefined) || m.sessionRecordingAssocs.some((a) => a.disassociateTime !== undefined);
  }
}

/** The checks on the session's metadata as a whole; `labels`: every labelled m-line offered. */
export function checkSrcMetadata(r: ProbeResults, track: SrcMetadataTrack, labels: readonly string[]): void {
  const m = track.snapshot;
  if (track.documents === 0) {
    r.fail('src-metadata-valid', 'RFC 7866 §9.1', 'no metadata during the whole session');
    for (const id of ['src-metadata-streams', 'src-metadata-participants']) r.skip(id, 'RFC 7865 §6', 'no metadata');
    return;
  }
  if (track.errors.length > 0 || !m) {
    r.fail('src-metadata-valid', 'RFC 7865 §6', `metadata refused by the parser: ${track.errors[0] ?? 'no complete snapshot'}`);
  } else if (track.warnings.length > 0) {
    r.warn('src-metadata-valid', 'RFC 7865 §6', `metadata read with tolerance: ${track.warnings[0]}${track.warnings.length > 1 ? ` (+${track.warnings.length - 1} more)` : ''}`);
  } else {
    r.pass('src-metadata-valid', 'RFC 7865 §6', `${track.documents} document(s), ids and references consistent`);
  }
  if (!m) {
    for (const id of ['src-metadata-streams', 'src-metadata-participants']) r.skip(id, 'RFC 7865 §6', 'no usable metadata');
    return;
  }
  const named = new Set(m.streams.map((s) => s.label).filter((l): l is string => l !== undefined));
  const missing = labels.filter((l) => !named.has(l));
  const extra = [...named].filter((l) => !labels.includes(l));
  if (missing.length > 0) r.fail('src-metadata-streams', 'RFC 7866 §7.1.1, RFC 7865 §6.7', `SDP label(s) ${missing.join(', ')} named by no metadata <stream>`);
  else if (extra.length > 0) r.warn('src-metadata-streams', 'RFC 7865 §6.7', `metadata <stream> label(s) ${extra.join(', ')} match no m-line`);
  else r.pass('src-metadata-streams', 'RFC 7866 §7.1.1, RFC 7865 §6.7', `every SDP label (${labels.join(', ')}) has its <stream>`);
  checkParticipants(r, m);
}

function checkParticipants(r: ProbeResults, m: RecordingMetadata): void {
  const rfc = 'RFC 7865 §6.8';
  const streamIds = new Set(m.streams.map((s) => s.streamId));
  const participantIds = new Set(m.participants.map((p) => p.participantId));
  const dangling: string[] = [];
  for (const a of m.participantStreamAssocs) {
    if (!participantIds.has(a.participantId)) dangling.push(`participant ${a.participantId}`);
    for (const s of [...a.send, ...a.recv]) if (!streamIds.has(s)) dangling.push(`stream ${s}`);
  }
  if (dangling.length > 0) return r.fail('src-metadata-participants', rfc, `participantstreamassoc names unknown ${[...new Set(dangling)].join(', ')}`);
  if (m.participants.length === 0) return r.warn('src-metadata-participants', 'RFC 7865 §6.5', 'no participant: nobody is named on the recording');
  const unsent = m.streams.filter((s) => !m.participantStreamAssocs.some((a) => a.send.includes(s.streamId))).map((s) => s.label ?? s.streamId);
  const idle = m.participants.filter((p) => !m.participantStreamAssocs.some((a) => a.participantId === p.participantId && (a.send.length + a.recv.length) > 0));
  if (unsent.length > 0) return r.warn('src-metadata-participants', rfc, `stream(s) ${unsent.join(', ')} sent by no participant: who speaks there is unknown`);
  if (idle.length > 0) return r.warn('src-metadata-participants', rfc, `${idle.length} participant(s) send and receive no stream`);
  r.pass('src-metadata-participants', rfc, `${m.participants.length} participant(s), each stream sent by a named participant`);
}
