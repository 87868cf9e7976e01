/**
 * Is a verified payload a LogEvent the service takes (loggingservice.yaml `LogEvent` and its
 * subtypes)? The common required members, a known and accepted `logEventType`, the members the
 * type requires (for the types listed below), RFC 3339 timestamps, and the extension lists.
 * A refusal is 460 Bad LogEvent, or 462/463 for an extension.
 */
import { LogEventRejectCode } from '../../../include-types/ng911-logging.js';
import { LogEventRejection } from './log-event-jws.js';

/** Every `LogEventType` of loggingservice.yaml. */
export const LOG_EVENT_TYPES: readonly string[] = [
  'CallProcessLogEvent', 'CallStartLogEvent', 'CallEndLogEvent', 'RecCallStartLogEvent', 'RecCallEndLogEvent', 'CallTransferLogEvent',
  'RouteLogEvent', 'MediaStartLogEvent', 'MediaEndLogEvent', 'RecMediaStartLogEvent', 'RecMediaEndLogEvent', 'RecordingFailedLogEvent',
  'MessageLogEvent', 'AdditionalAgencyLogEvent', 'IncidentMergeLogEvent', 'IncidentUnMergeLogEvent', 'IncidentLinkLogEvent',
  'IncidentUnLinkLogEvent', 'IncidentClearLogEvent', 'IncidentReopenLogEvent', 'LostQueryLogEvent', 'LostResponseLogEvent',
  'CallSignalingMessageLogEvent', 'SipRecMetadataLogEvent', 'NonRtpMediaMessageLogEvent', 'AliLocationQueryLogEvent',
  'AliLocationResponseLogEvent', 'MalformedMessageLogEvent', 'IncidentSplitLogEvent', 'DiscrepancyReportLogEvent',
  'ElementStateChangeLogEvent', 'ServiceStateChangeLogEvent', 'AdditionalDataQueryLogEvent', 'AdditionalDataResponseLogEvent',
  'LocationQueryLogEvent', 'LocationResponseLogEvent', 'CallStateChangeLogEvent', 'GatewayCallLogEvent', 'HookflashLogEvent',
  'LegacyDigitsLogEvent', 'AgentStateChangeLogEvent', 'QueueStateChangeLogEvent', 'KeepAliveFailureLogEvent', 'RouteRuleMsgLogEvent',
  'PolicyChangeLogEvent', 'VersionsLogEvent', 'SubscribeLogEvent', 'EidoLogEvent', 'EidoDereferenceFactoryQueryLogEvent',
  'EidoDereferenceFactoryQueryResponse', 'SubscriptionRequestedLogEvent', 'SubscriptionRequestedResponseLogEvent',
  'SubscriptionTerminatedLogEvent', 'EidoDeniedLogEvent', 'EidoTransmissionErrorLogEvent', 'WebSocketEstablishedLogEvent',
  'WebSocketTerminatedLogEvent',
];

type Kind = 'string' | 'direction' | 'strings';

/**
 * Members each type requires beyond the common ones (loggingservice.yaml `required`), for the
 * recording and call types; other types are checked for the common members only.
 */
const REQUIRED: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  CallStartLogEvent: { direction: 'direction' },
  CallEndLogEvent: { direction: 'direction' },
  RecCallStartLogEvent: { direction: 'direction' },
  RecCallEndLogEvent: { direction: 'direction' },
  RecMediaStartLogEvent: { sdp: 'string', mediaLabel: 'strings' },
  RecMediaEndLogEvent: { mediaLabel: 'strings' },
  MediaEndLogEvent: { mediaLabel: 'strings' },
  RecordingFailedLogEvent: { sdp: 'string', reasonCode: 'string', reasonText: 'string' },
  MessageLogEvent: { text: 'string', direction: 'direction' },
  CallSignalingMessageLogEvent: { text: 'string', direction: 'direction' },
  SipRecMetadataLogEvent: { text: 'string' },
  NonRtpMediaMessageLogEvent: { text: 'string', direction: 'direction' },
};

/** RFC 3339 date-time with a time zone (Z or ±hh:mm), as `format: date-time` wants. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** What the check is configured with. */
export interface LogEventCheckOptions {
  /** Accepted types (default: all of {@link LOG_EVENT_TYPES}). */
  acceptedEventTypes?: readonly string[];
  /** Extension lists. */
  extensions?: { approved?: readonly string[]; disallowed?: readonly string[] };
}

function bad(why: string): never {
  throw new LogEventRejection(LogEventRejectCode.BadLogEvent, why);
}

function checkMember(ev: Record<string, unknown>, name: string, kind: Kind): void {
  const v = ev[name];
  if (v === undefined) bad(`${String(ev.logEventType)} requires ${name}`);
  if (kind === 'string' && typeof v !== 'string') bad(`${name} must be a string`);
  if (kind === 'direction' && v !== 'incoming' && v !== 'outgoing') bad(`${name} must be incoming or outgoing`);
  if (kind === 'strings' && (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))) bad(`${name} must be an array of strings`);
}

/** Returns the payload as a LogEvent, or throws a {@link LogEventRejection}. */
export function checkLogEvent(payload: unknown, opts: LogEventCheckOptions = {}): Record<string, unknown> & { logEventType: string } {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) bad('the JWS payload is not a JSON object');
  const ev = payload as Record<string, unknown>;
  const type = ev.logEventType;
  if (typeof type !== 'string') bad('logEventType is missing');
  const accepted = opts.acceptedEventTypes ?? LOG_EVENT_TYPES;
  if (!accepted.includes(type)) bad(`logEventType ${type} is not accepted here`);
  for (const m of ['timestamp', 'elementId', 'agencyId']) checkMember(ev, m, 'string');
  if (!DATE_TIME.test(ev.timestamp as string) || Number.isNaN(Date.parse(ev.timestamp as string))) bad('timestamp is not an RFC 3339 date-time');
  for (const [m, kind] of Object.entries(REQUIRED[type] ?? {})) checkMember(ev, m, kind);
  const ext = ev.extension;
  if (ext !== undefined) {
    if (typeof ext !== 'object' || ext === null || Array.isArray(ext)) bad('extension must be an object');
    for (const name of Object.keys(ext)) {
      if (opts.extensions?.disallowed?.includes(name)) {
        throw new LogEventRejection(LogEventRejectCode.ExtensionDisallowed, `extension ${name} is on the disallowed list`);
      }
      if (opts.extensions?.approved && !opts.extensions.approved.includes(name)) {
        throw new LogEventRejection(LogEventRejectCode.ExtensionNotApproved, `extension ${name} is not on the approved list`);
      }
    }
  }
  return ev as Record<string, unknown> & { logEventType: string };
}
