/**
 * Typed model of an RFC 7865 recording metadata document.
 *
 * Times are xs:dateTime strings kept exactly as received (or as built).
 * Extension data (`##other` elements, draft-era `<extensiondata>`, unknown
 * elements) is kept as raw XML fragment strings so it survives parse → build.
 */

/** `complete` = full snapshot; `partial` = only changes since the last snapshot (RFC 7865 §5.1 / §6.1). */
export type DataMode = 'complete' | 'partial';

/** A group of related communication sessions (RFC 7865 §6.2). */
export interface Group {
  /** `group_id` attribute. */
  groupId: string;
  /** `associate-time` text, as received. */
  associateTime?: string;
  /** `disassociate-time` text, as received. */
  disassociateTime?: string;
  /** Raw XML of extension elements under `<group>`. */
  extensions: string[];
}

/** A `<reason>` on a session (RFC 7865 §6.3), e.g. why it ended. */
export interface SessionReason {
  /** `protocol` attribute, e.g. `SIP`. */
  protocol?: string;
  /** `cause` attribute, e.g. `200`. */
  cause?: string;
  /** Element text. */
  text: string;
}

/** A recorded communication session, CS (RFC 7865 §6.3). */
export interface Session {
  /** `session_id` attribute. */
  sessionId: string;
  /** `sipSessionID` values (RFC 7989 Session-ID of the CS). */
  sipSessionIds: string[];
  /** `group-ref`: the group this CS belongs to. */
  groupRef?: string;
  /** `start-time` text. */
  startTime?: string;
  /** `stop-time` text. */
  stopTime?: string;
  /** `reason` children. */
  reasons: SessionReason[];
  /** Raw XML of extension elements under `<session>`. */
  extensions: string[];
}

/** A display name in a given language (`<name xml:lang>`). */
export interface ParticipantName {
  /** The name text. */
  text: string;
  /** `xml:lang`, when given. */
  lang?: string;
}

/** A `<nameID>`: an address of record and its names (RFC 7865 §6.5). */
export interface NameId {
  /** `aor` attribute (a URI). */
  aor: string;
  /** `<name>` children. */
  names: ParticipantName[];
  /** Raw XML of unknown elements under `<nameID>` (rare; kept where found). */
  extensions?: string[];
}

/** A participant of one or more CSs (RFC 7865 §6.5). */
export interface Participant {
  /** `participant_id` attribute. */
  participantId: string;
  /** `nameID` children. */
  nameIds: NameId[];
  /** Raw XML of extension elements under `<participant>`. */
  extensions: string[];
}

/** A media stream of the recording session (RFC 7865 §6.7). */
export interface Stream {
  /** `stream_id` attribute. */
  streamId: string;
  /** `session_id` attribute: the CS this stream belongs to. */
  sessionId: string;
  /** `<label>`: the SDP `a=label` of the RS m-line carrying this stream. */
  label?: string;
  /** Raw XML of extension elements under `<stream>`. */
  extensions: string[];
}

/** Association of a CS with the RS (RFC 7865 §6.4). */
export interface SessionRecordingAssoc {
  /** `session_id` attribute. */
  sessionId: string;
  /** `associate-time` text. */
  associateTime?: string;
  /** `disassociate-time` text: the CS left the RS. */
  disassociateTime?: string;
  /** Raw XML of extension elements, when any. */
  extensions?: string[];
}

/** A `<param pname pval>` of a participant-session association (RFC 7865 §6.6.1). */
export interface AssocParam {
  /** `pname` attribute. */
  name: string;
  /** `pval` attribute. */
  value: string;
}

/** A participant's membership of a CS, with join/leave times (RFC 7865 §6.6). */
export interface ParticipantSessionAssoc {
  /** `participant_id` attribute. */
  participantId: string;
  /** `session_id` attribute. */
  sessionId: string;
  /** `associate-time` text: when the participant joined. */
  associateTime?: string;
  /** `disassociate-time` text: when the participant left. */
  disassociateTime?: string;
  /** `param` children. */
  params: AssocParam[];
  /** Raw XML of extension elements, when any. */
  extensions?: string[];
}

/** Which streams a participant sends and receives (RFC 7865 §6.8). */
export interface ParticipantStreamAssoc {
  /** `participant_id` attribute. */
  participantId: string;
  /** stream_ids the participant sends (omitted while on hold). */
  send: string[];
  /** stream_ids the participant receives. */
  recv: string[];
  /** `associate-time` text. */
  associateTime?: string;
  /** `disassociate-time` text. */
  disassociateTime?: string;
  /** Raw XML of extension elements, when any. */
  extensions?: string[];
}

/** A whole `<recording>` document (RFC 7865 §6.1). */
export interface RecordingMetadata {
  /** `<datamode>`; `complete` when absent. */
  dataMode: DataMode;
  /** `<group>` objects. */
  groups: Group[];
  /** `<session>` objects. */
  sessions: Session[];
  /** `<participant>` objects. */
  participants: Participant[];
  /** `<stream>` objects. */
  streams: Stream[];
  /** `<sessionrecordingassoc>` objects. */
  sessionRecordingAssocs: SessionRecordingAssoc[];
  /** `<participantsessionassoc>` objects. */
  participantSessionAssocs: ParticipantSessionAssoc[];
  /** `<participantstreamassoc>` objects. */
  participantStreamAssocs: ParticipantStreamAssoc[];
  /** Raw XML of extension elements directly under `<recording>`. */
  extensions: string[];
}

/** An empty model of the given data mode, handy as a starting point. */
export function emptyMetadata(dataMode: DataMode = 'complete'): RecordingMetadata {
  return {
    dataMode,
    groups: [],
    sessions: [],
    participants: [],
    streams: [],
    sessionRecordingAssocs: [],
    participantSessionAssocs: [],
    participantStreamAssocs: [],
    extensions: [],
  };
}
