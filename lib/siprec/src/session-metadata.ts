/**
 * The metadata of one recorded call: a MetadataBuilder (stable ids, partial updates) plus the
 * entry's vendor extensions as OpenSIPS's `$siprec` takes them (group and session custom
 * extensions, per-participant XML), added to every complete snapshot.
 */
import type { CallParams, RecordingChanges, SrcMetadataExtensions } from '../../../include-types/siprec.js';
import { buildMetadata, MetadataBuilder, type RecordingMetadata } from '../metadata/index.js';

/**
 * What a recording session asks of its metadata: {@link SessionMetadata} for one call, or the
 * persistent RS's (persistent-metadata.ts, RFC 7866 §10) over the calls attached in turn.
 */
export interface SessionMetadataLike {
  /** RFC 7866 §9.1: the complete snapshot (initial INVITE, failover, snapshot requests). */
  completeXml(): string;
  /** A partial update for `changes`; throws RangeError on unknown keys. */
  changesXml(changes: RecordingChanges): string;
  /** The update that ends what the RS records, before its BYE (undefined: nothing to send). */
  endedXml(reason: string): string | undefined;
  /** The RS disassociation alone, the CSs going on (undefined: nothing to send). */
  disassociatedXml(): string | undefined;
  /**
   * The RFC 7865 session_id the recording's events report: the CS's; for a persistent RS the
   * call attached most recently ('' before the first).
   */
  readonly eventSessionId: string;
}

/** Metadata state of one recording. */
export class SessionMetadata implements SessionMetadataLike {
  private readonly builder: MetadataBuilder;

  constructor(call: CallParams, private readonly ext: SrcMetadataExtensions = {}) {
    this.builder = new MetadataBuilder({
      callId: call.callId,
      ...(call.sipSessionIds ? { sipSessionIds: call.sipSessionIds } : {}),
      ...(ext.group !== undefined ? { group: ext.group } : {}),
      participants: call.participants.map((p) => ({ key: p.key, aor: p.aor, ...(p.name !== undefined ? { name: p.name } : {}) })),
      streams: call.streams.map((s) => ({ label: s.label, ...(s.sender !== undefined ? { sender: s.sender } : {}), ...(s.receivers ? { receivers: s.receivers } : {}) })),
    });
  }

  /** The CS session_id. */
  get eventSessionId(): string {
    return this.builder.sessionId;
  }

  get sessionId(): string {
    return this.builder.sessionId;
  }

  /** RFC 7866 §9.1: the complete snapshot (initial INVITE, failover, snapshot requests). */
  completeXml(): string {
    // Without extensions the snapshot is written as it is: completeModel's deep copy (for the
    // extensions it appends) cost a structuredClone per set-up (issue 15).
    const e = this.ext;
    if (!e.groupExtension && !e.sessionExtension && Object.keys(e.participantExtensions ?? {}).length === 0) return this.builder.completeXml();
    return buildMetadata(this.completeModel());
  }

  /** The complete snapshot as a model, the entry's extensions added. */
  completeModel(): RecordingMetadata {
    const m = this.builder.complete();
    if (this.ext.groupExtension && m.groups[0]) m.groups[0].extensions.push(this.ext.groupExtension);
    if (this.ext.sessionExtension && m.sessions[0]) m.sessions[0].extensions.push(this.ext.sessionExtension);
    for (const [key, xml] of Object.entries(this.ext.participantExtensions ?? {})) {
      try {
        const id = this.builder.participantId(key);
        m.participants.find((p) => p.participantId === id)?.extensions.push(xml);
      } catch {
        // no such participant: nothing to extend
      }
    }
    return m;
  }

  /** A partial update for `changes` (RFC 7865 §6.1 datamode partial); throws RangeError on unknown keys. */
  changesXml(changes: RecordingChanges): string {
    const parts: RecordingMetadata[] = [];
    for (const p of changes.participantsJoined ?? []) parts.push(this.builder.participantJoined({ key: p.key, aor: p.aor, ...(p.name !== undefined ? { name: p.name } : {}) }));
    for (const s of changes.streamsAdded ?? []) parts.push(this.builder.streamAdded({ label: s.label, ...(s.sender !== undefined ? { sender: s.sender } : {}), ...(s.receivers ? { receivers: s.receivers } : {}) }));
    for (const h of changes.hold ?? []) parts.push(this.builder.holdChanged(h.key, h.onHold));
    for (const k of changes.participantsLeft ?? []) parts.push(this.builder.participantLeft(k));
    return buildMetadata(merge(parts));
  }

  /** The partial update that ends the CS (stop-time, reason). */
  endedXml(reason: string): string {
    return buildMetadata(this.builder.sessionEnded({ protocol: 'SIP', text: reason }));
  }

  /** The recording stops, the CS goes on: the RS disassociation alone. */
  disassociatedXml(): string {
    return buildMetadata(this.builder.recordingDisassociated());
  }
}

/** Several documents as one (`dataMode` partial unless told): elements concatenated, a participant's stream lists joined. */
export function merge(parts: RecordingMetadata[], dataMode: RecordingMetadata['dataMode'] = 'partial'): RecordingMetadata {
  const out: RecordingMetadata = {
    dataMode, groups: [], sessions: [], participants: [], streams: [], sessionRecordingAssocs: [],
    participantSessionAssocs: [], participantStreamAssocs: [], extensions: [],
  };
  for (const p of parts) {
    out.groups.push(...p.groups);
    out.sessions.push(...p.sessions);
    out.participants.push(...p.participants);
    out.streams.push(...p.streams);
    out.sessionRecordingAssocs.push(...p.sessionRecordingAssocs);
    out.participantSessionAssocs.push(...p.participantSessionAssocs);
    for (const a of p.participantStreamAssocs) {
      const have = out.participantStreamAssocs.find((x) => x.participantId === a.participantId);
      if (!have) out.participantStreamAssocs.push(structuredClone(a));
      else {
        for (const s of a.send) if (!have.send.includes(s)) have.send.push(s);
        for (const r of a.recv) if (!have.recv.includes(r)) have.recv.push(r);
        if (a.associateTime !== undefined) have.associateTime = a.associateTime;
        if (a.disassociateTime !== undefined) have.disassociateTime = a.disassociateTime;
      }
    }
  }
  return out;
}
