/**
 * SIPREC contract, recording server (DESIGN §4): `SrsSettings`, its limits and the payloads of `Srs` events.
 * Types and const objects only; `siprec.ts` re-exports every part.
 */
import type { Clock, Logger, StackLimits, TransportLimits, TransportProtocol } from './settings.js';
import type { RecordedMediaKind } from './siprec-common.js';
import type { AudioTapUnavailableEvent, SrsAudioTap, SrsAudioTapEndedEvent } from './siprec-live-audio.js';
import type { SrsTlsSettings } from './siprec-tls.js';

/**
 * HTTP Digest authentication of SRCs at the SRS (RFC 3261 §22, RFC 7616): every new recording
 * INVITE must carry credentials for this realm, else it gets 401 with the challenge.
 */
export interface SrsAuthSettings {
  /** The realm of the challenges. */
  realm: string;
  /** A user's secret: the password, or H(username:realm:password) as `ha1`; undefined for an unknown user. */
  lookup(username: string, realm: string): { password: string } | { ha1: string } | undefined;
  /** How long a nonce is good for, ms (default 300 000); an older one gets `stale=true`. */
  nonceLifetimeMs?: number;
}

/** Settings of an `Srs`. */
export interface SrsSettings {
  /** Local address (IPv4 or IPv6) for SIP and RTP. */
  host: string;
  /** SIP port (0: any). */
  port: number;
  /** Transports (default udp and tcp, plus tls when `tls` is set). `tls` needs `tls` settings. */
  transports?: TransportProtocol[];
  /**
   * SIP over TLS (RFC 3261 §26, RFC 5630): certificate and key (required), optional CA and
   * `requireClientCertificate`. Requests over TLS are answered with a Contact naming TLS (`sips:`
   * for a `sips:` Request-URI). See {@link SrsTlsSettings}.
   */
  tls?: SrsTlsSettings;
  /** Directory recordings go to (created if missing). */
  dir: string;
  /** Most concurrent recording sessions; beyond it 486 (default 1000). */
  maxSessions?: number;
  /**
   * SRC addresses allowed to record: IPv4/IPv6 addresses or CIDR prefixes (`198.51.100.0/24`,
   * `2001:db8::/32`), matched against the packet's source. Others get 403 (RFC 3261 §21.4.4).
   * Default: any source. A malformed entry makes `new Srs` throw SipError(InvalidArgument).
   */
  allowedSources?: string[];
  /** Digest authentication of SRCs (default none): a new INVITE without valid credentials gets 401. */
  auth?: SrsAuthSettings;
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
   * Time source of every SRS timer (its dialogs' RFC 4028 session timers, `maxRecordingSeconds`,
   * checkpoints, the disk check, shutdown's wait), of the per-stream rate limit windows, of the
   * arrival times the recordings' timelines (jitter, gap fill) are built from, and of the SRS's
   * stack. Default: real time (`Date.now` for timestamps). Tests pass a `FakeClock`.
   */
  clock?: Clock;
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
   * Most recording sessions not yet confirmed at once: new INVITEs being set up plus sessions
   * answered 2xx whose ACK has not come (default 200; 0 = no limit beyond `maxSessions`). Each
   * holds its RTP sockets, its directory and files, its dialog and the INVITE until the ACK, or
   * until Timer H (64*T1, 32 s) when none comes (RFC 3261 §13.3.1.4: then BYE, the recording
   * closed `failed`, `endDetail` `no ACK for the 2xx`). A flood of INVITEs that are never ACKed
   * (a spoofed source never sees the 2xx) is held to this many; past it a new INVITE gets 503
   * Service Unavailable with Retry-After 5 (RFC 3261 §21.5.4) before its body is read,
   * `sessionRejected` `limit: 'maxUnconfirmedSessions'`. An SRC's ACK comes one round trip after
   * the 2xx, so only a burst of set-ups larger than this within a round trip (plus the set-up's
   * fsync) meets it.
   */
  maxUnconfirmedSessions?: number;
  /**
   * Free space the recordings directory must keep, in bytes (default 100 MiB; 0 = off; ignored in
   * `signalingOnly` mode). A new INVITE while less is free gets 503 with Retry-After and a reason
   * saying so. While recording, the free space is checked every `diskCheckIntervalMs`; below the
   * floor every live recording is ended cleanly: files closed, index.json `partial` with
   * `endReason: 'limit'` and the words in `endDetail`, BYE sent, `sessionEnded` with `reason: 'limit'` and `limit:
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
   * ended with BYE; its index.json is `complete` with `endReason: 'limit'` and `endDetail`
   * naming the limit, and
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
  /**
   * Also write one stereo WAV per recording, `stereo.wav` (16-bit, 2 channels, the streams'
   * clock rate), named in index.json under `stereo` (default false). Left is the stream sent by
   * the first participant of the RFC 7865 metadata (the caller, in tsip's SRC), right the
   * stream of the next one; without metadata, the first two G.711 streams in m-line order. Only
   * G.711 (WAV) streams go in; a third is left out. The two channels keep the mono WAVs' timeline.
   */
  stereoWav?: boolean;
  /**
   * Live audio taps (`audioTap` event): most audio buffered per tap for a slow consumer, in ms
   * (default 1000); beyond it frames are dropped and counted. Taps are made only while an
   * `audioTap` listener is attached: nothing is decoded otherwise.
   */
  liveAudioBufferMs?: number;
  /** Write queues of the recording files and the set-up's durability (see {@link SrsStorageSettings}). */
  storage?: SrsStorageSettings;
}

/**
 * How the SRS's recording files are written (`SrsSettings.storage`). Every stream file (WAV,
 * rtpdump, RTT transcript, MSRP message log) is written off the event loop through its own
 * bounded in-memory queue; a disk that cannot keep up fills the queue, and what comes beyond
 * the bound is dropped, never waited for: counted in index.json as the stream's `droppedBytes`
 * (WAV: the range reads back as silence, the timeline is kept) or `droppedRecords` (rtpdump
 * records, MSRP messages). The recording still ends `complete`.
 */
export interface SrsStorageSettings {
  /**
   * Most bytes held in memory per recording file, queued or being written (default 1 MiB =
   * 1048576: 65 s of G.711 audio; an integer >= 1). An empty queue always takes one append, so a
   * single MSRP message larger than the bound is still stored. Memory at the SRS is bounded by
   * about this × the files of the live sessions.
   */
  maxQueuedBytesPerFile?: number;
  /**
   * Bytes of audio gathered before a WAV write starts (default 4096 = 256 ms of 8 kHz mono; an
   * integer >= 0, at most `maxQueuedBytesPerFile`; 0 writes as soon as none is in flight). A
   * killed SRS loses about this much of each WAV's tail. Other files write whenever no write is
   * in flight.
   */
  wavBatchBytes?: number;
  /**
   * What the 200 OK of a set-up waits for (default `fsync`). `fsync`: the new recording is on
   * disk (its directory, metadata and an index naming its files, fsynced: an SRC told it is
   * recorded finds the recording after a power cut). `none`: the same writes are only in the
   * kernel (atomic, safe against a killed SRS, not against a power cut until the next
   * checkpoint's fsync, about a second later at most for a live session's first one); set-ups
   * are answered at the pace of the CPU, not of the disk.
   */
  durability?: 'fsync' | 'none';
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
  /** Set-ups in progress plus sessions answered 2xx and not yet ACKed (503, Retry-After 5). */
  | 'maxUnconfirmedSessions'
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

/** `sessionRequest`: a request in a live session's dialog that the SRS answered on its own. */
export interface SrsSessionRequestEvent extends SrsSessionInfo {
  /** The request's method, as sent (e.g. `INFO`). */
  method: string;
  /** Its header fields, in order (as the API reads them). */
  headers: { name: string; value: string }[];
  /** Its Content-Type, if it had a body. */
  contentType?: string;
  /** Its body (empty when none). */
  body: Buffer;
  /** The status the SRS answered. */
  statusCode: number;
}

/** Event map of `Srs`. */
export interface SrsEvents {
  /** The session is answered; for an offer-less INVITE, once the SRC's answer in the ACK is applied. */
  sessionStarted: (e: SrsSessionInfo) => void;
  sessionUpdated: (e: SrsSessionInfo & { paused: boolean; metadataUpdated: boolean; pauseChanged: boolean }) => void;
  /**
   * A request other than ACK, BYE, re-INVITE and UPDATE came in a live session's dialog (INFO,
   * MESSAGE, OPTIONS, an extension, e.g. sent by `SrcManager.sendRequest`): what it carried and the
   * status the SRS answered (200 for OPTIONS and INFO, 405 otherwise). See {@link SrsSessionRequestEvent}.
   */
  sessionRequest: (e: SrsSessionRequestEvent) => void;
  /**
   * A session ended; its recording is final (files closed, index.json written with the same
   * `endReason` and `endDetail`). Switch on `reason` ({@link SrsEndReason}):
   * - `failed`: the SRS ended a session it could not set up (the ACK of its offer carried no
   *   usable SDP answer, or no ACK came); the index is marked `failed`.
   * - `limit`: the SRS ended a live session on one of its limits (`limit` names it: free disk
   *   space or recording length).
   * - `drain`: the drain timeout passed while the session was live and the SRS ended it with BYE;
   *   its index is `complete`.
   *
   * `endDetail` is for people, never to switch on: the SRS's words when it ended the session
   * (which limit, what failed), or the text of the Reason header (RFC 3326) of the SRC's BYE.
   * `failure` is the same text as `endDetail` when the SRS ended the session itself (kept for
   * existing apps; absent for the SRC's BYE).
   */
  sessionEnded: (e: SrsSessionInfo & { reason: SrsEndReason; endDetail?: string; failure?: string; limit?: SrsLimitName }) => void;
  /**
   * A new INVITE (or a re-INVITE/UPDATE, with `inDialog`) refused: the status sent, its reason
   * phrase, the Retry-After sent if any, and the limit it broke if it was one.
   */
  sessionRejected: (e: { recordingId: string; statusCode: number; reason: string; retryAfter?: number; limit?: SrsLimitName; inDialog?: boolean }) => void;
  /** `drain()` began: new recordings are refused from now on. */
  drainStarted: (e: SrsDrainStartedEvent) => void;
  /** The drain is over: no live recording is left (ended by the SRCs' BYEs, or cut at the timeout). */
  drainEnded: (e: SrsDrainResult) => void;
  /**
   * A recorded G.711 stream started and can be listened to live (see {@link SrsAudioTap}). Only
   * emitted while a listener is attached when the stream opens (no listener: nothing decoded).
   */
  audioTap: (tap: SrsAudioTap) => void;
  /** A tap's stream ended (its `pcm` ended): the final counts. */
  audioTapEnded: (e: SrsAudioTapEndedEvent) => void;
  /** A recorded audio stream has no tap (a codec the tap cannot decode); only while an `audioTap` listener is attached. */
  audioTapUnavailable: (e: AudioTapUnavailableEvent) => void;
}

/**
 * Why an SRS recording ended: a value to switch on, never a message string. It is
 * `sessionEnded.reason`, the keys of `SrsStats.ended`, the `reason` label of the metrics, and
 * `endReason` in each recording's index.json (and the status page's `recordings.json`). The words
 * (which limit, what failed, the SRC's Reason header) are in `endDetail`; `limit` names the limit.
 */
export const SrsEndReason = {
  /** The SRC sent BYE (its Reason header text, if any, is the `endDetail`). */
  Bye: 'bye',
  /** `Srs.shutdown()`: the SRS sent BYE. */
  Shutdown: 'shutdown',
  /**
   * RFC 4028 §10: the SRC asked for a session timer and the session was not refreshed in time
   * (the SRC stopped refreshing, or did not answer the SRS's refresh); the API's session timer
   * sent BYE before the session expired.
   */
  Timeout: 'timeout',
  /**
   * The SRS could not set the session up or keep it (no usable answer in the ACK, no ACK, no
   * media port, a write that failed other than for space, an error); the index is `failed`
   * (or `partial` when something was recorded).
   */
  Failed: 'failed',
  /** One of the SRS's limits (`limit` names it: free disk space, recording length). */
  Limit: 'limit',
  /** The drain timeout passed while the session was live; the SRS sent BYE. */
  Drain: 'drain',
  /**
   * The SRC sent CANCEL before the SRS's 2xx (RFC 3261 §9.2; the API answered 487). Only in
   * index.json: no `sessionEnded` follows, the session never started.
   */
  Canceled: 'canceled',
  /**
   * The process writing the recording died without closing it; `Srs.start()` found and repaired
   * it (index `partial`). Only in index.json, never in `sessionEnded`.
   */
  Crash: 'crash',
} as const;
/** One of the {@link SrsEndReason} values. */
export type SrsEndReason = (typeof SrsEndReason)[keyof typeof SrsEndReason];

/** Options of `Srs.drain()`. */
export interface SrsDrainOptions {
  /**
   * How long live recordings may run on to their BYE, in ms (default 30 000). When it passes the
   * SRS sends BYE to the rest and closes their files (`complete`, `endReason: 'drain'`,
   * `endDetail` "drain timeout (N ms)").
   * 0: cut every live recording at once.
   */
  timeoutMs?: number;
}

/** `drainStarted`. */
export interface SrsDrainStartedEvent {
  /** Recordings live (or being set up) when the drain began. */
  live: number;
  /** The timeout in force, ms. */
  timeoutMs: number;
}

/** What `Srs.drain()` resolves with (and `drainEnded` carries). */
export interface SrsDrainResult {
  /** Recordings live (or being set up) when the drain began. */
  live: number;
  /** Of those, ended by a BYE from their SRC. */
  endedByBye: number;
  /** Cut by the SRS with BYE when the timeout passed. */
  cutAtTimeout: number;
  /** Ended otherwise meanwhile (session timer, a limit, a failure, `shutdown()`). */
  endedOtherwise: number;
  /** True when the timeout passed with recordings still live. */
  timedOut: boolean;
  /** How long the drain took, ms. */
  durationMs: number;
}

/**
 * What keeps an SRS from taking new recordings (`Srs.health()`), in the order they are reported:
 * `draining` (drain() was called or shutdown began), `lowDisk` (free space below
 * `minFreeDiskBytes`, or unknown), `noPorts` (fewer RTP port pairs free than a two-stream
 * recording needs), `overSessions` (at `maxSessions`).
 */
export type SrsHealthProblem = 'draining' | 'lowDisk' | 'noPorts' | 'overSessions';

/** The SRS's health state: `ok`, or its first problem. */
export type SrsHealthState = 'ok' | SrsHealthProblem;

/** `Srs.health()`: whether the SRS takes new recordings now, and if not why. */
export interface SrsHealth {
  /** `ok`, or the first of `problems`. */
  state: SrsHealthState;
  /** True when `state` is `ok` (OPTIONS 200, /healthz 200). */
  healthy: boolean;
  /** Every problem found, with a reason in words (empty when healthy). */
  problems: { state: SrsHealthProblem; reason: string }[];
  /** Seconds after which a retry may succeed (the Retry-After of an OPTIONS 503), when it makes sense. */
  retryAfter?: number;
  /** Sessions live and being set up. */
  sessions: number;
  /** `maxSessions` in force. */
  maxSessions: number;
  /** RTP/RTCP port pairs free. */
  freePortPairs: number;
  /** Free bytes of the recordings directory, when checked (not in signalling-only mode or with `minFreeDiskBytes` 0). */
  freeDiskBytes?: number;
}

/**
 * Counters and gauges of an SRS since it was made (`Srs.stats()`), the source of its Prometheus
 * metrics. Counters only grow; media counters include the sessions still live.
 */
export interface SrsStats {
  /** Sessions live now. */
  liveSessions: number;
  /** INVITEs being set up now. */
  pendingSetups: number;
  /**
   * Sessions not yet confirmed: INVITEs being set up plus sessions answered 2xx whose ACK has not
   * come (what `maxUnconfirmedSessions` limits).
   */
  unconfirmedSessions: number;
  /** `maxSessions` in force. */
  maxSessions: number;
  /** True while draining (or shutting down). */
  draining: boolean;
  /** New recording INVITEs received (started, refused, or failed to set up). */
  setupAttempts: number;
  /** Sessions started (`sessionStarted`). */
  recordingsStarted: number;
  /** Sessions ended with their recording `complete`. */
  recordingsCompleted: number;
  /** Sessions ended `failed` or `partial` (set-up failure, no ACK, a write failure, the disk ran low). */
  recordingsFailed: number;
  /** Sessions ended, by `sessionEnded.reason`. */
  ended: Partial<Record<SrsEndReason, number>>;
  /** New INVITEs refused, by status code (re-INVITEs/UPDATEs not counted). */
  rejected: Record<string, number>;
  /** RTP/RTCP port pairs: how many the range holds and how many are in use. */
  ports: { capacity: number; inUse: number };
  /** Media of every session so far (live ones included). */
  media: SrsMediaCounters;
}

/** Media counters of SRS sessions (see {@link SrsStats.media}). */
export interface SrsMediaCounters {
  /** RTP packets received on the recording ports (before any rate limit or SRTP check). */
  rtpPackets: number;
  /** Bytes of those RTP packets (UDP payload). */
  rtpBytes: number;
  /** RTCP packets received. */
  rtcpPackets: number;
  /** RTP packets never received (sequence gaps), in G.711 streams written as WAV. */
  packetsLost: number;
  /** RTP packets that arrived after their place in the WAV was written. */
  packetsLate: number;
  /** Datagrams received but not stored (rate limit, pre-answer buffer full). */
  packetsDropped: number;
  /** SRTP/SRTCP packets that failed authentication (RFC 3711 §3.3), never stored. */
  srtpAuthFailures: number;
  /** Files created in recording directories (media, transcripts, metadata, index.json). */
  filesWritten: number;
  /** Bytes stored in media files (WAV data, rtpdump packets, transcripts, MSRP bodies) and metadata files. */
  bytesWritten: number;
}
