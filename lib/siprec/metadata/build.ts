/**
 * buildMetadata: {@link RecordingMetadata} → RFC 7865 XML
 * (`application/rs-metadata+xml`, UTF-8, default namespace
 * `urn:ietf:params:xml:ns:recording:1`). Extension fragments are written
 * back verbatim at the end of the element they belong to, as the RFC 7865
 * schema puts `##other` last in every sequence.
 */
import { RECORDING_NS } from './constants.js';
import type { RecordingMetadata } from './types.js';
import { validateMetadata } from './validate.js';
import { escapeText, escapeXml } from './xml-tree.js';

/** Options of {@link buildMetadata}. */
export interface BuildMetadataOptions {
  /** Skip the id/reference checks (default false: invalid models throw MetadataError). */
  skipValidation?: boolean;
  /**
   * Write without newlines and indentation (default false): every byte
   * counts when an RS INVITE should stay under the UDP limit (RFC 3261 §18.1.1).
   */
  compact?: boolean;
}

/** Indentation per depth, made once. */
const PADS = Array.from({ length: 16 }, (_, i) => '  '.repeat(i));

/**
 * Appends the document to one string (no array of lines to join, no attribute records to walk:
 * attributes come as name/value pairs, an undefined value leaves its attribute out; issue 15).
 */
class Writer {
  out = '';
  private depth = 0;
  private readonly nl: string;

  constructor(private readonly compact: boolean) {
    this.nl = compact ? '' : '\n';
  }

  open(name: string, k1?: string, v1?: string, k2?: string, v2?: string): void {
    this.out += `${this.pad()}<${name}${attr(k1, v1)}${attr(k2, v2)}>${this.nl}`;
    this.depth++;
  }

  close(name: string): void {
    this.depth--;
    this.out += `${this.pad()}</${name}>${this.nl}`;
  }

  leaf(name: string, text: string | undefined, k1?: string, v1?: string, k2?: string, v2?: string): void {
    if (text === undefined) return;
    this.out += `${this.pad()}<${name}${attr(k1, v1)}${attr(k2, v2)}>${escapeText(text)}</${name}>${this.nl}`;
  }

  empty(name: string, k1: string, v1: string | undefined, k2?: string, v2?: string): void {
    this.out += `${this.pad()}<${name}${attr(k1, v1)}${attr(k2, v2)}/>${this.nl}`;
  }

  raw(fragments: readonly string[] | undefined): void {
    if (fragments === undefined) return;
    for (const f of fragments) this.out += this.pad() + f + this.nl;
  }

  times(t: { associateTime?: string; disassociateTime?: string }): void {
    this.leaf('associate-time', t.associateTime);
    this.leaf('disassociate-time', t.disassociateTime);
  }

  private pad(): string {
    return this.compact ? '' : (PADS[this.depth] ?? '  '.repeat(this.depth));
  }
}

/** ` name="value"`, or '' without a value. */
function attr(name: string | undefined, value: string | undefined): string {
  return name === undefined || value === undefined ? '' : ` ${name}="${escapeXml(value)}"`;
}

/** Serialises a metadata model. Throws MetadataError for a model with bad ids. */
export function buildMetadata(m: RecordingMetadata, opts: BuildMetadataOptions = {}): string {
  if (!opts.skipValidation) validateMetadata(m);
  const w = new Writer(opts.compact ?? false);
  w.open('recording', 'xmlns', RECORDING_NS);
  w.leaf('datamode', m.dataMode);
  for (const g of m.groups) {
    w.open('group', 'group_id', g.groupId);
    w.times(g);
    w.raw(g.extensions);
    w.close('group');
  }
  for (const s of m.sessions) {
    w.open('session', 'session_id', s.sessionId);
    for (const id of s.sipSessionIds) w.leaf('sipSessionID', id);
    for (const r of s.reasons) w.leaf('reason', r.text, 'protocol', r.protocol, 'cause', r.cause);
    w.leaf('group-ref', s.groupRef);
    w.leaf('start-time', s.startTime);
    w.leaf('stop-time', s.stopTime);
    w.raw(s.extensions);
    w.close('session');
  }
  for (const p of m.participants) {
    w.open('participant', 'participant_id', p.participantId);
    for (const n of p.nameIds) {
      if (n.names.length === 0 && !n.extensions?.length) {
        w.empty('nameID', 'aor', n.aor);
        continue;
      }
      w.open('nameID', 'aor', n.aor);
      for (const name of n.names) w.leaf('name', name.text, 'xml:lang', name.lang);
      w.raw(n.extensions);
      w.close('nameID');
    }
    w.raw(p.extensions);
    w.close('participant');
  }
  for (const s of m.streams) {
    w.open('stream', 'stream_id', s.streamId, 'session_id', s.sessionId);
    w.leaf('label', s.label);
    w.raw(s.extensions);
    w.close('stream');
  }
  for (const a of m.sessionRecordingAssocs) {
    w.open('sessionrecordingassoc', 'session_id', a.sessionId);
    w.times(a);
    w.raw(a.extensions);
    w.close('sessionrecordingassoc');
  }
  for (const a of m.participantSessionAssocs) {
    w.open('participantsessionassoc', 'participant_id', a.participantId, 'session_id', a.sessionId);
    w.times(a);
    for (const p of a.params) w.empty('param', 'pname', p.name, 'pval', p.value);
    w.raw(a.extensions);
    w.close('participantsessionassoc');
  }
  for (const a of m.participantStreamAssocs) {
    w.open('participantstreamassoc', 'participant_id', a.participantId);
    for (const id of a.send) w.leaf('send', id);
    for (const id of a.recv) w.leaf('recv', id);
    w.times(a);
    w.raw(a.extensions);
    w.close('participantstreamassoc');
  }
  w.raw(m.extensions);
  w.close('recording');
  return '<?xml version="1.0" encoding="UTF-8"?>' + (opts.compact ? '' : '\n') + w.out;
}
