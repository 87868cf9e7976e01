/**
 * Digest on SIP messages (RFC 3261 §22.2–22.4): reading the challenges of a 401/407, what the
 * challenged request covered, and building the retried request.
 * @module
 */
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { SipRequest, SipResponse } from '../../message/index.js';
import { type ChallengeHeaders, type ChallengeOrigin, parseChallenges } from './challenge.js';
import type { ChallengedRequest, CredentialScope, DigestAnswer, DigestCredentialStore } from './credential-store.js';

/** The WWW-Authenticate and Proxy-Authenticate values of a response. */
export function challengesOf(res: SipResponse): ChallengeHeaders {
  return { wwwAuthenticate: res.headers.getAll('WWW-Authenticate'), proxyAuthenticate: res.headers.getAll('Proxy-Authenticate') };
}

/**
 * The realms a 401/407 challenges, with the header each came in (quoted or not, several
 * challenges per header value), for pre-emptive credentials on later requests.
 */
export function challengedRealms(res: SipResponse): Array<{ origin: ChallengeOrigin; realm: string }> {
  const seen = new Set<string>();
  const out: Array<{ origin: ChallengeOrigin; realm: string }> = [];
  for (const c of parseChallenges(challengesOf(res)).supported) {
    const key = c.origin + '\0' + c.realm;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ origin: c.origin, realm: c.realm });
  }
  return out;
}

/**
 * What a request's digest covers (RFC 3261 §22.4: the method and the Request-URI as sent) and
 * the credentials it carried.
 */
export function challengedRequestOf(req: SipRequest): ChallengedRequest {
  return {
    method: req.method,
    uri: req.uri.toString(),
    body: req.body,
    authorization: req.headers.getAll('Authorization'),
    proxyAuthorization: req.headers.getAll('Proxy-Authorization'),
  };
}

/** Options of {@link buildAuthorizedRetry}. */
export interface RetryOptions {
  /** CSeq number of the retry (default: the challenged one + 1). A dialog gives its own. */
  cseq?: number;
}

/**
 * The request to resend after a challenge (RFC 3261 §22.2): a copy with the new credentials in
 * place of the old ones, CSeq incremented, and no Via (the transaction layer adds one with a new
 * branch). For requests within a dialog pass the dialog's next CSeq in `options.cseq`.
 */
export function buildAuthorizedRetry(req: SipRequest, answer: Extract<DigestAnswer, { kind: 'retry' }>, options: RetryOptions = {}): SipRequest {
  const copy = req.clone();
  copy.headers.delete('Via');
  copy.headers.delete('Authorization');
  copy.headers.delete('Proxy-Authorization');
  for (const v of answer.proxyAuthorization) copy.headers.append('Proxy-Authorization', v);
  for (const v of answer.authorization) copy.headers.append('Authorization', v);
  copy.cseq = { seq: options.cseq ?? req.cseq.seq + 1, method: req.cseq.method };
  return copy;
}

/** The outcome of {@link answerChallenge}. */
export type ChallengeOutcome =
  | { kind: 'retry'; request: SipRequest }
  | Exclude<DigestAnswer, { kind: 'retry' }>;

/**
 * Reads a 401/407 to `req` and either builds the retried request or says why not (ask the app
 * for credentials, or give up with AuthenticationFailed).
 */
export function answerChallenge(store: DigestCredentialStore, req: SipRequest, res: SipResponse, scope: CredentialScope = {}, options: RetryOptions = {}): ChallengeOutcome {
  const a = store.answer(challengesOf(res), challengedRequestOf(req), scope);
  if (a.kind !== 'retry') return a;
  return { kind: 'retry', request: buildAuthorizedRetry(req, a, options) };
}

/**
 * The error to report when a challenge cannot be answered: the app ignored it, or the answer
 * was `failed` (credentials rejected, or no challenge tsip supports).
 * @param status the 401/407 that could not be answered.
 */
export function authenticationFailed(status: number, answer?: Extract<DigestAnswer, { kind: 'failed' | 'needCredentials' }>): SipError {
  const why =
    answer === undefined
      ? 'challenge ignored'
      : answer.kind === 'needCredentials'
        ? `no credentials for ${answer.realms.join(', ')}`
        : answer.reason === 'rejected'
          ? `credentials rejected for ${answer.realms.join(', ')}`
          : 'no supported challenge';
  return new SipError(SipErrorCode.AuthenticationFailed, why, { statusCode: status });
}
