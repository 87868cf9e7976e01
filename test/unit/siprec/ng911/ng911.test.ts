import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import {
  LogEventClient, Ng911Logger, recCallEvent, signJws, verifyJws, type DeliveryReport,
} from '../../../../lib/siprec/ng911/index.js';
import type { LogEventEmitted } from '../../../../include-types/siprec.js';
import { startLogServer } from './log-server.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPriv = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ecPub = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPriv = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const rsaPub = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ctx = { elementId: 'src.example.net', agencyId: 'psap.example.net', callIdSip: 'cs-1@h', callId: 'urn:emergency:uid:callid:abc:src.example.net' };

t.test('JWS: ES256 and RS256, unpadded base64url, tamper detected', async (t) => {
  for (const [alg, priv, pub] of [['ES256', ecPriv, ecPub], ['RS256', rsaPriv, rsaPub]] as const) {
    const ev = recCallEvent('start', ctx, 'incoming');
    const jws = signJws(ev, { alg, privateKeyPem: priv, kid: 'k1' });
    for (const part of [jws.protected, jws.payload, jws.signature]) t.match(part, /^[A-Za-z0-9_-]+$/, `${alg}: base64url without padding`);
    if (alg === 'ES256') t.equal(Buffer.from(jws.signature, 'base64url').length, 64, 'ES256 signature is r||s');
    const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString()) as Record<string, string>;
    t.equal(header.alg, alg);
    t.equal(header.kid, 'k1');
    t.same(verifyJws(jws, pub), ev, `${alg}: verifies`);
    const tampered = { ...jws, payload: Buffer.from(JSON.stringify({ ...ev, callIdSip: 'x' })).toString('base64url') };
    t.throws(() => verifyJws(tampered, pub), /verification failed/, `${alg}: tampered payload refused`);
  }
});

t.test('events: required members, callIdSip spelling, RFC 3339 timestamp', async (t) => {
  const ev = recCallEvent('end', ctx, 'outgoing', Date.parse('2026-11-25T07:00:00Z'));
  t.equal(ev.logEventType, 'RecCallEndLogEvent');
  t.equal(ev.timestamp, '2026-11-25T07:00:00.000+00:00');
  t.equal(ev.callIdSip, 'cs-1@h');
  t.notOk('callIdSIP' in ev);
  t.equal(ev.direction, 'outgoing');
});

t.test('client: delivers in order, retries 503, drops on 460', async (t) => {
  const server = await startLogServer(ecPub);
  t.teardown(() => server.close());
  const reports: DeliveryReport[] = [];
  const c = new LogEventClient({ name: 'log1', baseUrl: server.baseUrl, retryDelayMs: 20 }, { alg: 'ES256', privateKeyPem: ecPriv });
  c.on('delivered', (r) => reports.push(r));
  c.on('failed', (r) => reports.push(r));
  server.failNext(2, 503);
  c.send(recCallEvent('start', ctx, 'incoming'));
  c.send(recCallEvent('end', ctx, 'incoming'));
  await c.drain(5000);
  t.same(server.events.map((e) => e.logEventType), ['RecCallStartLogEvent', 'RecCallEndLogEvent'], 'in order after retries');
  t.equal(reports[0].attempts, 3, 'two 503s then 201');
  t.equal(reports[0].logEventId, 'le-1');
  server.failNext(1, 460);
  c.send(recCallEvent('start', ctx, 'incoming'));
  await c.drain(5000);
  t.equal(reports[2].delivered, false);
  t.equal(reports[2].status, 460, 'a Logging Service 4xx is final');
  t.equal(server.badSignatures, 0);
  c.close();
});

t.test('client: unreachable server retried then reported; bounded queue', async (t) => {
  const reports: DeliveryReport[] = [];
  const c = new LogEventClient({ name: 'dead', baseUrl: 'http://127.0.0.1:1/x', retryDelayMs: 10, maxRetries: 2, maxQueue: 2 }, { alg: 'ES256', privateKeyPem: ecPriv });
  c.on('failed', (r) => reports.push(r));
  for (let i = 0; i < 4; i++) c.send(recCallEvent('start', { ...ctx, callIdSip: `c${i}` }, 'incoming'));
  t.ok(c.pending <= 2, 'queue bounded');
  await c.drain(5000);
  t.equal(reports.filter((r) => r.error === 'queue full').length, 2);
  t.ok(reports.some((r) => r.attempts === 3 && r.error !== 'queue full'), 'gave up after 1 + 2 retries');
  c.close();
});

t.test('logger: five event types to every server, logEvent listener', async (t) => {
  const a = await startLogServer(rsaPub);
  const b = await startLogServer(rsaPub);
  t.teardown(async () => { await a.close(); await b.close(); });
  const seen: LogEventEmitted[] = [];
  const lg = new Ng911Logger({
    elementId: 'src.example.net', agencyId: 'psap.example.net', signing: { alg: 'RS256', privateKeyPem: rsaPriv },
    servers: [{ name: 'a', baseUrl: a.baseUrl }, { name: 'b', baseUrl: b.baseUrl }],
  }, (e) => seen.push(e));
  const call = { callIdSip: 'cs-9', direction: 'incoming' as const, incidentId: 'urn:emergency:uid:incidentid:1:x' };
  lg.callStart(call);
  lg.mediaStart(call, ['1', '2'], 'm=audio 4000 RTP/AVP 0\r\n');
  lg.signaling(call, 'INVITE sip:srs@h SIP/2.0\r\n\r\n', 'outgoing');
  lg.mediaEnd(call, ['1', '2']);
  lg.callEnd(call);
  await lg.drain(5000);
  const types = ['RecCallStartLogEvent', 'RecMediaStartLogEvent', 'CallSignalingMessageLogEvent', 'RecMediaEndLogEvent', 'RecCallEndLogEvent'];
  t.same(seen.map((e) => e.logEventType), types);
  t.same(a.events.map((e) => e.logEventType), types);
  t.same(b.events.map((e) => e.logEventType), types);
  t.same(a.events[1].mediaLabel, ['1', '2']);
  t.equal(a.events[0].incidentId, call.incidentId);
  t.equal(a.events[2].protocol, 'sip');
  lg.close();
});

/** Waits (real time, bounded) until `cond` holds: the HTTP exchange itself is real I/O. */
const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  for (let i = 0; i < ms / 10 && !cond(); i++) await new Promise((r) => setImmediate(r)).then(() => new Promise((r) => setTimeout(r, 10)));
};

t.test('client on a FakeClock: retries wait retryDelayMs, doubling; nothing moves until the clock does', async (t) => {
  const server = await startLogServer(ecPub);
  t.teardown(() => server.close());
  const clock = new FakeClock();
  const reports: DeliveryReport[] = [];
  // requestTimeoutMs differs from retryDelayMs, so the request's own timeout timer (4 s after it
  // went out) is never taken for the retry timer by the waits below.
  const c = new LogEventClient({ name: 'log1', baseUrl: server.baseUrl, retryDelayMs: 5000 }, { alg: 'ES256', privateKeyPem: ecPriv }, { clock, requestTimeoutMs: 4000 });
  t.teardown(() => c.close());
  c.on('delivered', (r) => reports.push(r));
  server.failNext(2, 503);
  c.send(recCallEvent('start', ctx, 'incoming'));
  // The server saw the request before the client read its 503: until then the one pending timer
  // is the request's own timeout, so wait for the retry's (bounded; a wrong delay fails below).
  await until(() => clock.pending() === 1 && server.raw.length === 1 && clock.nextTimerAt() === 5000, 10_000);
  t.equal(server.raw.length, 1, 'first attempt, answered 503');
  t.equal(clock.nextTimerAt(), 5000, 'the retry is due after retryDelayMs');
  clock.advance(4999);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(server.raw.length, 1, 'no retry before it');
  clock.advance(1);
  await until(() => server.raw.length === 2 && clock.pending() === 1 && clock.nextTimerAt() === 15_000, 10_000);
  t.equal(clock.nextTimerAt(), 5000 + 10_000, 'the next retry after twice the delay');
  clock.advance(10_000);
  await until(() => reports.length === 1);
  t.equal(reports[0].attempts, 3, 'two 503s then 201');
  t.equal(clock.pending(), 0, 'no timer left once delivered');
});

t.test('client on a FakeClock: a request without an answer is aborted at requestTimeoutMs and retried', async (t) => {
  let requests = 0;
  const held = createServer((req) => { requests++; req.resume(); }); // never answers
  await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { held.closeAllConnections(); held.close(() => r()); }));
  const clock = new FakeClock();
  const failed: DeliveryReport[] = [];
  const c = new LogEventClient({ name: 'slow', baseUrl: `http://127.0.0.1:${(held.address() as AddressInfo).port}/x`, retryDelayMs: 100, maxRetries: 0 }, { alg: 'ES256', privateKeyPem: ecPriv }, { clock, requestTimeoutMs: 8000 });
  t.teardown(() => c.close());
  c.on('failed', (r) => failed.push(r));
  c.send(recCallEvent('start', ctx, 'incoming'));
  await until(() => requests === 1);
  clock.advance(7999);
  await new Promise((r) => setTimeout(r, 100));
  t.same(failed, [], 'still waiting for the answer');
  clock.advance(1);
  await until(() => failed.length === 1);
  t.equal(failed[0].attempts, 1, 'timed out (maxRetries 0: reported at once)');
  t.match(failed[0].error, /8000 ms/);
});
