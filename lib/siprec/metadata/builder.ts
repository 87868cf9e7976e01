/**
 * MetadataBuilder: what an SRC needs to describe one recorded call. It turns a
 * call description into a complete RFC 7865 snapshot with stable ids, and
 * produces partial updates (participant join/leave, hold, stream add, end)
 * while keeping its own complete snapshot current for `requestsnapshot`.
 */
import { buildMetadata } from './build.js';
import { diffMetadata } from './diff.js';
import { newMetadataId } from './ids.js';
import { applyPartialUpdate } from './partial.js';
import type { Participant, ParticipantStreamAssoc, RecordingMetadata, SessionReason } from './types.js';
import { emptyMetadata } from './types.js';
import { escapeText } from './xml-tree.js';

/** Namespace of tsip's own extension elements (the CS Call-ID). */
export const TSIP_EXTENSION_NS = 'urn:x-tsip:siprec:1';

/** A participant of the recorded call. */
export interface CallParticipant {
  /** The caller's own key for this participant (e.g. 'caller'); never sent. */
  key: string;
  /** Address of record (SIP URI). */
  aor: string;
  /** Display name, when known. */
  name?: string;
  /** Language of the display name. */
  lang?: string;
  /** Raw XML extension elements for this participant (vendor data, own namespace). */
  extensions?: string[];
}

/** A recorded stream: one RS m-line. */
export interface CallStream {
  /** The SDP `a=label` of the RS m-line; also the caller's key for it. */
  label: string;
  /** Key of the participant whose media this stream carries. */
  sender?: string;
  /** Keys of participants who receive it; default: everyone else in the call. */
  receivers?: string[];
}

/** The call to describe. */
export interface CallDescription {
  /** CS Call-ID, written as a tsip extension under `<session>` for correlation. */
  callId?: string;
  /** RFC 7989 Session-ID values of the CS. */
  sipSessionIds?: string[];
  /** Put the CS in a group with this id (generated when `true`). */
  group?: boolean | string;
  /** CS start time; default now. */
  startTime?: Date | string;
  /** Participants present at the start. */
  participants: CallParticipant[];
  /** Streams recorded from the start. */
  streams: CallStream[];
  /** Raw XML extension elements for `<session>` (e.g. OpenSIPS-style custom session data). */
  sessionExtensions?: string[];
  /** Raw XML extension elements for `<group>` (only with `group`). */
  groupExtensions?: string[];
}

/** Options of {@link MetadataBuilder}. */
export interface MetadataBuilderOptions {
  /** Clock for associate/disassociate times (default `() => new Date()`). */
  now?: () => Date;
  /** Id generator (default {@link newMetadataId}). */
  newId?: () => string;
}

function iso(t: Date | string): string {
  return typeof t === 'string' ? t : t.toISOString();
}

/** Builds complete and partial metadata for one call, with stable ids. */
export class MetadataBuilder {
  /** The CS's session_id. */
  readonly sessionId: string;
  /** The group_id, when the CS is grouped. */
  readonly groupId: string | undefined;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly participantIds = new Map<string, string>();
  private readonly streamIds = new Map<string, string>();
  private readonly present = new Set<string>();
  private readonly senders = new Map<string, string | undefined>();
  private snapshot: RecordingMetadata;

  /** Describes `call`; its initial snapshot is {@link complete}. */
  constructor(call: CallDescription, opts: MetadataBuilderOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? newMetadataId;
    this.sessionId = this.newId();
    const at = iso(call.startTime ?? this.now());
    const m = emptyMetadata('complete');
    if (call.group !== undefined && call.group !== false) {
      this.groupId = call.group === true ? this.newId() : call.group;
      m.groups.push({ groupId: this.groupId, associateTime: at, extensions: [...(call.groupExtensions ?? [])] });
    }
    m.sessions.push({
      sessionId: this.sessionId,
      sipSessionIds: [...(call.sipSessionIds ?? [])],
      ...(this.groupId !== undefined ? { groupRef: this.groupId } : {}),
      startTime: at,
      reasons: [],
      extensions: [
        ...(call.callId === undefined ? [] : [`<callid xmlns="${TSIP_EXTENSION_NS}">${escapeText(call.callId)}</callid>`]),
        ...(call.sessionExtensions ?? []),
      ],
    });
    m.sessionRecordingAssocs.push({ sessionId: this.sessionId, associateTime: at });
    this.snapshot = m;
    for (const p of call.participants) this.addParticipant(m, p, at);
    for (const s of call.streams) this.addStream(m, s);
  }

  /** Metadata participant_id of a participant key. */
  participantId(key: string): string {
    const id = this.participantIds.get(key);
    if (id === undefined) throw new RangeError(`unknown participant key ${key}`);
    return id;
  }

  /** Metadata stream_id of a stream label. */
  streamId(label: string): string {
    const id = this.streamIds.get(label);
    if (id === undefined) throw new RangeError(`unknown stream label ${label}`);
    return id;
  }

  /** The current complete snapshot (a copy). */
  complete(): RecordingMetadata {
    return structuredClone(this.snapshot);
  }

  /** The current complete snapshot as XML. */
  completeXml(): string {
    return buildMetadata(this.snapshot);
  }

  /**
   * Runs several changes (`participantJoined`, `holdChanged`, ...) and returns
   * ONE partial update equivalent to all of them in order, for a single
   * re-INVITE/UPDATE. (Concatenating the individual updates is not the same:
   * a later hold must be able to take a stream out of a `send` list.)
   */
  batch(changes: (b: this) => void): RecordingMetadata {
    const before = this.complete();
    changes(this);
    return diffMetadata(before, this.snapshot);
  }

  /** A participant joined: partial update with its participant, session and stream associations. */
  participantJoined(p: CallParticipant, at: Date | string = this.now()): RecordingMetadata {
    const u = emptyMetadata('partial');
    this.addParticipant(u, p, iso(at));
    return this.commit(u);
  }

  /** A participant left: partial update with disassociate-time on its associations. */
  participantLeft(key: string, at: Date | string = this.now()): RecordingMetadata {
    const pid = this.participantId(key);
    const t = iso(at);
    this.present.delete(key);
    const u = emptyMetadata('partial');
    u.participantSessionAssocs.push({ participantId: pid, sessionId: this.sessionId, disassociateTime: t, params: [] });
    u.participantStreamAssocs.push({ participantId: pid, send: [], recv: [], disassociateTime: t });
    return this.commit(u);
  }

  /** Hold (`onHold` true: the participant's `send` is omitted, RFC 7865 §6.8) or resume. */
  holdChanged(key: string, onHold: boolean): RecordingMetadata {
    const pid = this.participantId(key);
    const cur = this.pstra(this.snapshot, pid);
    const sends = [...this.streamIds.entries()]
      .filter(([label]) => this.senders.get(label) === key).map(([, id]) => id);
    const u = emptyMetadata('partial');
    u.participantStreamAssocs.push({ participantId: pid, send: onHold ? [] : sends, recv: [...cur.recv] });
    return this.commit(u);
  }

  /** A stream was added to the recording: partial update with the stream and changed associations. */
  streamAdded(s: CallStream): RecordingMetadata {
    const u = emptyMetadata('partial');
    this.addStream(u, s);
    return this.commit(u);
  }

  /** The CS ended: partial update with stop-time, an optional reason, and the RS disassociation. */
  sessionEnded(reason?: SessionReason, at: Date | string = this.now()): RecordingMetadata {
    const t = iso(at);
    const u = emptyMetadata('partial');
    u.sessions.push({ sessionId: this.sessionId, sipSessionIds: [], stopTime: t, reasons: reason ? [reason] : [], extensions: [] });
    u.sessionRecordingAssocs.push({ sessionId: this.sessionId, disassociateTime: t });
    return this.commit(u);
  }

  /**
   * The recording of the CS stops while the CS goes on (e.g. a participant's a=recordpref:off):
   * partial update with the RS disassociation only, no stop-time (RFC 7865 sessionrecordingassoc).
   */
  recordingDisassociated(at: Date | string = this.now()): RecordingMetadata {
    const u = emptyMetadata('partial');
    u.sessionRecordingAssocs.push({ sessionId: this.sessionId, disassociateTime: iso(at) });
    return this.commit(u);
  }

  private commit(u: RecordingMetadata): RecordingMetadata {
    this.snapshot = applyPartialUpdate(this.snapshot, u);
    return u;
  }

  private pstra(m: RecordingMetadata, pid: string): ParticipantStreamAssoc {
    let a = m.participantStreamAssocs.find((x) => x.participantId === pid);
    if (!a) {
      const known = this.snapshot.participantStreamAssocs.find((x) => x.participantId === pid);
      a = known ? { participantId: pid, send: [...known.send], recv: [...known.recv] } : { participantId: pid, send: [], recv: [] };
      m.participantStreamAssocs.push(a);
    }
    return a;
  }

  private addParticipant(m: RecordingMetadata, p: CallParticipant, at: string): void {
    if (this.participantIds.has(p.key)) throw new RangeError(`participant key ${p.key} already used`);
    const pid = this.newId();
    this.participantIds.set(p.key, pid);
    this.present.add(p.key);
    const names = p.name === undefined ? [] : [p.lang === undefined ? { text: p.name } : { text: p.name, lang: p.lang }];
    const participant: Participant = { participantId: pid, nameIds: [{ aor: p.aor, names }], extensions: [...(p.extensions ?? [])] };
    m.participants.push(participant);
    m.participantSessionAssocs.push({ participantId: pid, sessionId: this.sessionId, associateTime: at, params: [] });
    const a = this.pstra(m, pid);
    a.associateTime = at;
    // Receives every stream already recorded that someone else sends.
    for (const [label, sid] of this.streamIds) {
      if (this.senders.get(label) !== p.key && !a.recv.includes(sid)) a.recv.push(sid);
    }
  }

  private addStream(m: RecordingMetadata, s: CallStream): void {
    if (this.streamIds.has(s.label)) throw new RangeError(`stream label ${s.label} already used`);
    const sid = this.newId();
    this.streamIds.set(s.label, sid);
    this.senders.set(s.label, s.sender);
    m.streams.push({ streamId: sid, sessionId: this.sessionId, label: s.label, extensions: [] });
    if (s.sender !== undefined) this.pstra(m, this.participantId(s.sender)).send.push(sid);
    const receivers = s.receivers ?? [...this.present].filter((k) => k !== s.sender);
    for (const k of receivers) this.pstra(m, this.participantId(k)).recv.push(sid);
  }
}
