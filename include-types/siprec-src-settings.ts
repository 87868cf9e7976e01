/**
 * SIPREC contract, recording client settings (DESIGN §4): SRS entries, media, MSRP, NG9-1-1, `SrcSettings`.
 * Types and const objects only; `siprec.ts` re-exports every part.
 */
import type { HeaderField } from './api.js';
import type { Clock, TransportProtocol } from './settings.js';
import type { CallParams } from './siprec-src-events.js';
import type { SrcTlsSettings } from './siprec-tls.js';
import type { RecordingRequirement } from './siprec-src-controls.js';

/** Digest credentials of an SRS entry (see {@link SrsEntrySettings.credentials}). */
export interface SrsCredentials {
  /** The realm the SRS challenges with. */
  realm: string;
  username: string;
  password: string;
}

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
   * SIP over TLS towards `sips:` SRS URIs and `;transport=tls` ones (RFC 3261 §26, RFC 5630):
   * CA(s) the SRS's certificate must chain to, `verify` (default true), the SRC's client
   * certificate (optional; with it the SRC also listens on TLS). See {@link SrcTlsSettings}.
   */
  tls?: SrcTlsSettings;
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
   * HTTP Digest credentials for SRSs that authenticate SRCs (RFC 3261 §22.2, RFC 7616): a 401/407
   * for the realm is answered by re-sending the request with them. Default none (a challenge
   * fails the attempt like any other 4xx).
   */
  credentials?: SrsCredentials;
  /**
   * On `stopRecording`, send the partial metadata with the CS stop-time before the BYE (RFC 7866
   * §9.1; default true), in an UPDATE when `metadataUpdateMethod` allows it (as other metadata
   * updates), else in a re-INVITE. Shutdown skips it.
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
  /** Longest delay between two retries in ms, however often the doubling went (default 30000). */
  maxRetryDelayMs?: number;
  /** Trust anchors (PEM) for an https `baseUrl` under a private CA; default: Node's bundled CAs. */
  ca?: string | string[];
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
  /** One entry per SRS (each gets its own user agent); each records every call unless `startRecording` names entries. */
  srs: SrsEntrySettings[];
  /** User-Agent header (default tsip-src). */
  userAgent?: string;
  /** SIP timer T1 in ms (default 500); INVITE timeout is 64*T1. */
  t1?: number;
  /**
   * Time source of every SIPREC client timer (session refresh, INVITE timeout, OPTIONS
   * keep-alive, MSRP timeouts, RTCP reports, failover, NG9-1-1 retries) and of the user agents'
   * stacks. Default: real time (a `RealClock`; the stacks keep their own). Tests pass a `FakeClock`.
   */
  clock?: Clock;
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
  /**
   * Live audio taps (`audioTap` event): most audio buffered per tap for a slow consumer, in ms
   * (default 1000); beyond it frames are dropped and counted.
   */
  liveAudioBufferMs?: number;
  /**
   * How many SRS entries must record each call (default 'none'): 'any' or 'all' make the manager
   * report `recordingPolicyBroken` / `recordingPolicySatisfied` (see `RecordingRequirement`);
   * `startRecording`'s `recordingRequired` overrides it per call. The manager reports; what
   * happens to an unrecorded call is the app's choice.
   */
  recordingRequired?: RecordingRequirement;
}
