/**
 * The UAS core's checks on a new request before any user sees it (RFC 3261 §8.2.1–§8.2.2):
 * each failed check names the response the stack sends.
 */
import { SipRequest, SipUri, createResponse, type SipResponse } from '../message/index.js';

/** Methods defined by RFC 3261 and its extensions that the stack recognises. */
export const KNOWN_METHODS: readonly string[] = [
  'INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', // RFC 3261
  'PRACK', // RFC 3262
  'SUBSCRIBE', 'NOTIFY', // RFC 6665
  'REFER', // RFC 3515
  'MESSAGE', // RFC 3428
  'INFO', // RFC 6086
  'UPDATE', // RFC 3311
  'PUBLISH', // RFC 3903
];

/** Option tags understood by default (RFC 3261 §8.2.2.3). */
export const DEFAULT_EXTENSIONS: readonly string[] = ['100rel', 'timer', 'replaces', 'siprec', 'path', 'outbound', 'gruu', 'norefersub'];

/** What the checks need to know about the stack. */
export interface UasCheckContext {
  /** Methods some user of the stack handles; they go in Allow. */
  allowedMethods: readonly string[];
  /** Option tags the users understand. */
  supportedExtensions: readonly string[];
  /** Value of the Server header, if any. */
  server?: string;
}

/**
 * Runs the checks in RFC 3261 order. Returns the error response to send, or undefined when the
 * request may go to a user. ACK is never answered (§17.1.1.3); CANCEL skips the Require check.
 */
export function checkNewRequest(req: SipRequest, ctx: UasCheckContext): SipResponse | undefined {
  if (req.method === 'ACK') return undefined;
  // RFC 3261 §8.2.1: unknown method → 501, known but not served → 405, both with Allow
  if (!ctx.allowedMethods.includes(req.method)) {
    const status = KNOWN_METHODS.includes(req.method) ? 405 : 501;
    return withAllow(reply(req, status, ctx), ctx);
  }
  // RFC 3261 §8.2.2.1: a Request-URI scheme we do not serve → 416
  if (!(req.uri instanceof SipUri)) return reply(req, 416, ctx);
  // RFC 3261 §8.2.2.3: Require with option tags nobody here understands → 420 with Unsupported
  if (req.method !== 'CANCEL') {
    const unsupported = req.require.filter((tag) => !ctx.supportedExtensions.includes(tag.toLowerCase()));
    if (unsupported.length > 0) {
      const res = reply(req, 420, ctx);
      res.headers.set('Unsupported', unsupported.join(', '));
      return res;
    }
  }
  return undefined;
}

/**
 * A response built by {@link createResponse} with the Server header.
 * @param toTag the tag already sent in this transaction's responses, so every response agrees.
 */
export function reply(req: SipRequest, status: number, ctx: { server?: string }, reason?: string, toTag?: string): SipResponse {
  const res = createResponse(req, status, reason, toTag);
  if (ctx.server !== undefined) res.headers.set('Server', ctx.server);
  return res;
}

function withAllow(res: SipResponse, ctx: UasCheckContext): SipResponse {
  res.headers.set('Allow', ctx.allowedMethods.join(', '));
  return res;
}
