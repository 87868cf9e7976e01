/**
 * A real browser phone against tsip over WebSocket (RFC 7118): JsSIP in headless Chromium connects
 * to a tsip UAS (the `tsip uas` logic, in process) on ws://127.0.0.1, REGISTERs (200), sends a
 * MESSAGE (200) and places a call that tsip answers with a WebRTC SDP answer (ICE, DTLS
 * fingerprint from a certificate made by openssl now, BUNDLE, rtcp-mux): Chromium's
 * setRemoteDescription must take it and JsSIP's session reach `confirmed`. The first call is hung
 * up by the browser; the second by tsip (a BYE to the browser's `.invalid` Contact, which can only
 * go over the browser's own WebSocket). No media flows (no ICE/DTLS on our side).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createAnsweringUas, type AnsweringUas } from '../../lib/cli/answering-uas.js';
import { dtlsFingerprint } from '../../lib/cli/webrtc-answer.js';
import type { SipRequest } from '../../lib/message/index.js';
import { SipStack } from '../../lib/stack/index.js';
import { bundleJsSip, launchChromium, requireChromium, servePage } from './lib/browser.js';

/** A throw-away self-signed certificate (as a DTLS stack would have); its fingerprint goes in the SDP. */
function dtlsCertPem(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-dtls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '2', '-subj', '/CN=tsip-dtls'], { cwd: dir, stdio: 'pipe', timeout: 20_000 });
    return readFileSync(join(dir, 'c.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The phone, in plain browser JavaScript: one UA, REGISTER, MESSAGE, a call, its end. */
const PHONE = `
window.runPhone = async ({ wsUrl, target, hangup }) => {
  const out = {};
  const wait = (arm, ms, what) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout waiting for ' + what)), ms);
    arm((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
  const socket = new JsSIP.WebSocketInterface(wsUrl);
  const ua = new JsSIP.UA({ sockets: [socket], uri: 'sip:alice@127.0.0.1', register: false, session_timers: false });
  try {
    await wait((ok, ko) => { ua.on('connected', ok); ua.on('disconnected', () => ko(new Error('WebSocket refused or closed'))); ua.start(); }, 5000, 'connected');
    out.register = await wait((ok, ko) => {
      ua.on('registered', (e) => ok(e.response.status_code));
      ua.on('registrationFailed', (e) => ko(new Error('REGISTER failed: ' + e.cause)));
      ua.register();
    }, 5000, 'registered');
    out.message = await wait((ok, ko) => ua.sendMessage(target, 'hello from the browser', { eventHandlers: {
      succeeded: (e) => ok(e.response.status_code), failed: (e) => ko(new Error('MESSAGE failed: ' + e.cause)) } }), 5000, 'MESSAGE');
    const session = ua.call(target, { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
    const ended = new Promise((resolve) => session.on('ended', (e) => resolve(e.originator)));
    out.confirmed = await wait((ok, ko) => {
      session.on('confirmed', () => ok(true));
      session.on('failed', (e) => ko(new Error('call failed: ' + e.cause + ' (' + e.originator + ')')));
    }, 15000, 'confirmed');
    out.signalingState = session.connection.signalingState;
    out.remoteSdp = session.connection.remoteDescription ? session.connection.remoteDescription.sdp : '';
    if (hangup === 'browser') session.terminate();
    out.endedBy = await wait((ok) => ended.then(ok), 10000, 'ended');
  } catch (e) {
    out.error = String((e && e.message) || e);
  } finally {
    ua.stop();
  }
  return out;
};`;

interface PhoneResult {
  register?: number;
  message?: number;
  confirmed?: boolean;
  signalingState?: string;
  remoteSdp?: string;
  endedBy?: string;
  error?: string;
}

/** A UAS stack listening on ws://127.0.0.1:<free port>. */
async function startUas(t: { teardown(fn: () => unknown): void }, fingerprint: string, hangupAfterMs?: number): Promise<{ uas: AnsweringUas; wsUrl: string; requests: SipRequest[] }> {
  const stack = new SipStack({ iaps: [{ id: 'uas', listen: [{ protocol: 'ws', address: '127.0.0.1', port: 0 }] }] });
  const requests: SipRequest[] = [];
  const uas = createAnsweringUas(stack, { host: '127.0.0.1', dtlsFingerprint: fingerprint, hangupAfterMs, onRequest: (r) => requests.push(r) });
  stack.addUser(uas.user);
  await stack.start();
  t.teardown(() => stack.shutdown());
  const port = stack.boundAddresses('uas')[0].port;
  return { uas, wsUrl: `ws://127.0.0.1:${port}`, requests };
}

t.test('JsSIP in Chromium: REGISTER, MESSAGE, a WebRTC call answered by tsip, BYE from each side', async (t) => {
  const chromium = requireChromium(t);
  if (chromium === undefined) return;
  const [jssip, cert] = await Promise.all([bundleJsSip(), Promise.resolve(dtlsCertPem())]);
  const fingerprint = dtlsFingerprint(cert);
  const page = await servePage(`<!doctype html><html><head><script src="/jssip.js"></script><script>${PHONE}</script></head><body>tsip phone test</body></html>`, { '/jssip.js': jssip });
  t.teardown(() => page.close());
  const browser = await launchChromium(chromium);
  t.teardown(() => browser.close());
  const tab = await browser.newPage();
  const console: string[] = [];
  tab.on('console', (m) => console.push(m.text()));
  await tab.goto(page.url);
  const run = (wsUrl: string, hangup: 'browser' | 'tsip'): Promise<PhoneResult> =>
    tab.evaluate((o) => (globalThis as unknown as { runPhone(x: typeof o): Promise<PhoneResult> }).runPhone(o), { wsUrl, target: 'sip:bob@127.0.0.1', hangup });

  // call 1: the browser hangs up
  const one = await startUas(t, fingerprint);
  const r1 = await run(one.wsUrl, 'browser');
  t.equal(r1.error, undefined, `no error in the browser (console tail: ${console.slice(-5).join(' | ')})`);
  t.equal(r1.register, 200, 'REGISTER → 200');
  t.equal(r1.message, 200, 'MESSAGE → 200');
  t.equal(r1.confirmed, true, "JsSIP's session reached confirmed");
  t.equal(r1.signalingState, 'stable', "Chromium's setRemoteDescription took tsip's answer");
  t.match(r1.remoteSdp, /a=fingerprint:sha-256 [0-9A-F:]{95}/);
  t.match(r1.remoteSdp, /a=group:BUNDLE /);
  t.equal(r1.endedBy, 'local', 'ended by the browser');
  await waitFor(() => one.uas.counts.byes === 1, 'the BYE at tsip');
  t.match(one.uas.counts, { messages: 1, invites: 1, acks: 1, byes: 1, ackTimeouts: 0 });
  t.ok(one.uas.counts.registers >= 1, 'REGISTER (and the un-REGISTER of ua.stop()) reached tsip');
  const invite = one.requests.find((r) => r.method === 'INVITE');
  t.equal(invite?.topVia.transport, 'WS', 'Via SIP/2.0/WS');
  t.match(invite?.topVia.host, /\.invalid$/, 'the browser names itself with a .invalid host (RFC 7118 §5)');

  // call 2: tsip hangs up (BYE to the browser's .invalid Contact, over its WebSocket)
  const two = await startUas(t, fingerprint, 300);
  const r2 = await run(two.wsUrl, 'tsip');
  t.equal(r2.error, undefined, `no error in the browser (console tail: ${console.slice(-5).join(' | ')})`);
  t.equal(r2.confirmed, true);
  t.equal(r2.endedBy, 'remote', 'ended by tsip');
  t.equal(two.uas.counts.hangups, 1, "tsip's BYE got 200 from the browser");
});

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
