/**
 * The probe's own user agent on the SIP Client API: one SipClient with one IAP on one transport,
 * one SipConnection, and promise-shaped requests with a bounded wait, so the check modules read
 * like the call flow they test. As an SRC it sends OPTIONS, INVITEs (the 2xx ACKed at once),
 * re-INVITEs, UPDATEs and BYEs; as an SRS it hands new INVITEs and in-dialog requests to the
 * caller's handlers.
 */
import type { Clock, ListenSettings, TimerHandle, TlsSettings } from '../../../include-types/settings.js';
import type { ProbeCredentials } from '../../../include-types/siprec-probe.js';
import type { ClientTransaction as ClientTransactionView, Dialog, DialogAssoc, ResponseElementsView, Transaction } from '../../../include-types/api.js';
import type { SipError } from '../../../include-types/errors.js';
import { ConnectionState } from '../../../include-types/states.js';
import {
  HttpDigest, InviteDialogAssoc, MessageElements, RequestElements, SipClient, SipConnection, type ClientTransaction, type ServerTransaction,
} from '../common/api.js';
import { parseAuthParams } from '../../message/index.js';
import { ObserverBase } from '../common/observer.js';
import { freeSipPort } from '../common/ports.js';
import { loadTlsMaterial, type LoadedTlsMaterial } from '../common/tls-settings.js';
import type { SiprecTlsMaterial } from '../../../include-types/siprec.js';

/** What came back for a request. */
export interface Outcome {
  /** Final status, or 0 when none came (timeout or transport error). */
  status: number;
  /** Reason phrase, or what went wrong when there was no response. */
  reason: string;
  /** The final response. */
  response?: ResponseElementsView;
  /** The challenge this request met and the probe answered with credentials, if any. */
  challenge?: ChallengeSeen;
}

/** A 401/407 the probe was asked to answer (RFC 3261 §22.2). */
export interface ChallengeSeen {
  method: string;
  /** 401 or 407. */
  status: number;
  /** The realm challenged ('' when the header named none). */
  realm: string;
  /** Which password answered it: a deliberately wrong one, or the user's. */
  answeredWith: 'wrong' | 'right';
}

/**
 * The probe's TLS files, read and checked as an SRC's are; what is unusable is the caller's
 * argument error (RangeError: `tsip probe` exits 2).
 */
export function probeTlsMaterial(s: SiprecTlsMaterial, where: string): LoadedTlsMaterial {
  try {
    return loadTlsMaterial(s, where);
  } catch (e) {
    throw new RangeError((e as Error).message);
  }
}

/** The TLS listener that material makes (undefined without a certificate), trusting its CAs. */
export function probeListener(m: LoadedTlsMaterial): TlsSettings | undefined {
  return m.cert === undefined ? undefined : { cert: m.cert, key: m.key, ...(m.ca ? { ca: m.ca } : {}) };
}

/** TLS of the probe's stack: the client side (CA, verification, client certificate) and an optional listener. */
export interface ProbeUaTls {
  client: TlsSettings;
  /** With a certificate: a TLS listener, named in our Contact. */
  listener?: TlsSettings;
}

/** Options of {@link ProbeUa.start}. */
export interface ProbeUaOptions {
  /** Local address (never a wildcard: it goes into Via and Contact). */
  host: string;
  /** Local port (0: one free for UDP and TCP). */
  port: number;
  /** The transport that names us; the other one listens beside it. */
  transport: 'udp' | 'tcp' | 'tls';
  /** TLS settings (needed for `tls`). */
  tls?: ProbeUaTls;
  /** Digest credentials: 401/407 challenges are answered (RFC 3261 §22.2). */
  credentials?: ProbeCredentials;
  /** SIP T1, ms. */
  t1: number;
  /** Longest wait for a final response, ms. */
  timeoutMs: number;
  /** Time source of the waits and of the probe's stack. */
  clock: Clock;
  /** New INVITE outside a dialog (SRS role); default: refused by the API. */
  onInvite?: (tx: ServerTransaction) => void;
  /** A request inside a dialog (SRS role). */
  onInDialog?: (tx: ServerTransaction, dialog: Dialog) => void;
}

interface Waiter {
  resolve: (o: Outcome) => void;
  timer: TimerHandle;
  assoc?: InviteDialogAssoc;
  challenge?: ChallengeSeen;
}

function hostPart(a: string): string {
  return a.includes(':') ? `[${a}]` : a;
}

/**
 * The scheme and realm of one WWW-/Proxy-Authenticate value, read by the message layer's
 * parseAuthParams (realm unquoted); what does not parse has neither.
 */
export function challengeOf(value: string): { scheme?: string; realm?: string } {
  try {
    const p = parseAuthParams(value);
    return { scheme: p.scheme, realm: p.params.get('realm') };
  } catch {
    return {};
  }
}

/** The realm a 401/407 names (the first challenge's; the stack itself answers every one). */
function realmOf(res: ResponseElementsView | undefined): string {
  const me = res?.messageElements;
  const values = [...(me?.headerValues('WWW-Authenticate') ?? []), ...(me?.headerValues('Proxy-Authenticate') ?? [])];
  for (const v of values) {
    const realm = challengeOf(v).realm;
    if (realm !== undefined) return realm;
  }
  return '';
}

/**
 * The sockets: the transport that names us first. UDP and TCP share one port; TLS cannot share
 * it with TCP, so with a TLS listener the TLS socket takes the port (TLS and UDP beside it), and
 * a TLS client without a certificate listens on UDP and TCP (its Contact names TCP, as an SRC
 * without a certificate does).
 */
function listenOn(opts: ProbeUaOptions, port: number): ListenSettings[] {
  const at = (protocol: 'udp' | 'tcp'): ListenSettings => ({ protocol, address: opts.host, port });
  if (opts.transport !== 'tls') return [at(opts.transport), at(opts.transport === 'udp' ? 'tcp' : 'udp')];
  if (opts.tls?.listener) return [{ protocol: 'tls', address: opts.host, port, tls: opts.tls.listener }, at('udp')];
  return [at('tcp'), at('udp')];
}

/** The probe's SIP side. @internal */
export class ProbeUa {
  private readonly waiters = new Map<ClientTransaction, Waiter>();
  /** INVITE transactions the API still needs (a 2xx was ACKed): disposed at inviteCompleted or close. */
  private readonly held = new Set<ClientTransaction>();
  private conn: SipConnection | undefined;
  private digest: HttpDigest | undefined;
  /** The password challenges are answered with now (see {@link useWrongPassword}). */
  private answerWith: 'wrong' | 'right' = 'right';
  /** Every challenge the probe answered, in order. */
  readonly challenges: ChallengeSeen[] = [];
  /** The bound address. */
  address = { host: '', port: 0, protocol: 'udp' as string };

  private constructor(private readonly client: SipClient, readonly opts: ProbeUaOptions) {}

  /** Binds the socket and waits for the connection to be Active. */
  static async start(opts: ProbeUaOptions): Promise<ProbeUa> {
    // The chosen transport first (it names us in Via and Contact); the other one beside it on the
    // same port, so a peer whose Contact names another transport can still be reached.
    const port = opts.port === 0 ? await freeSipPort(opts.host) : opts.port;
    const client = new SipClient({
      uid: `tsip-probe-${process.pid}-${Math.random().toString(36).slice(2)}`,
      observer: { incomingRequest: (_iap, tx) => tx.dispose(), timedOut: () => undefined },
      settings: {
        // NOTE (deviation): RFC 3261 §18.1.1 moves requests over 1300 bytes to TCP; the probe sends
        // over the transport it was told to, as the SRC under test would be configured to.
        iaps: [{ id: 'probe', listen: listenOn(opts, port), ...(opts.tls ? { tlsClient: opts.tls.client } : {}), mtu: 65535 + 200 }],
        userAgent: 'tsip-probe',
        timers: { t1: opts.t1 },
        clock: opts.clock,
      },
    });
    const ua = new ProbeUa(client, opts);
    // RFC 3261 §22.2: asked for each realm it has no credentials for; answered with the user's
    // (or, for the deliberate first try, a wrong) password by the API's own digest code.
    if (opts.credentials) ua.digest = new HttpDigest(client, { challengeReceived: (tx) => ua.answerChallenge(tx), challengeReceivedInRefresh: () => undefined });
    await new Promise<void>((resolve, reject) => {
      ua.conn = new SipConnection(client, 'probe', ua.observer(resolve, reject));
    });
    const bound = client.stack.boundAddresses('probe');
    const b = bound.find((x) => x.protocol === opts.transport) ?? bound[0];
    ua.address = { host: b.address, port: b.port, protocol: b.protocol };
    return ua;
  }

  /**
   * From now on challenges are answered with a wrong password (true) or the user's (false); the
   * credentials stored so far are dropped, so the next challenge is asked about again.
   */
  useWrongPassword(wrong: boolean): void {
    this.answerWith = wrong ? 'wrong' : 'right';
    this.digest?.removeCredentials();
  }

  private answerChallenge(tx: ClientTransactionView): void {
    const creds = this.opts.credentials;
    const res = tx.responseElements;
    const seen: ChallengeSeen = { method: tx.type, status: res?.statusCode ?? 0, realm: realmOf(res), answeredWith: this.answerWith };
    this.challenges.push(seen);
    const w = this.waiters.get(tx as ClientTransaction);
    if (w) w.challenge = seen;
    if (!creds || !this.digest) return;
    const password = this.answerWith === 'right' ? creds.password : `${creds.password}-wrong-${Math.random().toString(36).slice(2, 8)}`;
    try {
      this.digest.setCredentialsFor(tx, seen.realm, creds.username, password);
    } catch {
      try { this.digest.ignoreChallenge(tx); } catch { /* gone */ }
    }
  }

  /** The connection (for InviteDialogAssoc.create). */
  get connection(): SipConnection {
    if (!this.conn) throw new Error('probe not started');
    return this.conn;
  }

  /**
   * A URI of ours, with the transport parameter for TCP and TLS; `sips:` on a TLS listener when
   * asked (RFC 5630 §3.1.3: the Contact of a `sips:` request).
   */
  uri(user: string, sips = false): string {
    const p = this.address.protocol;
    if (sips && p === 'tls') return `sips:${user}@${hostPart(this.address.host)}:${this.address.port}`;
    const tp = p === 'udp' ? '' : `;transport=${p}`;
    return `sip:${user}@${hostPart(this.address.host)}:${this.address.port}${tp}`;
  }

  /** Sends OPTIONS outside a dialog. */
  options(remoteUri: string, from: string): Promise<Outcome> {
    let tx: ClientTransaction;
    try {
      tx = this.connection.sendRequest(new RequestElements({
        method: 'OPTIONS', remoteUri, from,
        messageElements: new MessageElements({ headers: [['Accept', 'application/sdp'], ['Supported', 'siprec']] }),
      }));
    } catch (e) {
      return Promise.resolve({ status: 0, reason: `not sent: ${String(e)}` });
    }
    return this.await(tx);
  }

  /** Sends an INVITE in a new dialog; a 2xx is ACKed. */
  async invite(init: { remoteUri: string; from: string; contact: string; elements: MessageElements }): Promise<{ outcome: Outcome; assoc: InviteDialogAssoc | undefined }> {
    let assoc: InviteDialogAssoc;
    let tx: ClientTransaction;
    try {
      assoc = InviteDialogAssoc.create(this.connection, { to: `<${init.remoteUri}>`, remoteUri: init.remoteUri, from: init.from, contact: init.contact });
      tx = assoc.sendInvite(init.elements);
    } catch (e) {
      return { outcome: { status: 0, reason: `not sent: ${String(e)}` }, assoc: undefined };
    }
    const outcome = await this.await(tx, assoc);
    if (outcome.status >= 200 && outcome.status < 300) return { outcome, assoc };
    assoc.dispose();
    return { outcome, assoc: undefined };
  }

  /** A re-INVITE in the dialog; a 2xx is ACKed. */
  reinvite(assoc: InviteDialogAssoc, elements: MessageElements): Promise<Outcome> {
    return this.inDialog(assoc, () => assoc.sendInvite(elements), true);
  }

  /** An UPDATE in the dialog (RFC 3311). */
  update(assoc: InviteDialogAssoc, elements: MessageElements): Promise<Outcome> {
    return this.inDialog(assoc, () => assoc.sendUpdate(elements));
  }

  /** A BYE; the association is disposed after its answer. */
  async bye(assoc: InviteDialogAssoc, elements?: MessageElements): Promise<Outcome> {
    const o = await this.inDialog(assoc, () => assoc.sendBye(elements));
    try { assoc.dispose(); } catch { /* gone */ }
    return o;
  }

  /** Closes the stack (everything it made is disposed). */
  async close(): Promise<void> {
    for (const w of this.waiters.values()) this.opts.clock.clearTimer(w.timer);
    this.waiters.clear();
    this.conn?.dispose();
    await this.client.close();
  }

  private inDialog(assoc: InviteDialogAssoc, send: () => ClientTransaction, invite = false): Promise<Outcome> {
    let tx: ClientTransaction;
    try {
      tx = send();
    } catch (e) {
      return Promise.resolve({ status: 0, reason: `not sent: ${String(e)}` });
    }
    return this.await(tx, invite ? assoc : undefined);
  }

  /** Waits for the final response (or error, or our own bound); a 2xx to an INVITE is ACKed. */
  private await(tx: ClientTransaction, assoc?: InviteDialogAssoc): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = this.opts.clock.setTimer(() => {
        this.waiters.delete(tx);
        try { if (tx.cancelAllowed) tx.cancel().dispose(); } catch { /* answered meanwhile */ }
        this.release(tx);
        resolve({ status: 0, reason: `no final response within ${this.opts.timeoutMs} ms` });
      }, this.opts.timeoutMs);
      this.waiters.set(tx, { resolve, timer, ...(assoc ? { assoc } : {}) });
    });
  }

  private finished(tx: ClientTransaction, error?: string): void {
    const w = this.waiters.get(tx);
    const res = tx.responseElements;
    if (!w || (error === undefined && (!res || res.statusCode < 200))) return;
    this.waiters.delete(tx);
    this.opts.clock.clearTimer(w.timer);
    if (error === undefined && res && tx.type === 'INVITE' && res.statusCode < 300 && w.assoc) {
      try { w.assoc.sendAck(tx); } catch { /* dialog gone */ }
    }
    this.release(tx);
    const challenge = w.challenge ? { challenge: w.challenge } : {};
    w.resolve(error !== undefined || !res ? { status: 0, reason: error ?? 'no response', ...challenge } : { status: res.statusCode, reason: res.reasonPhrase, response: res, ...challenge });
  }

  private release(tx: ClientTransaction): void {
    try {
      tx.dispose();
    } catch {
      this.held.add(tx); // DESIGN §3: an INVITE with a 2xx lives until inviteCompleted
    }
  }

  private observer(resolve: () => void, reject: (e: Error) => void): ObserverBase {
    const self = this;
    return new (class extends ObserverBase {
      override incomingRequest(tx: ServerTransaction): void {
        if (tx.type === 'INVITE' && self.opts.onInvite) return self.opts.onInvite(tx);
        super.incomingRequest(tx);
      }
      override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void {
        if (self.opts.onInDialog) return self.opts.onInDialog(tx, dialog);
        super.incomingRequestInDialog(tx, dialog);
      }
      override incomingResponse(tx: ClientTransaction): void { self.finished(tx); }
      override incomingResponseInDialog(tx: ClientTransaction, _assoc: DialogAssoc): void { self.finished(tx); }
      override errorOccurred(e: SipError, tx: Transaction): void {
        if (tx.isClientTransaction) self.finished(tx as ClientTransaction, `${e.code}: ${e.message}`);
      }
      override errorOccurredInDialog(e: SipError, tx: Transaction): void {
        if (tx.isClientTransaction) self.finished(tx as ClientTransaction, `${e.code}: ${e.message}`);
      }
      override inviteCompleted(tx: ClientTransaction): void {
        if (self.held.delete(tx)) { try { tx.dispose(); } catch { /* kept by the client until close */ } }
      }
      override connectionStateChanged(s: ConnectionState): void {
        if (s === ConnectionState.Active) resolve();
        else if (s === ConnectionState.Unavailable) reject(new Error('probe could not bind its SIP socket'));
      }
    })();
  }
}
