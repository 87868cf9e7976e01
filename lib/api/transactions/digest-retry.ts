/**
 * Answering a 401/407 for a client transaction (RFC 3261 §22.2, RFC 7616): what the credential
 * store says, and the request re-sent with the credentials.
 * @module
 */
import type { SipRequest, SipResponse } from '../../message/index.js';
import type { DigestAnswer, DigestCredentialStore } from '../../stack/digest/index.js';

/** True for a challenge the client may answer. */
export function isChallenge(res: SipResponse): boolean {
  return res.status === 401 || res.status === 407;
}

/** Asks the store what to do with a challenge to `request`. */
export function answerChallenge(store: DigestCredentialStore, request: SipRequest, res: SipResponse, outboundProxy?: string): DigestAnswer {
  return store.answer(
    { wwwAuthenticate: res.headers.getAll('WWW-Authenticate'), proxyAuthenticate: res.headers.getAll('Proxy-Authenticate') },
    {
      method: request.method,
      uri: request.uri.toString(),
      body: request.body,
      authorization: request.headers.getAll('Authorization'),
      proxyAuthorization: request.headers.getAll('Proxy-Authorization'),
    },
    outboundProxy === undefined ? {} : { outboundProxy },
  );
}

/** Puts the credentials of a `retry` answer into a request (replacing any it had). */
export function withCredentials(request: SipRequest, answer: { authorization: string[]; proxyAuthorization: string[] }): SipRequest {
  request.headers.delete('Authorization');
  request.headers.delete('Proxy-Authorization');
  for (const v of answer.authorization) request.headers.append('Authorization', v);
  for (const v of answer.proxyAuthorization) request.headers.append('Proxy-Authorization', v);
  return request;
}

/**
 * The realms a 401/407 challenges (for pre-emptive credentials later): lib/stack/digest's parser
 * (RFC 7616 §3.3 / RFC 8760 challenges, quoted or not, several per header value), not a copy.
 */
export { challengedRealms } from '../../stack/digest/index.js';

/** A copy of a request for its next attempt: CSeq + 1, no Via (a new branch). */
export function nextAttempt(previous: SipRequest): SipRequest {
  const next = previous.clone();
  next.headers.delete('Via');
  const cseq = previous.cseq;
  next.cseq = { seq: cseq.seq + 1, method: cseq.method };
  return next;
}
