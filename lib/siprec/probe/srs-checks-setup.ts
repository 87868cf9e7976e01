/**
 * `probe srs`, first group: OPTIONS, then the SIPREC INVITE and what its 2xx must carry:
 * `+sip.srs` on the Contact (RFC 7866 §6.2), an SDP answer with the offer's m-lines (RFC 3264 §6),
 * each recvonly or inactive (RFC 3264 §6.1, RFC 7866 §7.2), the labels kept, and a Require that
 * asks only for what we support (RFC 3261 §20.32).
 */
import type { ResponseElementsView } from '../../../include-types/api.js';
import { contactHasFeatureTag } from '../body/index.js';
import { parseNameAddr } from '../../message/index.js';
import type { InviteDialogAssoc } from '../common/api.js';
import { PROBE_LABELS, bodyElements, inviteHeaders } from './srs-offer.js';
import { readAnswer, statusText, type AnsweredLine, type SrsProbeContext } from './srs-context.js';
import { checkAuthOutcome } from './srs-checks-access.js';
import type { Outcome } from './probe-ua.js';

/**
 * OPTIONS answered (RFC 3261 §11.2), and siprec listed in its Supported. `sent`: its outcome
 * when the OPTIONS already went out (as the first request). A 401/407 the probe had no
 * credentials for is a SKIP: the recording INVITE says what authentication needs.
 */
export async function checkOptions(ctx: SrsProbeContext, sent?: Outcome): Promise<void> {
  const r = ctx.results;
  const o = sent ?? await ctx.ua.options(ctx.target, ctx.from);
  if (o.status === 0) return r.fail('options', 'RFC 3261 §11', `OPTIONS not answered: ${o.reason}`);
  if ((o.status === 401 || o.status === 407) && !ctx.ua.opts.credentials) return r.skip('options', 'RFC 3261 §22.1', `OPTIONS challenged ${statusText(o)}: authentication required`);
  if (o.status >= 300) r.warn('options', 'RFC 3261 §11.2', `OPTIONS answered ${statusText(o)} (200 expected from a UAS that would accept an INVITE)`);
  else r.pass('options', 'RFC 3261 §11.2', `OPTIONS answered ${statusText(o)}`);
  if (o.status >= 200 && o.status < 300) {
    const tags = (o.response?.messageElements.headerValues('Supported') ?? []).map((t) => t.trim().toLowerCase());
    r.check(tags.includes('siprec'), 'options-supported', 'RFC 3261 §11.2', 'Supported lists siprec',
      `Supported of the OPTIONS 200 does not list siprec (${tags.join(', ') || 'no Supported header'})`, 'WARN');
  }
}

/**
 * Sends the SIPREC INVITE; returns the dialog when it was answered 2xx, `'blocked'` when
 * authentication stops the run (checkAuthOutcome reported why).
 */
export async function checkRecordingInvite(ctx: SrsProbeContext): Promise<{ assoc: InviteDialogAssoc; answer: ResponseElementsView } | undefined | 'blocked'> {
  const r = ctx.results;
  const me = bodyElements(inviteHeaders(), ctx.session.sdp(false, false), ctx.session.completeXml());
  const { outcome, assoc } = await ctx.ua.invite({ remoteUri: ctx.target, from: ctx.from, contact: ctx.contact(true), elements: me });
  if (checkAuthOutcome(ctx, outcome)) {
    if (assoc) await ctx.ua.bye(assoc);
    return 'blocked';
  }
  if (!assoc || !outcome.response) {
    r.fail('invite-accepted', 'RFC 7866 §6.2', `SIPREC INVITE (Require: siprec, +sip.src, SDP + rs-metadata) answered ${statusText(outcome)}`);
    return undefined;
  }
  r.pass('invite-accepted', 'RFC 7866 §6.2', `SIPREC INVITE answered ${statusText(outcome)}`);
  checkAnswer(ctx, outcome.response);
  return { assoc, answer: outcome.response };
}

function checkAnswer(ctx: SrsProbeContext, res: ResponseElementsView): void {
  const r = ctx.results;
  const contacts = res.messageElements.headerValues('Contact');
  // RFC 7866 §6.2: the SRS MUST put +sip.srs on its Contact for every RS.
  r.check(contactHasFeatureTag(contacts, '+sip.srs'), 'answer-contact-srs', 'RFC 7866 §6.2', 'Contact carries +sip.srs',
    `Contact of the 2xx has no +sip.srs feature tag (${contacts.join(', ') || 'no Contact'})`);
  checkContactTransport(ctx, contacts[0]);
  // RFC 3261 §20.32: a response may Require only what the request listed in Supported.
  const req = res.messageElements.headerValues('Require').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
  const extra = req.filter((t) => t !== 'siprec');
  r.check(extra.length === 0, 'answer-require', 'RFC 3261 §20.32', req.length ? `Require: ${req.join(', ')} (supported by us)` : 'no Require beyond what we support',
    `2xx requires option tags we did not list in Supported: ${extra.join(', ')}`);
  const { lines, error } = readAnswer(res);
  if (error !== undefined) {
    // RFC 3261 §13.2.1 / RFC 3264 §5: an offer in the INVITE is answered in the 2xx.
    r.fail('answer-sdp', 'RFC 3264 §5', `2xx carries no usable SDP answer: ${error}`);
    for (const id of ['answer-direction', 'answer-labels']) r.skip(id, 'RFC 7866 §7.2', 'no SDP answer');
    return;
  }
  r.check(lines.length === PROBE_LABELS.length, 'answer-sdp', 'RFC 3264 §6', `SDP answer with ${lines.length} m-lines, as offered`,
    `SDP answer has ${lines.length} m-lines for ${PROBE_LABELS.length} offered (RFC 3264 §6: the same number, in order)`);
  checkDirections(ctx, lines, 'answer-direction', 'recvonly');
  checkLabels(ctx, lines);
}

/**
 * RFC 3264 §6.1: an m-line offered sendonly is answered recvonly or inactive (inactive when
 * offered inactive); RFC 7866 §7.2: the SRS normally answers recvonly. Port 0 refuses the stream.
 */
export function checkDirections(ctx: SrsProbeContext, lines: readonly AnsweredLine[], id: string, want: 'recvonly' | 'inactive'): void {
  const rfc = want === 'recvonly' ? 'RFC 3264 §6.1, RFC 7866 §7.2' : 'RFC 3264 §6.1, RFC 7866 §7.1.1';
  const bad: string[] = [];
  const refused: string[] = [];
  lines.forEach((l, i) => {
    if (l.port === 0) refused.push(`m${i + 1}`);
    else if (want === 'inactive' ? l.direction !== 'inactive' : l.direction !== 'recvonly' && l.direction !== 'inactive') bad.push(`m${i + 1} ${l.direction}`);
  });
  const offered = want === 'recvonly' ? 'sendonly' : 'inactive';
  if (bad.length > 0) return ctx.results.fail(id, rfc, `offered ${offered}, answered ${bad.join(', ')} (must be ${want === 'recvonly' ? 'recvonly or inactive' : 'inactive'})`);
  if (refused.length === lines.length && lines.length > 0) return ctx.results.warn(id, rfc, 'every stream refused with port 0: nothing would be recorded');
  const note = refused.length ? ` (${refused.join(', ')} refused with port 0)` : '';
  const dirs = [...new Set(lines.filter((l) => l.port !== 0).map((l) => l.direction))].join('/');
  ctx.results.pass(id, rfc, `offered ${offered}, answered ${dirs || want}${note}`);
}

/** RFC 7866 §7.2 and the RFC 8068 flows: the answer keeps each offered a=label (no MUST: WARN). */
function checkLabels(ctx: SrsProbeContext, lines: readonly AnsweredLine[]): void {
  const missing: string[] = [];
  const changed: string[] = [];
  PROBE_LABELS.forEach((label, i) => {
    const l = lines[i];
    if (!l || l.port === 0) return;
    if (l.label === undefined) missing.push(label);
    else if (l.label !== label) changed.push(`${label}→${l.label}`);
  });
  const rfc = 'RFC 7866 §7.2, RFC 4574';
  if (changed.length > 0) return ctx.results.warn('answer-labels', rfc, `answer relabels streams (${changed.join(', ')}): the metadata names the offered labels`);
  if (missing.length > 0) return ctx.results.warn('answer-labels', rfc, `answer drops a=label on stream(s) ${missing.join(', ')} (kept by the RFC 8068 flows; not a MUST)`);
  ctx.results.pass('answer-labels', rfc, `labels ${PROBE_LABELS.join(', ')} kept`);
}

/**
 * RFC 3261 §12.1.1 and RFC 3263 §4.1: the 2xx's Contact is where our in-dialog requests go, and a
 * URI without `transport` means UDP. An SRS reached over TCP that answers with such a Contact
 * moves the dialog to UDP, which a TCP-only SRC cannot follow (WARN: not a MUST).
 */
function checkContactTransport(ctx: SrsProbeContext, contact: string | undefined): void {
  const rfc = 'RFC 3261 §12.1.1, RFC 3263 §4.1';
  let uri;
  try {
    uri = contact === undefined ? undefined : parseNameAddr(contact).uri;
  } catch {
    uri = undefined;
  }
  if (!uri || !('host' in uri)) return ctx.results.fail('answer-contact-transport', 'RFC 3261 §12.1.1', `2xx Contact is missing or not a SIP URI (${contact ?? 'none'})`);
  const sips = uri.scheme === 'sips';
  const tp = uri.params.get('transport')?.toLowerCase() ?? (sips ? 'tls' : 'udp');
  const ours = ctx.ua.opts.transport;
  if (tp === ours) return ctx.results.pass('answer-contact-transport', rfc, `in-dialog requests stay on ${ours.toUpperCase()}`);
  ctx.results.warn('answer-contact-transport', rfc, `INVITE sent over ${ours.toUpperCase()}, but the 2xx Contact (${contact}) sends in-dialog requests over ${tp.toUpperCase()}`);
}
