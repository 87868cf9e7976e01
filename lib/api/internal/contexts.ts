/**
 * What the API objects need from their client and connection, as interfaces, so the classes can
 * depend on each other one way only (no import cycles: SipClient knows no SipConnection class,
 * transactions know neither).
 * @module
 */
import type { ServerTransaction as ServerTransactionView, SipConnection } from '../../../include-types/api.js';
import type { ServerTransaction as MachineServerTx } from '../../transaction/index.js';
import type { HttpDigestChallengeObserver, SipConnectionObserver, SipObserver } from '../../../include-types/observers.js';
import type { Clock, Logger } from '../../../include-types/settings.js';
import type { ConnectionState } from '../../../include-types/states.js';
import type { NameAddr, SipUri } from '../../message/index.js';
import type { SipStack } from '../../stack/index.js';
import type { DigestCredentialStore } from '../../stack/digest/index.js';
import type { DialogRoutes } from './dialog-routes.js';
import type { EventQueue } from './event-queue.js';
import type { LiveObjects } from './live-objects.js';

/** Work a connection drops silently when it goes Inactive or Unavailable (Symbian §5.3 (15)). */
export interface DroppableWork {
  /** Stop: no more messages, no callbacks. */
  dropSilently(): void;
}

/** The digest state of a client: its credentials and the app's challenge observer, if any. */
export interface DigestAgent {
  readonly store: DigestCredentialStore;
  /** Set while an `HttpDigest` with an observer exists. */
  observer: HttpDigestChallengeObserver | undefined;
}

/** What every API object reaches through its client. */
export interface ClientContext {
  readonly uid: string;
  readonly stack: SipStack;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly live: LiveObjects;
  readonly events: EventQueue;
  readonly digest: DigestAgent;
  readonly observer: SipObserver;
  readonly dialogRoutes: DialogRoutes;
  /** @throws SipError(ObjectDisposed) once the client is disposed. */
  assertAlive(): void;
  /** The connection for an IAP, if this client has one. */
  connectionContext(iapId: string): ConnectionContext | undefined;
  /** Files a new connection. @throws SipError(ConnectionExists). */
  attachConnection(c: ConnectionContext): void;
  /** Forgets a connection. */
  detachConnection(c: ConnectionContext): void;
  /** A fresh registration-context id. */
  nextContextId(): number;
  /** Remembers the API object of a server transaction (for `inviteCanceled`). */
  noteServerTx(machine: MachineServerTx, tx: ServerTransactionView): void;
  /** Forgets it once answered and disposed (no CANCEL can reach it then). */
  forgetServerTx(machine: MachineServerTx): void;
  /** Resolves once the stack runs (starting an embedded stack on first use). */
  stackReady(): Promise<void>;
}

/** What the API objects of one connection need from it. */
export interface ConnectionContext {
  readonly iapId: string;
  readonly client: ClientContext;
  readonly observer: SipConnectionObserver;
  readonly state: ConnectionState;
  /** The public object. */
  readonly connection: SipConnection;
  /** @throws SipError(ObjectDisposed | ConnectionNotActive) unless the connection can send. */
  assertCanSend(): void;
  /** Our Contact for a user part (`<sip:user@host:port;transport=..>`), from the IAP's socket. */
  localContact(user?: string): NameAddr;
  /** A From for requests the app gave none for. */
  defaultFrom(): NameAddr;
  /** The host:port the IAP listens on, as a SIP URI. */
  localUri(): SipUri;
  /** Files work to drop when the connection goes down; returns the function that unfiles it. */
  track(work: DroppableWork): () => void;
}
