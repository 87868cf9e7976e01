/**
 * CSIPHttpDigest with MSIPHttpDigestChallengeObserver2: credentials per realm for HTTP Digest
 * (RFC 3261 §22, RFC 7616: MD5 and SHA-256, qop=auth, nonce counts). While credentials exist for
 * a realm, every 401/407 from it is answered by the stack, for stand-alone, registration and
 * in-dialog requests and their refreshes alike. Without them the observer is asked
 * (`challengeReceived(tx)` / `challengeReceivedInRefresh(refresh)`); the app then calls
 * `setCredentialsFor...` or `ignoreChallenge...`. Without an `HttpDigest` the 401/407 is simply
 * the request's final response.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { HttpDigestChallengeObserver } from '../../include-types/observers.js';
import type { DigestAgent } from './internal/contexts.js';
import { OwnedObject } from './internal/owned-object.js';
import type { ClientTransaction as ClientTransactionView, Refresh as RefreshView } from '../../include-types/api.js';
import { Refresh } from './refresh.js';
import type { SipClient } from './sip-client.js';
import { ClientTransaction } from './transactions/client-transaction.js';

function asTx(tx: ClientTransactionView): ClientTransaction {
  if (!(tx instanceof ClientTransaction)) throw new SipError(SipErrorCode.InvalidArgument, 'not a tsip ClientTransaction');
  return tx;
}

function asRefresh(r: RefreshView): Refresh {
  if (!(r instanceof Refresh)) throw new SipError(SipErrorCode.InvalidArgument, 'not a tsip Refresh');
  return r;
}

/** Options of a credential. */
export interface CredentialOptions {
  /** Use these credentials only for requests through this outbound proxy (CSIPHttpDigest::SetCredentialsL with aOutboundProxy). */
  outboundProxy?: string;
}

/** CSIPHttpDigest: one per client. */
export class HttpDigest extends OwnedObject {
  readonly kind = 'HttpDigest';
  private readonly agent: DigestAgent;
  private readonly realms = new Map<string, CredentialOptions>();

  /**
   * @param observer asked for credentials the app has not given; without one, challenges with no
   *   credentials end their request with the 401/407.
   * @throws SipError(InvalidState) if the client already has an `HttpDigest` with an observer.
   */
  constructor(client: SipClient, observer?: HttpDigestChallengeObserver) {
    const ctx = client.context;
    ctx.assertAlive();
    super(ctx.live);
    this.agent = ctx.digest;
    if (observer !== undefined) {
      if (this.agent.observer !== undefined) throw new SipError(SipErrorCode.InvalidState, 'the client already has a challenge observer');
      this.agent.observer = observer;
    }
    this.observerSet = observer;
    this.track();
  }

  private readonly observerSet: HttpDigestChallengeObserver | undefined;

  /**
   * Sets (or replaces) the credentials for a realm (CSIPHttpDigest::SetCredentialsL).
   * @throws SipError(InvalidArgument) for an empty username.
   */
  setCredentials(realm: string, username: string, password: string, options: CredentialOptions = {}): void {
    this.assertAlive();
    if (username === '') throw new SipError(SipErrorCode.InvalidArgument, 'empty username');
    this.agent.store.setCredentials(realm, { username, secret: { password } }, options);
    this.realms.set(realm, options);
  }

  /** Answers the challenge `tx` is waiting on: sets the realm's credentials and re-sends. */
  setCredentialsFor(tx: ClientTransactionView, realm: string, username: string, password: string, options: CredentialOptions = {}): void {
    this.setCredentials(realm, username, password, options);
    asTx(tx).retryChallenge();
  }

  /** Answers the challenge a refresh is waiting on. */
  setCredentialsForRefresh(refresh: RefreshView, realm: string, username: string, password: string, options: CredentialOptions = {}): void {
    this.setCredentials(realm, username, password, options);
    asRefresh(refresh).retryChallenge();
  }

  /** Declines the challenge `tx` is waiting on: its 401/407 becomes its final response. */
  ignoreChallenge(tx: ClientTransactionView, _realm?: string): void {
    this.assertAlive();
    asTx(tx).ignoreChallenge();
  }

  /** Declines the challenge a refresh is waiting on: the refresh fails (`errorOccurredIn...Refresh`). */
  ignoreChallengeInRefresh(refresh: RefreshView, _realm?: string): void {
    this.assertAlive();
    asRefresh(refresh).ignoreChallenge();
  }

  /** Removes a realm's credentials, or all of them (CSIPHttpDigest::RemoveCredentials). */
  removeCredentials(realm?: string): void {
    this.assertAlive();
    const list = realm === undefined ? [...this.realms] : [[realm, this.realms.get(realm) ?? {}] as const];
    for (const [r, o] of list) {
      this.agent.store.removeCredentials(r, o);
      this.realms.delete(r);
    }
  }

  protected onDispose(): void {
    if (this.agent.observer === this.observerSet) this.agent.observer = undefined;
  }
}
