/**
 * parseMetadata: RFC 7865 `application/rs-metadata+xml` → {@link RecordingMetadata}.
 *
 * Tolerant by design (SIPREC-NOTES §3.3): namespace prefixes, the draft-era
 * namespace, any letter case of element names, `id`/`session` attributes of
 * draft documents, and participants carrying `send`/`recv` are all accepted
 * and mapped onto the RFC model where the meaning is unambiguous.
 */
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ELEMENTS, LEGACY_RECORDING_NS, RECORDING_NS } from './constants.js';
import { decodeXmlInput } from './decode.js';
import { MetadataError, MetadataErrorCode } from './errors.js';
import { applyDraftMappings, type DraftParticipant } from './draft-mapping.js';
import { rawFragment } from './raw-fragment.js';
import type {
  Group, NameId, Participant, ParticipantSessionAssoc, ParticipantStreamAssoc, RecordingMetadata,
  Session, SessionRecordingAssoc, Stream,
} from './types.js';
import { emptyMetadata } from './types.js';
import { validateMetadata } from './validate.js';
import { elementsOf, parseXmlTree, textOf, xmlTrim, type XmlElement } from './xml-tree.js';

/** Options of {@link parseMetadata}. */
export interface ParseMetadataOptions {
  /** Refuse documents larger than this many bytes (default 1 MiB). */
  maxBytes?: number;
  /** Refuse documents with more elements than this (default 20000). */
  maxElements?: number;
  /** Told about tolerated oddities (draft-era forms, dropped references). */
  onWarning?: (message: string) => void;
}

const OUR_NS = new Set<string>([RECORDING_NS, ...LEGACY_RECORDING_NS]);

/** Parsing context shared by the element readers. */
interface Ctx {
  src: string;
  rootHasNs: boolean;
  warn: (m: string) => void;
}

// NOTE (deviation): elements in no namespace count as recording elements
// (SRCs that omit xmlns), as do the draft-era namespaces.
function isOurs(el: XmlElement): boolean {
  // the scanner hands out the recording namespace as RECORDING_NS itself: identity, no hashing
  return el.ns === undefined || el.ns === RECORDING_NS || OUR_NS.has(el.ns);
}

function inheritsDefault(ctx: Ctx, el: XmlElement): boolean {
  const d = el.scope.get('');
  return d === undefined ? !ctx.rootHasNs : OUR_NS.has(d);
}

function ext(ctx: Ctx, el: XmlElement): string {
  return rawFragment(ctx.src, el, inheritsDefault(ctx, el));
}

/**
 * Known element name (lowercased local name) or undefined for extensions.
 * NOTE (deviation): XML names are case-sensitive; draft-era SRCs write
 * `<dataMode>`, `<sipSessionId>`, so names are matched ignoring case.
 */
function kind(el: XmlElement): string | undefined {
  return isOurs(el) ? el.local.toLowerCase() : undefined;
}

function attr(el: XmlElement, ...names: string[]): string | undefined {
  const attrs = el.attrs;
  for (const want of names) {
    // own keys in order, without the [key, value] arrays of Object.entries; a value is trimmed
    // only for a matching name (issue 15: several lookups per element)
    for (const k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
      const colon = k.indexOf(':');
      const local = colon >= 0 && !k.startsWith('xml:') ? k.slice(colon + 1) : k;
      if (local.toLowerCase() !== want) continue;
      const value = xmlTrim(attrs[k]);
      if (value !== '') return value;
    }
  }
  return undefined;
}

function requireId(el: XmlElement, what: string, ...names: string[]): string {
  const v = attr(el, ...names);
  if (v === undefined) {
    throw new MetadataError(MetadataErrorCode.MissingId, `Metadata ${what} without ${names[0]}`);
  }
  return v;
}

function setTimes(target: { associateTime?: string; disassociateTime?: string }, k: string, el: XmlElement): boolean {
  if (k === 'associate-time') target.associateTime = textOf(el);
  else if (k === 'disassociate-time') target.disassociateTime = textOf(el);
  else return false;
  return true;
}

function readGroup(ctx: Ctx, el: XmlElement): Group {
  const g: Group = { groupId: requireId(el, 'group', 'group_id', 'id'), extensions: [] };
  for (const c of elementsOf(el)) if (!setTimes(g, kind(c) ?? '', c)) g.extensions.push(ext(ctx, c));
  return g;
}

function readSession(ctx: Ctx, el: XmlElement, draftSra: SessionRecordingAssoc[]): Session {
  const s: Session = { sessionId: requireId(el, 'session', 'session_id', 'id'), sipSessionIds: [], reasons: [], extensions: [] };
  const sra: SessionRecordingAssoc = { sessionId: s.sessionId };
  for (const c of elementsOf(el)) {
    const k = kind(c);
    if (k === 'sipsessionid') s.sipSessionIds.push(textOf(c));
    else if (k === 'group-ref') s.groupRef = textOf(c);
    else if (k === 'start-time') s.startTime = textOf(c);
    else if (k === 'stop-time') s.stopTime = textOf(c);
    else if (k === 'reason') {
      const r: Session['reasons'][number] = { text: textOf(c) };
      const protocol = attr(c, 'protocol');
      const cause = attr(c, 'cause');
      if (protocol !== undefined) r.protocol = protocol;
      if (cause !== undefined) r.cause = cause;
      s.reasons.push(r);
    } else if (k !== undefined && setTimes(sra, k, c)) {
      // Draft-era: association times written on the session itself.
      ctx.warn(`session ${s.sessionId}: ${k} under <session> mapped to sessionrecordingassoc`);
    } else s.extensions.push(ext(ctx, c));
  }
  if (sra.associateTime !== undefined || sra.disassociateTime !== undefined) draftSra.push(sra);
  return s;
}

function readNameId(ctx: Ctx, el: XmlElement): NameId {
  const n: NameId = { aor: attr(el, 'aor') ?? '', names: [] };
  for (const c of elementsOf(el)) {
    const k = kind(c);
    if (k === 'name') {
      const lang = attr(c, 'xml:lang', 'lang');
      n.names.push(lang === undefined ? { text: textOf(c) } : { text: textOf(c), lang });
    } else if (k === 'aor' && n.aor === '') {
      n.aor = textOf(c); // draft-era: <nameID><aor>uri</aor></nameID>
    } else (n.extensions ??= []).push(ext(ctx, c));
  }
  return n;
}

function readParticipant(ctx: Ctx, el: XmlElement, drafts: DraftParticipant[]): Participant {
  const p: Participant = { participantId: requireId(el, 'participant', 'participant_id', 'id'), nameIds: [], extensions: [] };
  const d: DraftParticipant = { participantId: p.participantId, send: [], recv: [] };
  const sessionAttr = attr(el, 'session', 'session_id');
  if (sessionAttr !== undefined) d.sessionId = sessionAttr;
  let draftAor: NameId | undefined;
  for (const c of elementsOf(el)) {
    const k = kind(c);
    if (k === 'nameid') p.nameIds.push(readNameId(ctx, c));
    else if (k === 'aor') p.nameIds.push((draftAor = { aor: textOf(c), names: [] }));
    else if (k === 'name') {
      const lang = attr(c, 'xml:lang', 'lang');
      const target = draftAor ?? (draftAor = { aor: '', names: [] });
      if (!p.nameIds.includes(target)) p.nameIds.push(target);
      target.names.push(lang === undefined ? { text: textOf(c) } : { text: textOf(c), lang });
    } else if (k === 'send') d.send.push(textOf(c));
    else if (k === 'recv') d.recv.push(textOf(c));
    else if (k !== undefined && setTimes(d, k, c)) { /* draft join/leave times */ }
    else p.extensions.push(ext(ctx, c));
  }
  if (d.send.length || d.recv.length || d.sessionId !== undefined || d.associateTime || d.disassociateTime) drafts.push(d);
  return p;
}

function readStream(ctx: Ctx, el: XmlElement): Stream {
  const s: Stream = { streamId: requireId(el, 'stream', 'stream_id', 'id'), sessionId: attr(el, 'session_id', 'session') ?? '', extensions: [] };
  for (const c of elementsOf(el)) {
    if (kind(c) === 'label') s.label = textOf(c);
    else s.extensions.push(ext(ctx, c));
  }
  return s;
}

function readSra(ctx: Ctx, el: XmlElement): SessionRecordingAssoc {
  const a: SessionRecordingAssoc = { sessionId: requireId(el, 'sessionrecordingassoc', 'session_id', 'session', 'id') };
  for (const c of elementsOf(el)) if (!setTimes(a, kind(c) ?? '', c)) (a.extensions ??= []).push(ext(ctx, c));
  return a;
}

function readPsa(ctx: Ctx, el: XmlElement): ParticipantSessionAssoc {
  const a: ParticipantSessionAssoc = {
    participantId: requireId(el, 'participantsessionassoc', 'participant_id', 'participant'),
    sessionId: requireId(el, 'participantsessionassoc', 'session_id', 'session'),
    params: [],
  };
  for (const c of elementsOf(el)) {
    const k = kind(c) ?? '';
    if (k === 'param') a.params.push({ name: attr(c, 'pname') ?? '', value: attr(c, 'pval') ?? '' });
    else if (!setTimes(a, k, c)) (a.extensions ??= []).push(ext(ctx, c));
  }
  return a;
}

function readPstra(ctx: Ctx, el: XmlElement): ParticipantStreamAssoc {
  const a: ParticipantStreamAssoc = {
    participantId: requireId(el, 'participantstreamassoc', 'participant_id', 'participant'),
    send: [], recv: [],
  };
  for (const c of elementsOf(el)) {
    const k = kind(c) ?? '';
    if (k === 'send') a.send.push(textOf(c));
    else if (k === 'recv') a.recv.push(textOf(c));
    else if (!setTimes(a, k, c)) (a.extensions ??= []).push(ext(ctx, c));
  }
  return a;
}

/**
 * Parses a metadata document. Throws {@link MetadataError} with a code fit
 * for choosing the SIP response (400 with `reason` as the phrase).
 */
export function parseMetadata(xml: string | Uint8Array, opts: ParseMetadataOptions = {}): RecordingMetadata {
  const src = decodeXmlInput(xml, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const root = parseXmlTree(src, { maxElements: opts.maxElements ?? DEFAULT_MAX_ELEMENTS });
  if (root.local.toLowerCase() !== 'recording' || !isOurs(root)) {
    throw new MetadataError(MetadataErrorCode.WrongRoot, 'Metadata root is not <recording>', `${root.qname} in ${root.ns ?? 'no namespace'}`);
  }
  const ctx: Ctx = { src, rootHasNs: root.ns !== undefined, warn: opts.onWarning ?? (() => {}) };
  if (root.ns !== undefined && root.ns !== RECORDING_NS) ctx.warn(`legacy namespace ${root.ns} read as ${RECORDING_NS}`);
  const m = emptyMetadata();
  const drafts: DraftParticipant[] = [];
  const draftSra: SessionRecordingAssoc[] = [];
  for (const c of elementsOf(root)) {
    switch (kind(c)) {
      case 'datamode': {
        const v = textOf(c).toLowerCase();
        if (v !== 'complete' && v !== 'partial') {
          throw new MetadataError(MetadataErrorCode.InvalidDataMode, 'Invalid metadata datamode', v);
        }
        m.dataMode = v;
        break;
      }
      case 'group': m.groups.push(readGroup(ctx, c)); break;
      case 'session': m.sessions.push(readSession(ctx, c, draftSra)); break;
      case 'participant': m.participants.push(readParticipant(ctx, c, drafts)); break;
      case 'stream': m.streams.push(readStream(ctx, c)); break;
      case 'sessionrecordingassoc': m.sessionRecordingAssocs.push(readSra(ctx, c)); break;
      case 'participantsessionassoc': m.participantSessionAssocs.push(readPsa(ctx, c)); break;
      case 'participantstreamassoc': m.participantStreamAssocs.push(readPstra(ctx, c)); break;
      default: m.extensions.push(ext(ctx, c));
    }
  }
  applyDraftMappings(m, drafts, draftSra, ctx.warn);
  validateMetadata(m);
  return m;
}
