/**
 * Recording indication and preference in the recorded call's (CS) SDP, for the app that owns the
 * CS dialog (RFC 7866 §6.1.2, §7.1.2, §7.1.3 [section numbers per SIPREC-NOTES' ToC map]):
 * - `a=record:on|off|paused` (RFC 7866 §11.5.1) is what the SRC tells a recording-aware UA;
 * - `a=recordpref:on|off|pause|nopreference` (§11.5.2) is what such a UA asks of the SRC;
 * - a UA is recording-aware when it lists the option tag `record-aware` (§11.1.2) in Supported.
 * Both attributes may sit at session level or on an m-line; a media-level one overrides the
 * session-level one for that m-line (RFC 8866 §5: media-level attributes override session-level
 * ones). Unknown values are tolerated: read as absent (the session-level value, if any, applies),
 * never thrown on. Pure: SDP text in, SDP text or values out (through sdp-transform).
 */
import type { HeaderField } from '../../../include-types/api.js';
import type { RecordingIndication, RecordingPreference } from '../../../include-types/siprec.js';
import { parseSdp, writeSdp } from '../../message/index.js';

/** RFC 7866 §11.1.2: the option tag of a UA that understands `a=record` / `a=recordpref`. */
export const RECORD_AWARE_OPTION_TAG = 'record-aware';

/** The header an app adds to its CS requests and responses to say it is recording-aware itself. */
export const RECORD_AWARE_SUPPORTED: HeaderField = { name: 'Supported', value: RECORD_AWARE_OPTION_TAG };

const INDICATIONS: readonly RecordingIndication[] = ['on', 'off', 'paused'];
const PREFERENCES: readonly RecordingPreference[] = ['on', 'off', 'pause', 'nopreference'];

function tags(supported: string | readonly string[] | undefined): string[] {
  const values = supported === undefined ? [] : typeof supported === 'string' ? [supported] : supported;
  return values.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
}

/**
 * True when a Supported header (its value, or every value of it) lists `record-aware`: the UA
 * understands `a=record` and may send `a=recordpref` (RFC 7866 §6.1.2). Compared case-insensitively.
 */
export function isRecordAware(supported: string | readonly string[] | undefined): boolean {
  return tags(supported).includes(RECORD_AWARE_OPTION_TAG);
}

/** A Supported value with `record-aware` added once (the existing tags kept in order). */
export function withRecordAware(supported?: string): string {
  if (isRecordAware(supported)) return supported!.trim();
  const rest = supported?.trim() ?? '';
  return rest.length > 0 ? `${rest}, ${RECORD_AWARE_OPTION_TAG}` : RECORD_AWARE_OPTION_TAG;
}

/** A recording's state as an app or the SrcManager names it. */
export type RecordingStateName = 'recording' | 'started' | 'resumed' | 'paused' | 'stopped' | 'failed' | 'none';

/**
 * The `a=record` value for a recording state (RFC 7866 §7.1.2): started/resumed/recording → on,
 * paused → paused, stopped/failed/none → off.
 */
export function indicationForState(state: RecordingStateName): RecordingIndication {
  switch (state) {
    case 'recording':
    case 'started':
    case 'resumed':
      return 'on';
    case 'paused':
      return 'paused';
    default:
      return 'off';
  }
}

/** A registered `a=record` value, or undefined for anything else (tolerated, case-insensitive). */
export function parseRecordIndication(raw: string | undefined): RecordingIndication | undefined {
  const v = raw?.trim().toLowerCase();
  return INDICATIONS.find((x) => x === v);
}

/** A registered `a=recordpref` value, or undefined for anything else (tolerated, case-insensitive). */
export function parseRecordPreference(raw: string | undefined): RecordingPreference | undefined {
  const v = raw?.trim().toLowerCase();
  return PREFERENCES.find((x) => x === v);
}

/** The raw `a=record` / `a=recordpref` values found at one level (the last one when repeated). */
export interface RecordAttributes {
  /** Value of `a=record`, as written. */
  record?: string;
  /** Value of `a=recordpref`, as written. */
  recordpref?: string;
}

/** Both attributes at session level and per m-line (in m-line order). */
export interface SdpRecordAttributes {
  /** Session level. */
  session: RecordAttributes;
  /** One entry per m-line. */
  media: RecordAttributes[];
}

type Invalid = { value: string }[] | undefined;
type AttrName = 'record' | 'recordpref';

function attrOf(line: string): { name: AttrName; value: string } | undefined {
  const m = /^(record|recordpref)(?::(.*))?$/i.exec(line.trim());
  if (!m) return undefined;
  return { name: m[1].toLowerCase() as AttrName, value: (m[2] ?? '').trim() };
}

function collect(invalid: Invalid): RecordAttributes {
  const out: RecordAttributes = {};
  for (const a of invalid ?? []) {
    const attr = attrOf(a.value);
    if (attr) out[attr.name] = attr.value;
  }
  return out;
}

/**
 * Reads `a=record` and `a=recordpref` at session level and on every m-line, as written.
 * @throws SipParseError (488) when the text is not SDP
 */
export function readRecordAttributes(sdp: string | Buffer): SdpRecordAttributes {
  const s = parseSdp(sdp);
  return { session: collect(s.invalid), media: s.media.map((m) => collect(m.invalid)) };
}

function effective<T>(a: SdpRecordAttributes, name: AttrName, parse: (raw: string | undefined) => T | undefined, mediaIndex?: number): T | undefined {
  const session = parse(a.session[name]);
  if (mediaIndex === undefined) return session;
  const m = a.media[mediaIndex];
  if (m === undefined) return undefined;
  // RFC 8866 §5: a media-level attribute overrides the session-level one; an unknown one is ignored.
  return parse(m[name]) ?? session;
}

/**
 * The `a=record` in force: for m-line `mediaIndex` (its own, else the session's), or without an
 * index the session-level one. Undefined when absent or not a registered value.
 */
export function recordIndicationOf(sdp: string | Buffer, mediaIndex?: number): RecordingIndication | undefined {
  return effective(readRecordAttributes(sdp), 'record', parseRecordIndication, mediaIndex);
}

/** The `a=recordpref` in force, as {@link recordIndicationOf}. */
export function recordPreferenceOf(sdp: string | Buffer, mediaIndex?: number): RecordingPreference | undefined {
  return effective(readRecordAttributes(sdp), 'recordpref', parseRecordPreference, mediaIndex);
}

const STRICTNESS: Record<RecordingPreference, number> = { off: 3, pause: 2, on: 1, nopreference: 0 };

/**
 * One preference for the whole call, for an SRC that records a call as a whole (SrcManager's
 * `recordingPreference`): the most restrictive one in force on any m-line (off over pause over on
 * over nopreference), or the session-level one when there is no m-line. Undefined when none is
 * expressed. A UA asking `off` for one stream is so not recorded at all: the safe reading.
 */
export function callRecordingPreference(sdp: string | Buffer): RecordingPreference | undefined {
  const a = readRecordAttributes(sdp);
  const values = a.media.length === 0
    ? [effective(a, 'recordpref', parseRecordPreference)]
    : a.media.map((_m, i) => effective(a, 'recordpref', parseRecordPreference, i));
  let best: RecordingPreference | undefined;
  for (const v of values) if (v !== undefined && (best === undefined || STRICTNESS[v] > STRICTNESS[best])) best = v;
  return best;
}

/** Options of {@link setRecordIndication} / {@link setRecordPreference}. */
export interface RecordAttributeOptions {
  /**
   * Put the attribute on this m-line only (0-based). Default: at session level, and any
   * media-level one of the same name is removed so the session value holds for every m-line.
   */
  mediaIndex?: number;
  /**
   * Add 1 to the o= session version (RFC 3264 §8: a changed SDP in a new offer needs it). Default
   * false: an app that builds its SDP fresh sets the version itself.
   */
  incrementVersion?: boolean;
}

function put(invalid: Invalid, name: AttrName, value: string | undefined): { value: string }[] {
  const kept = (invalid ?? []).filter((a) => attrOf(a.value)?.name !== name);
  if (value !== undefined) kept.push({ value: `${name}:${value}` });
  return kept;
}

/**
 * The o= line of the input, kept as written (sdp-transform reads its numbers as JS numbers, so a
 * 64-bit session id or version, as WebRTC UAs send, would come back rounded), its version plus
 * one when asked.
 */
function originLine(text: string, increment: boolean): string | undefined {
  const m = /^o=(\S*) (\S+) (\S+)( [^\r\n]*)?$/m.exec(text);
  if (!m) return undefined;
  const version = increment && /^\d+$/.test(m[3]) ? (BigInt(m[3]) + 1n).toString() : m[3];
  return `o=${m[1]} ${m[2]} ${version}${m[4] ?? ''}`;
}

function setAttr(sdp: string | Buffer, name: AttrName, value: string | undefined, opts: RecordAttributeOptions): string {
  const text = typeof sdp === 'string' ? sdp : sdp.toString('utf8');
  const s = parseSdp(text);
  if (opts.mediaIndex === undefined) {
    s.invalid = put(s.invalid, name, value);
    for (const m of s.media) {
      m.invalid = put(m.invalid, name, undefined);
      if (m.invalid.length === 0) delete m.invalid;
    }
    if (s.invalid.length === 0) delete s.invalid;
  } else {
    const m = s.media[opts.mediaIndex];
    if (m === undefined) throw new RangeError(`no m-line ${opts.mediaIndex} (the SDP has ${s.media.length})`);
    m.invalid = put(m.invalid, name, value);
    if (m.invalid.length === 0) delete m.invalid;
  }
  const out = writeSdp(s);
  const origin = originLine(text, opts.incrementVersion ?? false);
  return origin === undefined ? out : out.replace(/^o=[^\r\n]*/m, origin);
}

/**
 * The SDP with `a=record:<indication>` set (RFC 7866 §7.1.2), or removed when `indication` is
 * undefined: at session level by default, or on one m-line. Everything else is kept.
 * @throws SipParseError (488) when the text is not SDP; RangeError for an m-line it does not have
 */
export function setRecordIndication(sdp: string | Buffer, indication: RecordingIndication | undefined, opts: RecordAttributeOptions = {}): string {
  return setAttr(sdp, 'record', indication, opts);
}

/**
 * The SDP with `a=recordpref:<preference>` set (RFC 7866 §7.1.3; what a recording-aware UA
 * sends), or removed when undefined, as {@link setRecordIndication}.
 */
export function setRecordPreference(sdp: string | Buffer, preference: RecordingPreference | undefined, opts: RecordAttributeOptions = {}): string {
  return setAttr(sdp, 'recordpref', preference, opts);
}
