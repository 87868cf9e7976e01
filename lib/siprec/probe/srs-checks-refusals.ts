/**
 * `probe srs`: INVITEs the SRS must not take as recording sessions, each a new dialog:
 * - an unknown option tag in Require: 420 with Unsupported (RFC 3261 §8.2.2.3, MUST);
 * - no `Require: siprec`, or no `+sip.src`: RFC 7866 §6.2 says the SRS MUST only consider an
 *   INVITE an RS when it has both. Refusing it passes; a 2xx that marks the dialog an RS
 *   (`+sip.srs`) breaks the MUST (FAIL); a plain 2xx may be the "normal call" the RFC leaves
 *   open, which the probe cannot tell from a recording (WARN);
 * - malformed metadata: no RFC keyword says refuse, but a 4xx (RFC 3261 §21.4) is what keeps the
 *   SRC from recording with no participant mapping; a 2xx or a 5xx is a WARN.
 * Whatever is accepted is ended with BYE at once.
 */
import { contactHasFeatureTag } from '../body/index.js';
import { UNKNOWN_OPTION_TAG, bodyElements, brokenMetadata, inviteHeaders, type InviteShape } from './srs-offer.js';
import { statusText, type SrsProbeContext } from './srs-context.js';

async function send(ctx: SrsProbeContext, shape: InviteShape, metadataXml?: string) {
  const me = bodyElements(inviteHeaders(shape), ctx.session.sdp(false, false), metadataXml ?? ctx.session.completeXml());
  const r = await ctx.ua.invite({ remoteUri: ctx.target, from: ctx.from, contact: ctx.contact(shape.srcTag ?? true), elements: me });
  if (r.assoc) await ctx.ua.bye(r.assoc);
  return r.outcome;
}

/** Require: siprec plus a tag nobody knows → 420 Bad Extension with Unsupported naming it. */
export async function checkUnknownRequire(ctx: SrsProbeContext): Promise<void> {
  const rfc = 'RFC 3261 §8.2.2.3';
  const o = await send(ctx, { require: `siprec, ${UNKNOWN_OPTION_TAG}` });
  const unsupported = (o.response?.messageElements.headerValues('Unsupported') ?? []).map((t) => t.trim().toLowerCase());
  if (o.status === 420 && unsupported.includes(UNKNOWN_OPTION_TAG)) {
    return ctx.results.pass('require-unknown', rfc, `Require: siprec, ${UNKNOWN_OPTION_TAG} answered 420 with Unsupported: ${UNKNOWN_OPTION_TAG}`);
  }
  if (o.status === 420) return ctx.results.fail('require-unknown', rfc, `420 without Unsupported: ${UNKNOWN_OPTION_TAG} (${unsupported.join(', ') || 'none'})`);
  ctx.results.fail('require-unknown', rfc, `Require: siprec, ${UNKNOWN_OPTION_TAG} answered ${statusText(o)} (must be 420 Bad Extension)`);
}

async function checkNotRs(ctx: SrsProbeContext, id: string, shape: InviteShape, what: string): Promise<void> {
  const rfc = 'RFC 7866 §6.2';
  const o = await send(ctx, shape);
  if (o.status === 0) return ctx.results.warn(id, rfc, `INVITE ${what}: ${o.reason} (refusals are expected as a final response)`);
  if (o.status >= 300) return ctx.results.pass(id, rfc, `INVITE ${what} refused ${statusText(o)}`);
  const srs = contactHasFeatureTag(o.response?.messageElements.headerValues('Contact') ?? [], '+sip.srs');
  if (srs) return ctx.results.fail(id, rfc, `INVITE ${what} accepted ${statusText(o)} as a recording session (+sip.srs in Contact): an RS needs both Require: siprec and +sip.src`);
  ctx.results.warn(id, rfc, `INVITE ${what} accepted ${statusText(o)} without +sip.srs: allowed as a normal call, but it is not refused`);
}

/** No Require: siprec. */
export function checkNoRequire(ctx: SrsProbeContext): Promise<void> {
  return checkNotRs(ctx, 'refuse-no-require', { require: undefined }, 'without Require: siprec');
}

/** No +sip.src on the Contact. */
export function checkNoSrcTag(ctx: SrsProbeContext): Promise<void> {
  return checkNotRs(ctx, 'refuse-no-src-tag', { srcTag: false }, 'without +sip.src');
}

/** A metadata document that is not well-formed XML. */
export async function checkMalformedMetadata(ctx: SrsProbeContext): Promise<void> {
  const rfc = 'RFC 7866 §9.2, RFC 7865 §5';
  const o = await send(ctx, {}, brokenMetadata(ctx.session.completeXml()));
  if (o.status >= 400 && o.status < 500) return ctx.results.pass('malformed-metadata', rfc, `INVITE with malformed metadata refused ${statusText(o)}`);
  if (o.status === 0) return ctx.results.warn('malformed-metadata', rfc, `INVITE with malformed metadata: ${o.reason}`);
  ctx.results.warn('malformed-metadata', rfc, `INVITE with malformed metadata answered ${statusText(o)} (a 4xx tells the SRC its metadata is unusable)`);
}
