/**
 * NG9-1-1 log events of a recording client (NENA-STA-010.3 §4.12.3, the Logging Service OpenAPI
 * `loggingservice.yaml`): the common LogEvent members and the five events the SRC logs.
 * Member names follow the YAML exactly (e.g. `callIdSip`, not `callIdSIP`).
 */

/** Members every log event has. */
export interface LogEventCommon {
  /** Discriminator. */
  logEventType: string;
  /** RFC 3339 date-time with offset. */
  timestamp: string;
  /** Element id (FQDN) of the logging element. */
  elementId: string;
  /** Agency id (FQDN). */
  agencyId: string;
  /** NENA call id URN, when known. */
  callId?: string;
  /** NENA incident id URN, when known. */
  incidentId?: string;
  /** SIP Call-ID of the call the event is about. */
  callIdSip?: string;
  /** Peer ip:port, when relevant. */
  ipAddressPort?: string;
  /** Client correlation id. */
  clientAssignedIdentifier?: string;
}

/** RecCallStartLogEvent / RecCallEndLogEvent (CallLogEvent members). */
export interface RecCallLogEvent extends LogEventCommon {
  logEventType: 'RecCallStartLogEvent' | 'RecCallEndLogEvent';
  /** Direction of the recorded call. */
  direction: 'incoming' | 'outgoing';
  /** LogEvent CallTypes registry value, when known. */
  standardPrimaryCallType?: string;
}

/** RecMediaStartLogEvent. */
export interface RecMediaStartLogEvent extends LogEventCommon {
  logEventType: 'RecMediaStartLogEvent';
  /** The media block(s) of the SDP. */
  sdp: string;
  /** SIPREC a=label values. */
  mediaLabel: string[];
  /** Direction. */
  direction?: 'incoming' | 'outgoing';
}

/** RecMediaEndLogEvent. */
export interface RecMediaEndLogEvent extends LogEventCommon {
  logEventType: 'RecMediaEndLogEvent';
  /** SIPREC a=label values. */
  mediaLabel: string[];
}

/** CallSignalingMessageLogEvent: one SIP message sent or received. */
export interface CallSignalingMessageLogEvent extends LogEventCommon {
  logEventType: 'CallSignalingMessageLogEvent';
  /** The whole SIP message. */
  text: string;
  /** incoming = received by the logging element. */
  direction: 'incoming' | 'outgoing';
  /** Signalling protocol. */
  protocol: 'sip';
}

/** Any event this module builds. */
export type SrcLogEvent = RecCallLogEvent | RecMediaStartLogEvent | RecMediaEndLogEvent | CallSignalingMessageLogEvent;

/** RFC 3339 timestamp with a numeric offset (NENA examples use `-05:00`; UTC is `+00:00`). */
export function logTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1+00:00');
}

/** What every event of one call shares. */
export interface CallContext {
  elementId: string;
  agencyId: string;
  callIdSip: string;
  callId?: string;
  incidentId?: string;
  ipAddressPort?: string;
}

function common(type: string, c: CallContext, now: number): LogEventCommon {
  const e: LogEventCommon = { logEventType: type, timestamp: logTimestamp(now), elementId: c.elementId, agencyId: c.agencyId, callIdSip: c.callIdSip };
  if (c.callId !== undefined) e.callId = c.callId;
  if (c.incidentId !== undefined) e.incidentId = c.incidentId;
  if (c.ipAddressPort !== undefined) e.ipAddressPort = c.ipAddressPort;
  return e;
}

/** RecCallStartLogEvent or RecCallEndLogEvent. */
export function recCallEvent(kind: 'start' | 'end', c: CallContext, direction: 'incoming' | 'outgoing', now = Date.now()): RecCallLogEvent {
  return { ...common(kind === 'start' ? 'RecCallStartLogEvent' : 'RecCallEndLogEvent', c, now), direction } as RecCallLogEvent;
}

/** RecMediaStartLogEvent for the given labels and their SDP media block. */
export function recMediaStart(c: CallContext, labels: string[], sdp: string, now = Date.now()): RecMediaStartLogEvent {
  return { ...common('RecMediaStartLogEvent', c, now), sdp, mediaLabel: labels } as RecMediaStartLogEvent;
}

/** RecMediaEndLogEvent. */
export function recMediaEnd(c: CallContext, labels: string[], now = Date.now()): RecMediaEndLogEvent {
  return { ...common('RecMediaEndLogEvent', c, now), mediaLabel: labels } as RecMediaEndLogEvent;
}

/** CallSignalingMessageLogEvent. */
export function signalingEvent(c: CallContext, text: string, direction: 'incoming' | 'outgoing', now = Date.now()): CallSignalingMessageLogEvent {
  return { ...common('CallSignalingMessageLogEvent', c, now), text, direction, protocol: 'sip' } as CallSignalingMessageLogEvent;
}
