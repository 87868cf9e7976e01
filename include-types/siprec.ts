/**
 * The SIPREC contract (DESIGN §4): settings of the recording client (`SrcManager`) and of the
 * recording server (`Srs`), the call description the app hands over, and the payloads of their
 * events. Types and const objects only.
 */
import type { HeaderField } from './api.js';
import type { Logger, StackLimits, TransportLimits, TransportProtocol } from './settings.js';

/** Why a recording ended or could not start: a value to switch on, never a message string. */
export const RecordingEndReason = {
  /** The app called `stopRecording`. */
  Stopped: 'Stopped',
  /** The app called `shutdown`. */
  Shutdown: 'Shutdown',
  /** The SRS sent BYE. */
  RemoteBye: 'RemoteBye',
  /** The SRS answered with a final response matched by `skipFailoverCodes` (no failover). */
  Rejected: 'Rejected',
  /** Every SRS URI of the entry was tried and none recorded. */
  AllSrsFailed: 'AllSrsFailed',
  /** The SRS accepted the session but no recorded stream (all port 0). */
  NoStreamsAccepted: 'NoStreamsAccepted',
  /** RFC 4028: a session refresh failed or the session timer expired. */
  SessionRefreshFailed: 'SessionRefreshFailed',
  /** The SIP connection of the SRC user agent went down. */
  ConnectionLost: 'ConnectionLost',
  /** A local error (ports, bad call parameters). */
  LocalError: 'LocalError',
  /**
   * A participant asked for no recording (`a=recordpref:off`, RFC 7866 §7.1.3, given to
   * `SrcManager` as `recordingPreference`) and `honourRecordingPreference` is on.
   */
  PreferenceOff: 'PreferenceOff',
} as const;
/** One of the {@link RecordingEndReason} values. */
export type RecordingEndReason = (typeof RecordingEndReason)[keyof typeof RecordingEndReason];

/** Why one SRS URI was given up during failover. */
export const SrsAttemptOutcome = {
  /** A final non-2xx response. */
  Response: 'Response',
  /** Timer B: no final response in time. */
  Timeout: 'Timeout',
  /** Connection refused, ICMP unreachable, resolution failure. */
  TransportError: 'TransportError',
  /** Marked down by the OPTIONS keep-alive, not tried. */
  Down: 'Down',
  /** Recorded (2xx). */
  Accepted: 'Accepted',
} as const;
/** One of the {@link SrsAttemptOutcome} values. */
export type SrsAttemptOutcome = (typeof SrsAttemptOutcome)[keyof typeof SrsAttemptOutcome];

/** Media kinds a recorded stream may carry (RFC 7866 §8: audio, video, RTT, MSRP). */
export type RecordedMediaKind = 'audio' | 'video' | 'text' | 'message';

/** A payload format offered for a recorded stream (an SDP rtpmap). */
export interface RecordedCodec {
  /** RTP payload type. */
  payloadType: number;
  /** Encoding name, e.g. PCMU. */
  name: string;
  /** Clock rate, e.g. 8000. */
  clockRate: number;
}

/** SDP media settings of one SRS entry. */
export interface SrcMediaSettings {
  /** Local address RTP is sent from (default: the entry's `localAddress`). */
  address?: string;
  /** Lowest local RTP port (default 30000). */
  portMin?: number;
  /** Highest local RTP/RTCP port (default 39999). */
  portMax?: number;
  /**
   * RTCP towards the SRS (RFC 7866 §8.1.1). 'relay' (default): the call's RTCP the app feeds with
   * `CallRecording.forwardRtcp` is relayed with SSRCs and timestamps rewritten like the RTP, and a
   * stream with none fed for three intervals gets the SRC's own SR + SDES; 'own' (or true): the
   * SRC's own reports only; false: no periodic RTCP (the BYE at the end still goes).
   */
  rtcp?: boolean | 'own' | 'relay';
  /** RTCP report interval in ms (default 5000). */
  rtcpIntervalMs?: number;
  /** Codecs offered when a stream names none (default PCMU and PCMA). */
  codecs?: RecordedCodec[];
  /**
   * SRTP towards the SRS (RFC 7866 §12; RFC 3711, SDES keys RFC 4568): a suite offers every RTP
   * stream as RTP/SAVP with an `a=crypto` of that suite and a fresh key; once the SRS's answer
   * takes it (RTP/SAVP, an `a=crypto` with the same tag and suite and the SRS's own key) RTP and
   * RTCP to the SRS are protected with the offered key (RFC 4568 §6.1: each side sends with the
   * key of its own SDP). An answer without a matching `a=crypto` (or plain RTP/AVP) refuses that
   * stream: it is not forked. Default false: plain RTP.
   */
  srtp?: false | 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';
  /** MSRP (RFC 4975) message streams (`media: 'message'`): see {@link SrcMsrpSettings}. */
  msrp?: SrcMsrpSettings;
}

/**
 * How the SRC relays a call's MSRP messages (RFC 4975) to the SRS. The SRC offers
 * `a=setup:active` and connects to the SRS's answered `a=path`; see `CallRecording.forwardMessage`.
 */
export interface SrcMsrpSettings {
  /** MIME types offered in `a=accept-types` (RFC 4975 §8.6; default `['*']`, anything). */
  acceptTypes?: string[];
  /**
   * Body bytes per SEND chunk (default 2048: RFC 4975 §7.1 wants chunks larger than 2048 octets
   * to be interruptible, and the SRC never interrupts one).
   */
  chunkSize?: number;
  /** Messages waiting per stream and SRS at most; one more is dropped (`messageDropped`, default 256). */
  maxQueueMessages?: number;
  /** Body bytes waiting per stream and SRS at most (default 4 MiB). */
  maxQueueBytes?: number;
  /** Wait for the response to each SEND before the stream fails, ms (default 30000). */
  transactionTimeoutMs?: number;
  /** Wait for the TCP connection to the SRS, ms (default 10000). */
  connectTimeoutMs?: number;
  /** On stop, how long the queue may take to drain before the rest is given up, ms (default 5000). */
  closeTimeoutMs?: number;
}

/** One message of a recorded MSRP stream, as the app feeds it (`CallRecording.forwardMessage`). */
export interface RecordedMessage {
  /** MIME type of the body, e.g. `text/plain;charset=UTF-8` or `message/cpim`. */
  contentType: string;
  /** The body (a string is sent as UTF-8). */
  body: Buffer | string;
  /**
   * Who sent it in the call (a URI or name-addr). With `from` or `to` the message goes wrapped
   * in `message/cpim` (RFC 3862: From, To, DateTime, then the message); without, as is.
   */
  from?: string;
  /** Who it was sent to in the call. */
  to?: string;
}

/** Metadata extensions as OpenSIPS's `$siprec` takes them: raw XML blocks. */
export interface SrcMetadataExtensions {
  /** Put the CS in a group with this id (`$siprec(group)`). */
  group?: string;
  /** XML appended under `<group>` (`group_custom_extension`); ignored without a group. */
  groupExtension?: string;
  /** XML appended under `<session>` (`session_custom_extension`). */
  sessionExtension?: string;
  /** XML appended under a participant, by participant key (`$siprec(caller)` / `callee`). */
  participantExtensions?: Record<string, string>;
}

/** One SRS entry: its own user agent, connection and local endpoint (seed 000's SrcUserAgent). */
export interface SrsEntrySettings {
  /** Name of the entry; the user agent's IAP id. */
  name: string;
  /** SRS URIs tried in order until one records (OpenSIPS failover). */
  srsUris: string[];
  /** Local IPv4 or IPv6 address of the user agent. */
  localAddress: string;
  /** Local SIP port (default 0: any). */
  localPort?: number;
  /** Transport the user agent listens and sends on (default udp). */
  transport?: TransportProtocol;
  /**
   * Final responses that stop the failover and leave the call unrecorded: a regular expression
   * matched against the whole code (OpenSIPS `skip_failover_codes`, e.g. "408|487", "[34][0-9][0-9]"),
   * or a list of codes. Default: none, every negative outcome fails over.
   */
  skipFailoverCodes?: string | number[];
  /** OPTIONS keep-alive interval to each SRS URI in seconds; 0 = off (default 0). */
  optionsIntervalSeconds?: number;
  /** RFC 4028 Session-Expires in seconds (default 1800; 0 = no session timer). */
  sessionExpires?: number;
  /** RFC 4028 Min-SE in seconds (default 90). */
  minSe?: number;
  /** How long to wait for a final answer to the INVITE before failing over, ms (default 64*T1). */
  inviteTimeoutMs?: number;
  /**
   * Largest request sent over UDP, in bytes (default 1300). RFC 3261 §18.1.1 sends bigger ones
   * (a SIPREC INVITE with metadata usually is) over TCP; raise it to 65000 for an SRS that only
   * listens on UDP.
   */
  maxUdpRequestSize?: number;
  /**
   * On `stopRecording`, send the partial metadata with the CS stop-time in a re-INVITE before the
   * BYE (RFC 7866 §9.1; default true). Shutdown skips it.
   */
  stopMetadata?: boolean;
  /** Media settings. */
  media?: SrcMediaSettings;
  /** Headers added to every recording-session INVITE (OpenSIPS `$siprec(headers)`, X-*). */
  headers?: HeaderField[];
  /** Metadata extensions. */
  metadataExtensions?: SrcMetadataExtensions;
  /** From URI of the RS dialog (default sip:src@localAddress). */
  fromUri?: string;
  /** To URI of the RS dialog (default: the SRS URI). */
  toUri?: string;
}

/** Settings of a log event server (NENA-STA-010.3 Logging Service). */
export interface LogEventServerSettings {
  /** Name used in events and reports. */
  name: string;
  /** Base URL; events are POSTed to `{baseUrl}/LogEvents`. */
  baseUrl: string;
  /** Retries per event before it is dropped (default 5). */
  maxRetries?: number;
  /** First retry delay in ms, doubled each time (default 500). */
  retryDelayMs?: number;
  /** Most events queued; older ones are dropped beyond it (default 1000). */
  maxQueue?: number;
}

/** How log events are signed (JWS, RFC 7515). */
export interface LogEventSigning {
  /** ES256 (P-256) or RS256. */
  alg: 'ES256' | 'RS256';
  /** PEM private key. */
  privateKeyPem: string;
  /** PEM certificate chain (x5c), optional. */
  certificatePem?: string[];
  /** Key id, optional. */
  kid?: string;
}

/** NG9-1-1 logging of the recording client. */
export interface Ng911Settings {
  /** elementId of the SRC (an FQDN). */
  elementId: string;
  /** agencyId (an FQDN). */
  agencyId: string;
  /** Servers every event goes to. */
  servers: LogEventServerSettings[];
  /** Signing key. */
  signing: LogEventSigning;
  /** Log every SIP message of the recording sessions (CallSignalingMessageLogEvent; default true). */
  logSignaling?: boolean;
}

/**
 * An SRS-initiated recording request (RFC 7866 §6.2: an INVITE from the SRS with `Require:
 * siprec` and `+sip.srs` on its Contact, without an SDP offer) as the SRC's policy sees it.
 */
export interface SrsInitiatedRequest {
  /** The SRS entry (user agent) it arrived at. */
  srsName: string;
  /** Its Request-URI (the SRS may name the call in the user part). */
  requestUri: string;
  /** From (the SRS). */
  from: string;
  /** To. */
  to: string;
  /** The SRS's Contact. */
  contact: string | undefined;
  /** Its Call-ID: the recording session id should it be accepted. */
  recordingId: string;
  /** First value of a header of the INVITE (e.g. one naming the call). */
  header(name: string): string | undefined;
  /** Body type, when the INVITE carries one (metadata, say). */
  contentType: string | undefined;
  /** Body, when the INVITE carries one. */
  body: Buffer | undefined;
  /** Call-IDs of the calls the manager records now. */
  calls: readonly string[];
}

/**
 * The recording indication for the recorded call's participants (RFC 7866 §7.1.2, SDP
 * `a=record`, §11.5.1): 'on' while recorded, 'paused' while every recording of it is paused,
 * 'off' otherwise.
 */
export type RecordingIndication = 'on' | 'off' | 'paused';

/**
 * A recording-aware participant's preference (RFC 7866 §7.1.3, SDP `a=recordpref`, §11.5.2).
 * A preference, not a command: the SRC SHOULD take it into account.
 */
export type RecordingPreference = 'on' | 'off' | 'pause' | 'nopreference';

/** Settings of an `SrcManager`. */
export interface SrcSettings {
  /** One entry per SRS (each gets its own user agent); all record every call. */
  srs: SrsEntrySettings[];
  /** User-Agent header (default tsip-src). */
  userAgent?: string;
  /** SIP timer T1 in ms (default 500); INVITE timeout is 64*T1. */
  t1?: number;
  /** NG9-1-1 log events; none when absent. */
  ng911?: Ng911Settings;
  /**
   * Which call an SRS-initiated recording session is for (RFC 7866 §6.2): the Call-ID of a call
   * the manager records now (recorded by this entry too), or the `CallParams` of another call (now
   * recorded by this entry), or undefined to refuse (404). The SRC offers in its 2xx and takes the
   * SRS's answer from the ACK. Default: none, every INVITE to the SRC is refused with 488.
   */
  acceptSrsInitiated?: (request: SrsInitiatedRequest) => CallParams | string | undefined;
  /**
   * How a metadata update that needs no SDP change goes (participants joined or left, hold, the
   * stop-time before BYE, a snapshot the SRS asked for): 'update' by UPDATE (RFC 3311), 'reinvite'
   * by re-INVITE, 'auto' (default) by UPDATE when the SRS listed UPDATE in the Allow of its 2xx
   * (or of its INVITE, SRS-initiated), else re-INVITE. An UPDATE answered 405/501 is sent again as
   * a re-INVITE. Stream changes and pause/resume always go by re-INVITE.
   */
  metadataUpdateMethod?: 'reinvite' | 'update' | 'auto';
  /**
   * Whether a call's `recordingPreference` (RFC 7866 §7.1.3: what a recording-aware participant
   * sent in `a=recordpref`) changes what is recorded. Default true: 'off' keeps a recording from
   * starting (or stops it, reason `PreferenceOff`), 'pause' pauses it, 'on' and 'nopreference'
   * start or resume what a preference held back (never a pause the app asked for). False: the
   * preference is kept and reported (`recordingPreferenceApplied`, action 'ignored') but changes
   * nothing.
   */
  honourRecordingPreference?: boolean;
}

/** A participant of the recorded call. */
export interface CallParticipantParams {
  /** The app's key for the participant (e.g. 'caller'); never sent. */
  key: string;
  /** Address of record. */
  aor: string;
  /** Display name. */
  name?: string;
}

/** A recorded stream: one RS m-line. */
export interface RecordedStreamParams {
  /** The RS `a=label` (RFC 4574); stable for the life of the recording. */
  label: string;
  /**
   * Media kind (default audio). `'message'` is an MSRP stream (RFC 4975): the app feeds its
   * messages with `CallRecording.forwardMessage`, not RTP (see {@link SrcMsrpSettings}).
   */
  media?: RecordedMediaKind;
  /** Key of the participant whose media the stream carries. */
  sender?: string;
  /** Keys of the participants who receive it (default: everyone else). */
  receivers?: string[];
  /** Codecs offered (default: the entry's media codecs). */
  codecs?: RecordedCodec[];
}

/** What the app knows about the call to record (seed 000's SrcCallParameters). */
export interface CallParams {
  /** SIP Call-ID of the recorded call (CS); the key of every later call. */
  callId: string;
  /** Participants at the start. */
  participants: CallParticipantParams[];
  /** Streams to record. */
  streams: RecordedStreamParams[];
  /** RFC 7989 Session-ID values of the CS. */
  sipSessionIds?: string[];
  /** NG9-1-1 call id URN (`urn:emergency:uid:callid:...`), copied to Call-Info. */
  emergencyCallId?: string;
  /** NG9-1-1 incident id URN. */
  emergencyIncidentId?: string;
  /** Direction of the CS for log events (default incoming). */
  direction?: 'incoming' | 'outgoing';
  /** Extra headers for this call's INVITEs. */
  headers?: HeaderField[];
  /**
   * The participants' recording preference at the start (RFC 7866 §7.1.3; from the CS SDP's
   * `a=recordpref`, e.g. with `callRecordingPreference`); later ones go to
   * `SrcManager.setRecordingPreference`. Applied per `SrcSettings.honourRecordingPreference`.
   */
  recordingPreference?: RecordingPreference;
}

/** Changes to a recorded call, sent to the SRS as a partial metadata update. */
export interface RecordingChanges {
  /** Participants who joined. */
  participantsJoined?: CallParticipantParams[];
  /** Keys of participants who left. */
  participantsLeft?: string[];
  /** Streams added (a new m-line each; re-INVITE). */
  streamsAdded?: RecordedStreamParams[];
  /** Participants put on hold or taken off hold. */
  hold?: { key: string; onHold: boolean }[];
}

/** Fields every recording event carries. */
export interface RecordingEventBase {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The RS's own Call-ID (recording session id). */
  recordingId: string;
  /** The SRS entry name. */
  srsName: string;
  /** The SRS URI that handles (or last handled) the recording. */
  srs: string;
}

/** A recorded stream as the SRS accepted it. */
export interface RecordedStreamInfo {
  /** Its label. */
  label: string;
  /** False when the SRS rejected it (port 0) or left it out. */
  accepted: boolean;
  /** Where RTP goes, when accepted. */
  remote?: { address: string; port: number };
}

/** One SRS URI tried for a recording. */
export interface SrsAttempt {
  /** The URI. */
  srs: string;
  /** How it ended. */
  outcome: SrsAttemptOutcome;
  /** The final response code, when there was one. */
  statusCode?: number;
}

/** `recordingStarted`. */
export interface RecordingStartedEvent extends RecordingEventBase {
  /** Streams as answered. */
  streams: RecordedStreamInfo[];
  /** URIs tried before this one succeeded, with the outcome of each. */
  attempts: SrsAttempt[];
  /** True when the SRS asked for this recording session (RFC 7866 §6.2; `acceptSrsInitiated`). */
  srsInitiated?: boolean;
}

/** `recordingFailed`: no SRS of an entry records the call. */
export interface RecordingFailedEvent extends RecordingEventBase {
  /** Why. */
  reason: RecordingEndReason;
  /** The last final response code, if any. */
  statusCode?: number;
  /** Every URI tried. */
  attempts: SrsAttempt[];
}

/** `recordingPaused` / `recordingResumed`. */
export type RecordingPausedEvent = RecordingEventBase;

/** `recordingStopped`. */
export interface RecordingStoppedEvent extends RecordingEventBase {
  /** Why. */
  reason: RecordingEndReason;
  /** Status of the BYE response, when the SRC sent BYE. */
  byeStatusCode?: number;
  /** RTP packets forwarded per label. */
  packetsSent: Record<string, number>;
  /** MSRP streams: counters per label (only when the recording has message streams). */
  messages?: Record<string, MessageStreamStats>;
}

/** `streamFailed`: one recorded stream stopped carrying media (the recording goes on without it). */
export interface StreamFailedEvent extends RecordingEventBase {
  /** The stream's label. */
  label: string;
  /**
   * MSRP: `connect` (no TCP connection to the answered a=path), `response` (an MSRP error
   * response), `timeout` (no response to a SEND in time), `closed` (the SRS closed the
   * connection), `protocol` (not MSRP), `setup` (an a=setup in the answer the SRC cannot honour).
   */
  reason: 'connect' | 'response' | 'timeout' | 'closed' | 'protocol' | 'setup';
  /** The MSRP status, for `response`. */
  statusCode?: number;
  /** Words. */
  message: string;
}

/** `messageDropped`: a message fed with `forwardMessage` will not reach one SRS. */
export interface MessageDroppedEvent extends RecordingEventBase {
  /** The stream's label. */
  label: string;
  /**
   * `queueFull` (over `maxQueueMessages`/`maxQueueBytes`), `rejected` (the SRS answered 413 or
   * 415), `closed` (still queued when the recording stopped), `failed` (queued when the stream failed).
   */
  reason: 'queueFull' | 'rejected' | 'closed' | 'failed';
  /** Body bytes of the message. */
  bytes: number;
  /** The MSRP status, for `rejected`. */
  statusCode?: number;
}

/** Per MSRP stream counters in `recordingStopped`. */
export interface MessageStreamStats {
  /** Messages sent whole. */
  sent: number;
  /** SEND chunks answered 200. */
  chunks: number;
  /** Body bytes sent. */
  bytes: number;
  /** Messages fed while paused (not sent). */
  notSentPaused: number;
  /** Messages dropped (see `messageDropped`). */
  dropped: number;
  /** Messages ended with '#' at stop (the queue did not drain in time). */
  aborted: number;
}

/** `srsStateChanged`: OPTIONS keep-alive saw an SRS go down or come back. */
export interface SrsStateChangedEvent {
  /** The SRS entry name. */
  srsName: string;
  /** The SRS URI. */
  srs: string;
  /** True when reachable. */
  up: boolean;
  /** The OPTIONS response code, when one came. */
  statusCode?: number;
}

/** `logEvent`: an NG9-1-1 log event was produced (and queued for the log servers). */
export interface LogEventEmitted {
  /** The log event type, e.g. RecCallStartLogEvent. */
  logEventType: string;
  /** The event as JSON. */
  event: Readonly<Record<string, unknown>>;
  /** The recorded call's Call-ID, when call related. */
  callId?: string;
}

/**
 * `recordingIndicationChanged`: the call's recording indication changed (RFC 7866 §7.1.2). An app
 * puts it in the CS SDP as `a=record` towards recording-aware participants (and tells the others
 * some other way). It follows what the SRSs confirmed: 'on' once any entry records, 'paused' once
 * every recording entry has paused, 'off' once none records.
 */
export interface RecordingIndicationChangedEvent {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The new indication. */
  indication: RecordingIndication;
}

/**
 * `recordingPreferenceApplied`: what a call's recording preference did (RFC 7866 §7.1.3):
 * 'withheld' (not started), 'stopped', 'paused', 'resumed', 'started', 'none' (nothing to change),
 * or 'ignored' (`honourRecordingPreference` false).
 */
export interface RecordingPreferenceAppliedEvent {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The preference. */
  preference: RecordingPreference;
  /** What it did. */
  action: 'withheld' | 'stopped' | 'paused' | 'resumed' | 'started' | 'none' | 'ignored';
}

/** Event map of `SrcManager`. */
export interface SrcManagerEvents {
  recordingStarted: (e: RecordingStartedEvent) => void;
  recordingFailed: (e: RecordingFailedEvent) => void;
  recordingPaused: (e: RecordingPausedEvent) => void;
  recordingResumed: (e: RecordingPausedEvent) => void;
  recordingStopped: (e: RecordingStoppedEvent) => void;
  srsStateChanged: (e: SrsStateChangedEvent) => void;
  logEvent: (e: LogEventEmitted) => void;
  /** The call's recording indication (`a=record` value) changed; see {@link RecordingIndicationChangedEvent}. */
  recordingIndicationChanged: (e: RecordingIndicationChangedEvent) => void;
  /** A recording preference was applied; see {@link RecordingPreferenceAppliedEvent}. */
  recordingPreferenceApplied: (e: RecordingPreferenceAppliedEvent) => void;
  /** A recorded stream failed (MSRP connection or response); the recording goes on. See {@link StreamFailedEvent}. */
  streamFailed: (e: StreamFailedEvent) => void;
  /** A message fed with `forwardMessage` will not reach an SRS. See {@link MessageDroppedEvent}. */
  messageDropped: (e: MessageDroppedEvent) => void;
}

/** Settings of an `Srs`. */
export interface SrsSettings {
  /** Local address (IPv4 or IPv6) for SIP and RTP. */
  host: string;
  /** SIP port (0: any). */
  port: number;
  /** Transports (default udp and tcp). */
  transports?: TransportProtocol[];
  /** Directory recordings go to (created if missing). */
  dir: string;
  /** Most concurrent recording sessions; beyond it 486 (default 1000). */
  maxSessions?: number;
  /** Lowest RTP port (default 40000). */
  rtpPortMin?: number;
  /** Highest RTP/RTCP port (default 49999); exhaustion answers 503. */
  rtpPortMax?: number;
  /**
   * Encoding names accepted for audio; others get port 0, and 488 when no offered stream is left.
   * PCMU/PCMA among them are decoded to WAV, any other name (G722, opus ...) is stored as an
   * rtpdump. Default: PCMU and PCMA to WAV, plus every other audio codec `rawCodecs` allows as
   * rtpdump. The G.711 ones are also what the SRS offers for an offer-less INVITE.
   */
  codecs?: string[];
  /**
   * Media kinds recorded (default all four): `audio` (G.711 → WAV, other codecs → rtpdump),
   * `video` (rtpdump), `text` (RFC 4103 RTT: rtpdump + UTF-8 transcript), `message` (RFC 4975 MSRP
   * over TCP: message log). A kind left out is refused with port 0. `mediaKinds: ['audio']` with
   * `codecs: ['PCMU', 'PCMA']` is the G.711-only SRS of before.
   */
  mediaKinds?: RecordedMediaKind[];
  /**
   * Encoding names (case-insensitive; '*' = any) of RTP streams stored raw as rtpdump: video, text
   * without t140, and non-G.711 audio when `codecs` is not set. Default: any. `[]` stores no raw stream.
   */
  rawCodecs?: string[];
  /**
   * SRTP recording media (RFC 7866 §12, RFC 3711 with SDES keys, RFC 4568): `'accept'` (default)
   * records RTP/SAVP(F) streams that carry a usable `a=crypto` (AES_CM_128_HMAC_SHA1_80/_32),
   * answers RTP/SAVP with a key of its own and decrypts before storing (packets failing
   * authentication or replayed are counted in index.json, never stored); `'refuse'` answers port 0
   * to every SRTP stream; `'require'` also refuses plain RTP streams (488 when none is left).
   * SRTP without SDES keys (DTLS-SRTP) is always refused with port 0.
   */
  srtp?: 'refuse' | 'accept' | 'require';
  /**
   * Audio streams the SRS offers for an offer-less INVITE whose metadata names no stream
   * (RFC 7866 §7.1.2; default 2). With metadata streams, one per stream, labelled as in it.
   */
  offerlessStreams?: number;
  /** Refuse INVITEs without metadata (default false: metadata may come later, RFC 7866 §9.1). */
  requireMetadata?: boolean;
  /** Do not receive media or write files (signalling-only load testing; default false). */
  signalingOnly?: boolean;
  /** User-Agent / Server header (default tsip-srs). */
  userAgent?: string;
  /** SIP timer T1 in ms (default 500); Timers H/L keep answered INVITE transactions 64*T1. */
  t1?: number;
  /**
   * Limits of the SRS's SIP transports, merged over the SRS's defaults (`maxConnections` 20000;
   * the rest the transport's: `maxMessageSize` 65535, `maxBufferedBytesPerConnection` =
   * `maxMessageSize`, `idleConnectionTimeout` 120 s). A request over `maxMessageSize` whose
   * headers can be read gets a stateless 513 Message Too Large from the stack (RFC 3261
   * §21.5.14; over TCP its body is skipped up to `maxDiscardBytes`, else the connection is closed
   * after the 513); it is counted in the stack's `transport.tooLarge` and never reaches the SRS. It also caps the metadata: a part
   * can be no larger than the message carrying it.
   */
  transportLimits?: Partial<TransportLimits>;
  /**
   * Transaction and dialog limits of the SRS's stack, merged over the SRS's defaults
   * (`maxServerTransactions`, `maxClientTransactions`, `maxDialogs`: 50000 each). Past
   * `maxServerTransactions` the stack answers 503 itself; a new INVITE past `maxDialogs` gets 503
   * with Retry-After from the SRS (`sessionRejected` `limit: 'maxDialogs'`).
   */
  limits?: Partial<StackLimits>;
  /** Where the SRS's stack logs what it drops or refuses (e.g. an oversized message); default silent. */
  logger?: Logger;
  /**
   * Largest metadata part (RFC 7865 XML, or an rs-metadata-request) in bytes (default 1 MiB;
   * 0 = no limit beyond `transportLimits.maxMessageSize`). A larger one in a new INVITE gets 413
   * Request Entity Too Large (RFC 3261 §21.4.11); in a re-INVITE or UPDATE of a live session it
   * gets 413 and the recording goes on unchanged (RFC 3261 §14.2).
   */
  maxMetadataBytes?: number;
  /**
   * Most new recording sessions accepted per second (a token bucket holding one second's worth;
   * default 0 = unlimited). A new INVITE beyond it gets 503 Service Unavailable with Retry-After
   * (RFC 3261 §21.5.4) before its body is read. Re-INVITEs and UPDATEs are not counted.
   */
  maxSetupsPerSecond?: number;
  /**
   * Free space the recordings directory must keep, in bytes (default 100 MiB; 0 = off; ignored in
   * `signalingOnly` mode). A new INVITE while less is free gets 503 with Retry-After and a reason
   * saying so. While recording, the free space is checked every `diskCheckIntervalMs`; below the
   * floor every live recording is ended cleanly: files closed, index.json `partial` with the
   * reason in `endReason`, BYE sent, `sessionEnded` with `reason: 'limit'` and `limit:
   * 'minFreeDiskBytes'`. A write that fails anyway (ENOSPC) ends its recording the same way.
   */
  minFreeDiskBytes?: number;
  /** How often the free space is checked while sessions are live, in ms (default 5000). */
  diskCheckIntervalMs?: number;
  /**
   * Free-space probe of `dir` (default `fs.promises.statfs`); replaceable for tests or for a
   * filesystem statfs does not describe. Free bytes are `bavail * bsize`. A probe that throws
   * refuses new sessions with 503 (free space unknown) and leaves live ones recording.
   */
  statfs?: StatfsLike;
  /**
   * Longest recording session in seconds (default 0 = no limit). A session that reaches it is
   * ended with BYE; its index.json is `complete` with `endReason` naming the limit, and
   * `sessionEnded` has `reason: 'limit'`, `limit: 'maxRecordingSeconds'`.
   */
  maxRecordingSeconds?: number;
  /**
   * Most datagrams (RTP and RTCP together) accepted per second on one recorded stream (a token
   * bucket holding one second's worth; default 5000, which high-bitrate video stays under; 0 = no limit). Datagrams beyond it are
   * dropped, never queued, and counted in the stream's `droppedPackets` in index.json (with the
   * datagrams dropped because the pre-ACK buffer was full).
   */
  maxRtpPacketsPerSecondPerStream?: number;
}

/** What {@link SrsSettings.statfs} returns (a subset of node's `StatsFs`). */
export interface StatfsResult {
  /** Blocks free for an unprivileged user. */
  bavail: number | bigint;
  /** Block size in bytes. */
  bsize: number | bigint;
}

/** A free-space probe (node's `fs.promises.statfs` fits). */
export type StatfsLike = (path: string) => Promise<StatfsResult>;

/** The SRS limit a refusal or an ended session is due to (the `SrsSettings` name). */
export type SrsLimitName =
  | 'maxSessions' | 'maxMetadataBytes' | 'maxSetupsPerSecond' | 'minFreeDiskBytes' | 'maxRecordingSeconds' | 'rtpPorts'
  /** The stack's `limits.maxDialogs` (503, Retry-After 5). */
  | 'maxDialogs';

/** A recording session as the SRS sees it. */
export interface SrsSessionInfo {
  /** RS Call-ID. */
  recordingId: string;
  /** Directory of the recording. */
  dir: string;
  /** Labels of the recorded streams. */
  labels: string[];
}

/** Event map of `Srs`. */
export interface SrsEvents {
  /** The session is answered; for an offer-less INVITE, once the SRC's answer in the ACK is applied. */
  sessionStarted: (e: SrsSessionInfo) => void;
  sessionUpdated: (e: SrsSessionInfo & { paused: boolean; metadataUpdated: boolean; pauseChanged: boolean }) => void;
  /**
   * `failed`: the SRS ended a session it could not set up (the ACK of its offer carried no usable
   * SDP answer, or no ACK came); `failure` says why, and the index is marked `failed`.
   */
  /**
   * `limit`: the SRS ended a live session on one of its limits (`limit` names it: free disk space
   * or recording length); `failure` says why in words.
   */
  sessionEnded: (e: SrsSessionInfo & { reason: 'bye' | 'shutdown' | 'timeout' | 'failed' | 'limit'; failure?: string; limit?: SrsLimitName }) => void;
  /**
   * A new INVITE (or a re-INVITE/UPDATE, with `inDialog`) refused: the status sent, its reason
   * phrase, the Retry-After sent if any, and the limit it broke if it was one.
   */
  sessionRejected: (e: { recordingId: string; statusCode: number; reason: string; retryAfter?: number; limit?: SrsLimitName; inDialog?: boolean }) => void;
}
