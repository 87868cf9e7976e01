/**
 * `probe srs`, in the recording session: a metadata-only update by re-INVITE and by UPDATE
 * (RFC 7866 §9.1: the SRC may use either; an SRS without UPDATE (RFC 3311) forces re-INVITEs,
 * so 405/501 is a WARN), pause by `a=inactive` and resume by `a=sendonly` (RFC 7866 §7.1.1;
 * RFC 3264 §6.1 says how each is answered), and BYE (RFC 3261 §15.1.2: 200).
 */
import type { ResponseElementsView } from '../../../include-types/api.js';
import type { InviteDialogAssoc } from '../common/api.js';
import { bodyElements } from './srs-offer.js';
import { checkDirections } from './srs-checks-setup.js';
import { readAnswer, statusText, type SrsProbeContext } from './srs-context.js';

const UPDATE_HEADERS: [string, string][] = [['Supported', 'siprec']];

/** A metadata-only change by re-INVITE (the SDP offered again unchanged). */
export async function checkMetadataReinvite(ctx: SrsProbeContext, assoc: InviteDialogAssoc): Promise<void> {
  const me = bodyElements(UPDATE_HEADERS, ctx.session.sdp(false, false), ctx.session.holdXml(true));
  const o = await ctx.ua.reinvite(assoc, me);
  ctx.results.check(o.status >= 200 && o.status < 300, 'metadata-reinvite', 'RFC 7866 §9.1',
    `re-INVITE with a partial metadata update answered ${statusText(o)}`, `re-INVITE with a partial metadata update answered ${statusText(o)}`);
}

/** A metadata-only change by UPDATE (RFC 3311), unless the SRS's Allow leaves UPDATE out. */
export async function checkMetadataUpdate(ctx: SrsProbeContext, assoc: InviteDialogAssoc, answer: ResponseElementsView): Promise<void> {
  const rfc = 'RFC 7866 §9.1, RFC 3311 §5.1';
  const allow = answer.messageElements.headerValues('Allow').map((m) => m.trim().toUpperCase());
  if (allow.length > 0 && !allow.includes('UPDATE')) {
    return ctx.results.warn('metadata-update', rfc, `Allow of the 2xx has no UPDATE (${allow.join(', ')}): metadata updates must go by re-INVITE`);
  }
  const o = await ctx.ua.update(assoc, bodyElements(UPDATE_HEADERS, undefined, ctx.session.holdXml(false)));
  if (o.status >= 200 && o.status < 300) return ctx.results.pass('metadata-update', rfc, `UPDATE with metadata alone answered ${statusText(o)}`);
  if (o.status === 405 || o.status === 501) {
    return ctx.results.warn('metadata-update', rfc, `UPDATE refused ${statusText(o)}${allow.includes('UPDATE') ? ' though Allow lists it' : ''}: metadata updates must go by re-INVITE`);
  }
  ctx.results.fail('metadata-update', rfc, `UPDATE with metadata alone answered ${statusText(o)}`);
}

/** Pause (every m-line a=inactive), then resume (a=sendonly again). */
export async function checkPauseResume(ctx: SrsProbeContext, assoc: InviteDialogAssoc): Promise<void> {
  const pause = await ctx.ua.reinvite(assoc, bodyElements(UPDATE_HEADERS, ctx.session.sdp(true, true), undefined));
  if (pause.status < 200 || pause.status >= 300) {
    ctx.results.fail('pause', 'RFC 7866 §7.1.1', `pause re-INVITE (a=inactive) answered ${statusText(pause)}`);
  } else {
    const a = readAnswer(pause.response);
    if (a.error !== undefined) ctx.results.fail('pause', 'RFC 3264 §5', `pause re-INVITE 2xx has no SDP answer: ${a.error}`);
    else checkDirections(ctx, a.lines, 'pause', 'inactive');
  }
  const resume = await ctx.ua.reinvite(assoc, bodyElements(UPDATE_HEADERS, ctx.session.sdp(false, true), undefined));
  if (resume.status < 200 || resume.status >= 300) {
    return ctx.results.fail('resume', 'RFC 7866 §7.1.1', `resume re-INVITE (a=sendonly) answered ${statusText(resume)}`);
  }
  const a = readAnswer(resume.response);
  if (a.error !== undefined) return ctx.results.fail('resume', 'RFC 3264 §5', `resume re-INVITE 2xx has no SDP answer: ${a.error}`);
  if (a.lines.some((l) => l.port !== 0 && l.direction === 'inactive') && a.lines.every((l) => l.direction !== 'sendrecv' && l.direction !== 'sendonly')) {
    return ctx.results.warn('resume', 'RFC 7866 §7.2', 'resumed with a=sendonly but the SRS still answers inactive: it would record nothing');
  }
  checkDirections(ctx, a.lines, 'resume', 'recvonly');
}

/** BYE answered 2xx (RFC 3261 §15.1.2). */
export async function checkBye(ctx: SrsProbeContext, assoc: InviteDialogAssoc): Promise<void> {
  // The CS ended: its stop-time first (RFC 7865 §6.3), as an SRC should before the BYE.
  await ctx.ua.reinvite(assoc, bodyElements(UPDATE_HEADERS, ctx.session.sdp(false, false), ctx.session.endedXml()));
  const o = await ctx.ua.bye(assoc);
  ctx.results.check(o.status >= 200 && o.status < 300, 'bye', 'RFC 3261 §15.1.2', `BYE answered ${statusText(o)}`, `BYE answered ${statusText(o)} (the UAS must answer 2xx)`);
}
