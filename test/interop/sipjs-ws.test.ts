/**
 * SIP.js (in Node, the `ws` package as its WebSocket) against the tsip UAS over WebSocket
 * (RFC 7118): REGISTER, MESSAGE, and an INVITE with a plain SDP offer from a minimal session
 * description handler (no media), established and ended by BYE. SIP.js also sends RFC 5626
 * CRLF keep-alives on the WebSocket, which tsip answers.
 */
import t from 'tap';
import { WebSocket } from 'ws';
import { Inviter, Messager, Registerer, SessionState, UserAgent, type SessionDescriptionHandler } from 'sip.js';
import { createAnsweringUas } from '../../lib/cli/answering-uas.js';
import { SipStack } from '../../lib/stack/index.js';

/** A session description handler that offers plain G.711 audio and takes any answer: no media. */
class PlainSdp implements SessionDescriptionHandler {
  answer: string | undefined;
  close(): void {}
  async getDescription(): Promise<{ body: string; contentType: string }> {
    const body = ['v=0', 'o=sipjs 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 7078 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n');
    return { body, contentType: 'application/sdp' };
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  async setDescription(sdp: string): Promise<void> {
    this.answer = sdp;
  }
  sendDtmf(): boolean {
    return false;
  }
}

function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const tick = (): void => {
      if (cond()) return resolve();
      if (Date.now() > end) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

t.test('SIP.js over WebSocket: REGISTER, MESSAGE, INVITE/ACK/BYE, CRLF keep-alive', async (t) => {
  // SIP.js's transport uses the browser's WebSocket global; Node 20 has none
  const g = globalThis as { WebSocket?: unknown };
  const previous = g.WebSocket;
  g.WebSocket = WebSocket;
  t.teardown(() => void (g.WebSocket = previous));

  const stack = new SipStack({ iaps: [{ id: 'uas', listen: [{ protocol: 'ws', address: '127.0.0.1', port: 0 }] }] });
  const uas = createAnsweringUas(stack, { host: '127.0.0.1' });
  stack.addUser(uas.user);
  await stack.start();
  t.teardown(() => stack.shutdown());
  const wsUrl = `ws://127.0.0.1:${stack.boundAddresses('uas')[0].port}`;

  const sdh = new PlainSdp();
  const target = UserAgent.makeURI('sip:bob@127.0.0.1');
  const uri = UserAgent.makeURI('sip:carol@127.0.0.1');
  if (target === undefined || uri === undefined) throw new Error('bad URI');
  const ua = new UserAgent({
    uri,
    transportOptions: { server: wsUrl, keepAliveInterval: 1 },
    sessionDescriptionHandlerFactory: () => sdh,
    logBuiltinEnabled: false,
  });
  await ua.start();
  t.teardown(() => ua.stop());

  const registerer = new Registerer(ua, { expires: 300 });
  const registered = new Promise<number>((resolve, reject) => {
    void registerer.register({ requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => reject(new Error(`REGISTER ${r.message.statusCode}`)) } });
  });
  t.equal(await registered, 200, 'REGISTER → 200');
  await waitFor(() => registerer.state === 'Registered', 'Registered state');

  const messaged = new Promise<number>((resolve, reject) => {
    void new Messager(ua, target, 'hello from SIP.js').message({ requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => reject(new Error(`MESSAGE ${r.message.statusCode}`)) } });
  });
  t.equal(await messaged, 200, 'MESSAGE → 200');

  const inviter = new Inviter(ua, target);
  const states: string[] = [];
  inviter.stateChange.addListener((s) => states.push(s));
  await inviter.invite();
  await waitFor(() => inviter.state === SessionState.Established, 'Established');
  t.match(sdh.answer, /m=audio \d+ RTP\/AVP 0/, 'the plain SDP answer reached the session description handler');
  await waitFor(() => uas.counts.acks === 1, 'the ACK at tsip');
  await inviter.bye();
  await waitFor(() => inviter.state === SessionState.Terminated, 'Terminated');
  await waitFor(() => uas.counts.byes === 1, 'the BYE at tsip');
  t.same([states[0], states[1], states[states.length - 1]], [SessionState.Establishing, SessionState.Established, SessionState.Terminated]);

  // SIP.js pings with CRLFCRLF every ~1 s; tsip answers with CRLF (counted as a pong)
  await waitFor(() => stack.stats().transport.keepAlivePongs >= 1, 'a CRLF keep-alive answered', 4000);
  t.match(uas.counts, { registers: 1, messages: 1, invites: 1, acks: 1, byes: 1 });
  t.equal(stack.stats().transport.connections, 1, 'one WebSocket carried it all');
});
