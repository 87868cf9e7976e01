/**
 * Test helper: a small SIP server on its own SipStack (127.0.0.1, UDP, port 0) playing registrar
 * (with RFC 7616 digest for alice/secret), presence notifier, PUBLISH/MESSAGE/OPTIONS target, and
 * forking or challenging UAS, as each test needs. It records every request it got.
 */
import { FakeClock } from '../../../lib/transaction/index.js';
import type { Clock } from '../../../include-types/settings.js';
import { type SipRequest, type SipResponse, createResponse, newTag } from '../../../lib/message/index.js';
import { SipStack, type StackUser } from '../../../lib/stack/index.js';
import { DigestServer } from '../../../lib/stack/digest/index.js';
import type { ServerTransaction } from '../../../lib/transaction/index.js';

/** What the server does with each request; return a response or undefined to use the default. */
export type Behaviour = (req: SipRequest, tx: ServerTransaction, server: FakeServer) => SipResponse | 'handled' | undefined;

/** Options of the fake server. */
export interface FakeServerOptions {
  clock?: Clock;
  /** Challenge REGISTER (default true). */
  auth?: boolean;
  algorithms?: Array<'MD5' | 'SHA-256'>;
  behaviour?: Behaviour;
}

/** A running fake server. */
export class FakeServer {
  readonly stack: SipStack;
  readonly requests: SipRequest[] = [];
  readonly digest: DigestServer;
  /** Registered contacts by AOR user. */
  readonly bindings = new Map<string, string>();
  behaviour: Behaviour | undefined;
  private readonly auth: boolean;

  private constructor(options: FakeServerOptions) {
    const clock = options.clock ?? new FakeClock();
    this.stack = new SipStack({ iaps: [{ id: 'srv', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], clock });
    this.digest = new DigestServer({ realm: 'tsip.test', clock, algorithms: options.algorithms ?? ['SHA-256', 'MD5'] });
    this.auth = options.auth ?? true;
    this.behaviour = options.behaviour;
    const user: StackUser = {
      uid: 'fake-server',
      methods: ['REGISTER', 'MESSAGE', 'OPTIONS', 'PUBLISH', 'SUBSCRIBE', 'INVITE', 'BYE', 'INFO', 'NOTIFY', 'UPDATE', 'PRACK'],
      claim: () => 'connection',
      onRequest: (tx) => this.handle(tx),
    };
    this.stack.addUser(user);
  }

  /** Starts a server. */
  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const s = new FakeServer(options);
    await s.stack.start();
    return s;
  }

  /** Port of the UDP socket. */
  get port(): number {
    return this.stack.boundAddresses('srv')[0].port;
  }

  /** sip:127.0.0.1:port */
  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }

  /** Requests of one method. */
  of(method: string): SipRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  /** Resolves once `n` requests of `method` arrived. */
  async waitFor(method: string, n = 1, timeoutMs = 5000): Promise<SipRequest> {
    const end = Date.now() + timeoutMs;
    while (this.of(method).length < n) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${n} ${method}; got ${this.requests.map((r) => r.method).join(',')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.of(method)[n - 1];
  }

  async stop(): Promise<void> {
    await this.stack.shutdown();
  }

  private handle(tx: ServerTransaction): void {
    const req = tx.request;
    this.requests.push(req);
    const custom = this.behaviour?.(req, tx, this);
    if (custom === 'handled') return;
    const res = custom ?? this.defaultResponse(req);
    tx.respond(res);
  }

  private defaultResponse(req: SipRequest): SipResponse {
    if (req.method === 'REGISTER') return this.register(req);
    if (req.method === 'PUBLISH') {
      const res = createResponse(req, 200);
      res.headers.set('SIP-ETag', `etag-${this.of('PUBLISH').length}`);
      res.headers.set('Expires', req.headers.get('Expires') ?? '3600');
      return res;
    }
    return createResponse(req, 200);
  }

  /** A REGISTER: 401 without valid credentials, else 200 with the binding, Path and Service-Route. */
  register(req: SipRequest): SipResponse {
    if (this.auth) {
      const auth = req.headers.get('Authorization');
      const v = auth === undefined ? undefined : this.digest.verifyAuthorization(auth, { method: 'REGISTER', uri: req.uri.toString(), lookup: (u) => (u === 'alice' ? { password: 'secret' } : undefined) });
      if (v === undefined || v.result !== 'ok') {
        const res = createResponse(req, 401);
        for (const c of this.digest.createChallenge({ stale: v?.result === 'stale' })) res.headers.append('WWW-Authenticate', c);
        return res;
      }
    }
    const res = createResponse(req, 200);
    const user = req.to.uri.toString();
    const expires = req.expires ?? 3600;
    const contact = req.headers.getAll('Contact')[0];
    if (expires === 0) this.bindings.delete(user);
    else if (contact !== undefined) {
      const plain = contact.replace(/;expires=\d+/, '');
      this.bindings.set(user, plain);
      res.headers.append('Contact', `${plain};expires=${Math.min(expires, 600)}`);
    }
    res.headers.set('Path', '<sip:edge.tsip.test;lr>');
    res.headers.set('Service-Route', `<sip:orig@127.0.0.1:${this.port};lr>`);
    return res;
  }
}

export { newTag };
