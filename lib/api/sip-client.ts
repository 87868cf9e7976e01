/**
 * CSIP: the app's handle on the SIP stack, identified by a UID. Several clients may share one
 * `SipStack` (the Symbian client-server model); a client made without one gets its own embedded
 * stack. Requests outside any dialog go to the client whose `SipConnection` is on the IAP they
 * arrived on; without one, to `SipObserver.incomingRequest(iapId, tx)` of the first client.
 * Disposing the client disposes every object it made.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { SipConnection as SipConnectionView } from '../../include-types/api.js';
import type { SipObserver } from '../../include-types/observers.js';
import type { Clock, Logger, SipStackSettings } from '../../include-types/settings.js';
import { type SipRequest, createResponse } from '../message/index.js';
import { DEFAULT_MIN_SE, parseSessionExpires } from '../dialog/session-expires.js';
import { type Claim, SipStack } from '../stack/index.js';
import { DigestCredentialStore } from '../stack/digest/index.js';
import type { InviteServerTransaction, ServerTransaction as MachineServerTx } from '../transaction/index.js';
import type { ClientContext, ConnectionContext, DigestAgent } from './internal/contexts.js';
import { DialogRoutes } from './internal/dialog-routes.js';
import { EventQueue } from './internal/event-queue.js';
import { LiveObjects } from './internal/live-objects.js';
import { ensureStarted } from './internal/stack-start.js';
import { ServerTransaction } from './transactions/server-transaction.js';

/** Options of a {@link SipClient}. */
export interface SipClientOptions {
  /** The client's UID, unique per stack (Symbian TUid). */
  uid: string;
  /** Receives requests no connection takes, and answer time-outs. */
  observer: SipObserver;
  /** A stack shared with other clients. Default: an embedded stack built from `settings`. */
  stack?: SipStack;
  /**
   * Settings of the embedded stack (ignored with `stack`). Default: one IAP "default" on
   * 127.0.0.1, UDP and TCP, ports chosen by the system.
   */
  settings?: SipStackSettings;
  /**
   * How long a request handed to `SipObserver.incomingRequest` may wait for a first response
   * (a 1xx will do) before the stack answers 480 (INVITE) / 408 and calls `SipObserver.timedOut`,
   * in ms (default 32000).
   */
  answerTimeout?: number;
  /** Methods this client serves outside dialogs (default: every method RFC 3261 and extensions define). */
  methods?: readonly string[];
  /** RFC 4028: the smallest Session-Expires accepted in an INVITE; smaller ones get 422 (default 90). */
  minSessionExpires?: number;
}

const DEFAULT_METHODS = ['INVITE', 'BYE', 'OPTIONS', 'MESSAGE', 'INFO', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'UPDATE', 'PRACK', 'PUBLISH', 'REGISTER'];

/** The settings of an embedded stack when none are given. */
export function defaultStackSettings(): SipStackSettings {
  return {
    iaps: [
      {
        id: 'default',
        listen: [
          { protocol: 'udp', address: '127.0.0.1', port: 0 },
          { protocol: 'tcp', address: '127.0.0.1', port: 0 },
        ],
      },
    ],
  };
}

let contextIds = 0;

// NOTE: no `implements StackUser`: those members are marked internal, so the published .d.ts (stripInternal)
// would not satisfy it; `stack.addUser(this)` checks the shape instead.
/** CSIP: one per app (or per app component), identified by its UID. */
export class SipClient {
  /** The client's UID. */
  readonly uid: string;
  /** The stack this client runs on. */
  readonly stack: SipStack;
  /** @internal */
  readonly methods: readonly string[];
  private readonly observer: SipObserver;
  private readonly embedded: boolean;
  private readonly core: ClientContext;
  private readonly connections = new Map<string, ConnectionContext>();
  private readonly byMachine = new WeakMap<MachineServerTx, ServerTransaction>();
  private readonly answerTimeout: number;
  private readonly minSE: number;
  private disposed = false;

  /**
   * Creates the client and adds it to its stack. The embedded stack starts when the first
   * `SipConnection` is made.
   * @throws SipError(InvalidArgument) if the UID is empty or taken on the shared stack.
   */
  constructor(options: SipClientOptions) {
    if (options.uid.trim() === '') throw new SipError(SipErrorCode.InvalidArgument, 'a client needs a UID');
    this.uid = options.uid;
    this.observer = options.observer;
    this.embedded = options.stack === undefined;
    this.stack = options.stack ?? new SipStack(options.settings ?? defaultStackSettings());
    this.methods = options.methods ?? DEFAULT_METHODS;
    this.answerTimeout = options.answerTimeout ?? 32_000;
    this.minSE = Math.max(DEFAULT_MIN_SE, options.minSessionExpires ?? DEFAULT_MIN_SE);
    const stack = this.stack;
    const live = new LiveObjects();
    const events = new EventQueue(stack.logger);
    const digest: DigestAgent = { store: new DigestCredentialStore(), observer: undefined };
    const self = this;
    this.core = {
      uid: this.uid,
      stack,
      clock: stack.clock as Clock,
      logger: stack.logger as Logger,
      live,
      events,
      digest,
      observer: this.observer,
      dialogRoutes: new DialogRoutes(stack, this),
      assertAlive: () => self.assertAlive(),
      connectionContext: (iapId) => self.connections.get(iapId),
      attachConnection: (c) => {
        self.assertAlive();
        if (self.connections.has(c.iapId)) throw new SipError(SipErrorCode.ConnectionExists, `a connection on IAP ${c.iapId} exists`);
        self.connections.set(c.iapId, c);
      },
      detachConnection: (c) => {
        if (self.connections.get(c.iapId) === c) self.connections.delete(c.iapId);
      },
      nextContextId: () => ++contextIds,
      noteServerTx: (m, tx) => {
        if (tx instanceof ServerTransaction) self.byMachine.set(m, tx);
      },
      // the machine lives on until Timer L (32 s), and as a WeakMap key it would keep the whole
      // API transaction (request elements and all) alive with it
      forgetServerTx: (m) => self.byMachine.delete(m),
      stackReady: () => ensureStarted(stack),
    };
    stack.addUser(this);
  }

  /** @internal What the API objects of this client share. */
  get context(): ClientContext {
    return this.core;
  }

  /** True once disposed. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * The security mechanisms the stack supports (CSIP::SupportedSecurityMechanismsL): "digest",
   * and "tls" when an IAP has a TLS socket.
   */
  supportedSecurityMechanisms(): string[] {
    this.assertAlive();
    const out = ['digest'];
    const tls = this.stack.iapIds.some((id) => {
      try {
        return this.stack.boundAddresses(id).some((b) => b.protocol === 'tls');
      } catch {
        return false;
      }
    });
    if (tls) out.push('tls');
    return out;
  }

  /** SigComp (RFC 3320) is not supported (CSIP::IsSigCompSupportedL). */
  isSigCompSupported(): boolean {
    this.assertAlive();
    return false;
  }

  /** The connection this client has on an IAP (CSIP::Connection), if any. */
  connection(iapId: string): SipConnectionView | undefined {
    this.assertAlive();
    return this.connections.get(iapId)?.connection;
  }

  /** Live API objects of this client by class name (tests prove they return to zero). */
  liveObjects(): Record<string, number> {
    return this.core.live.counts();
  }

  /** Number of live API objects. */
  get liveObjectCount(): number {
    return this.core.live.size;
  }

  /**
   * Disposes every object the client made, leaves the stack, and shuts an embedded stack down
   * (use {@link close} to wait for its sockets). Idempotent.
   */
  dispose(): void {
    void this.close();
  }

  /** Same as `dispose()`, resolving once an embedded stack closed its sockets. */
  async close(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.core.live.releaseAll();
    for (const c of [...this.connections.values()]) c.connection.dispose();
    this.connections.clear();
    this.core.dialogRoutes.clear();
    this.core.events.close();
    this.core.digest.observer = undefined;
    this.stack.removeUser(this);
    if (this.embedded) await this.stack.shutdown();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- StackUser ----

  /** @internal Takes requests on IAPs it has a connection on; others only as a fallback. */
  claim(_request: SipRequest, iapId: string): Claim | undefined {
    if (this.disposed) return undefined;
    return this.connections.has(iapId) ? 'connection' : 'client';
  }

  /** @internal A new request outside any dialog. */
  onRequest(machine: MachineServerTx, claim: Claim): void {
    const req = machine.request;
    const iapId = machine.source.iapId;
    // RFC 4028 §9: a Session-Expires below our minimum is refused before the app sees it
    if (req.method === 'INVITE') {
      const raw = req.headers.get('Session-Expires');
      const se = raw === undefined ? undefined : parseSessionExpires(raw);
      if (se !== undefined && se.interval < this.minSE) {
        const res = createResponse(req, 422, 'Session Interval Too Small');
        res.headers.set('Min-SE', String(this.minSE));
        machine.respond(res);
        return;
      }
    }
    const tx = new ServerTransaction(this.core, req, machine, iapId);
    this.byMachine.set(machine, tx);
    const conn = claim === 'connection' ? this.connections.get(iapId) : undefined;
    if (conn !== undefined) {
      this.core.events.post(() => conn.observer.incomingRequest(tx));
      return;
    }
    // MSIPObserver::IncomingRequest; TimedOut if the app leaves it unanswered
    tx.answerAfter(this.answerTimeout, req.method === 'INVITE' ? 480 : 408, () => this.core.events.post(() => this.observer.timedOut(tx)));
    this.core.events.post(() => this.observer.incomingRequest(iapId, tx));
  }

  /** @internal A CANCEL ended one of our INVITE server transactions (the stack answered 487). */
  onInviteCanceled(machine: InviteServerTransaction): void {
    const tx = this.byMachine.get(machine);
    if (tx === undefined) return;
    tx.markCanceled();
    const conn = this.connections.get(tx.iapId);
    if (conn !== undefined) this.core.events.post(() => !tx.isDisposed && conn.observer.inviteCanceled(tx));
  }

  private assertAlive(): void {
    if (this.disposed) throw new SipError(SipErrorCode.ObjectDisposed, 'SipClient was disposed');
  }
}
