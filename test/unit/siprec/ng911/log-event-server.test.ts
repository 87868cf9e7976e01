/**
 * The Logging Service (lib/siprec/ng911/log-event-server.ts) on its own: what POST /LogEvents
 * takes (flattened, general and compact JWS), the loggingservice.yaml refusals (434, 438, 460,
 * 461, 462, 463), 429 past the rate, duplicates, and the JSON-lines store (one line per event,
 * a torn tail cut on reopen).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { JsonLinesStore, Ng911Logger, readLogEventId, startDemoLogEventServer, recCallEvent, recMediaStart, signJws, startLogEventServer, type LogEventServer } from '../../../../lib/siprec/ng911/index.js';
import type { LogEventServiceSettings, StoredLogEvent } from '../../../../include-types/ng911-logging.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPriv = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ecPub = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPriv = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherPriv = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ctx = { elementId: 'src.example.net', agencyId: 'psap.example.net', callIdSip: 'cs-1@h' };
let n = 0;
const event = (): ReturnType<typeof recCallEvent> => recCallEvent('start', { ...ctx, callIdSip: `cs-${++n}@h` }, 'incoming');

async function start(t: Test, extra: Partial<LogEventServiceSettings> = {}): Promise<{ server: LogEventServer; dir: string; post(body: string | object, path?: string): Promise<{ status: number; body: string }> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-logsvc-'));
  const server = await startLogEventServer({ port: 0, dir, keys: [ecPub, { kid: 'r1', key: rsa.publicKey.export({ format: 'jwk' }) as { kty: string } }], ...extra });
  t.teardown(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });
  return {
    server, dir,
    post: async (body, path = '/LogEvents') => {
      const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: await res.text() };
    },
  };
}

function lines(file: string): StoredLogEvent[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredLogEvent);
}

/** A JWS over arbitrary header and payload, signed with the EC key. */
function handMade(header: object, payload: unknown, key = ecPriv): { protected: string; payload: string; signature: string } {
  const p = Buffer.from(JSON.stringify(header)).toString('base64url');
  const b = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const s = sign('sha256', Buffer.from(`${p}.${b}`), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return { protected: p, payload: b, signature: s };
}

t.test('201 with the logEventId as a JSON string; ES256 and RS256 (JWK key with kid); stored as one line', async (t) => {
  const { server, post } = await start(t);
  const a = event();
  const r1 = await post(signJws(a, { alg: 'ES256', privateKeyPem: ecPriv }));
  t.equal(r1.status, 201);
  const id = JSON.parse(r1.body) as string;
  t.match(id, /^urn:emergency:uid:logid:[0-9a-f-]{36}:localhost$/);
  t.equal(readLogEventId(r1.body), id, 'the client reads it');
  const r2 = await post(signJws(event(), { alg: 'RS256', privateKeyPem: rsaPriv, kid: 'r1' }));
  t.equal(r2.status, 201);
  const stored = lines(server.file);
  t.equal(stored.length, 2);
  t.equal(stored[0].logEventId, id);
  t.same(stored[0].event, a);
  t.equal(stored[1].alg, 'RS256');
  t.equal(stored[1].kid, 'r1');
  t.equal(server.stats.accepted, 2);
});

t.test('compact and general JWS serializations are taken too', async (t) => {
  const { server, post } = await start(t);
  const j = signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv });
  const compact = `${j.protected}.${j.payload}.${j.signature}`;
  t.equal((await post(compact)).status, 201, 'bare compact');
  const j2 = signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv });
  t.equal((await post(JSON.stringify(`${j2.protected}.${j2.payload}.${j2.signature}`))).status, 201, 'compact as a JSON string');
  const j3 = signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv });
  t.equal((await post({ payload: j3.payload, signatures: [{ protected: j3.protected, signature: j3.signature }] })).status, 201, 'general, one signature');
  t.equal(lines(server.file).length, 3);
});

t.test('refusals: 434 wrong key, 438 alg, 460 malformed / unknown type / missing member, nothing stored', async (t) => {
  const { server, post } = await start(t);
  const cases: [string, string | object, number][] = [
    ['signed by an unknown key', signJws(event(), { alg: 'ES256', privateKeyPem: otherPriv }), 434],
    ['RS256 with a kid no key has', signJws(event(), { alg: 'RS256', privateKeyPem: rsaPriv, kid: 'nope' }), 434],
    ['tampered payload', { ...signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv }), payload: Buffer.from(JSON.stringify(event())).toString('base64url') }, 434],
    ['alg none', { ...handMade({ alg: 'none' }, event()), signature: '' }, 438],
    ['alg HS256', handMade({ alg: 'HS256' }, event()), 438],
    ['not JSON', '{oops', 460],
    ['JSON, not a JWS', { hello: 'world' }, 460],
    ['padding in base64url', { ...signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv }), signature: 'abc=' }, 460],
    ['unknown crit', handMade({ alg: 'ES256', crit: ['x'] }, event()), 460],
    ['unknown event type', handMade({ alg: 'ES256' }, { ...event(), logEventType: 'NoSuchLogEvent' }), 460],
    ['missing direction', handMade({ alg: 'ES256' }, { ...event(), direction: undefined }), 460],
    ['bad timestamp', handMade({ alg: 'ES256' }, { ...event(), timestamp: 'yesterday' }), 460],
    ['RecMediaStart without sdp', handMade({ alg: 'ES256' }, { ...recMediaStart(ctx, ['1'], 'm=audio 1 RTP/AVP 0'), sdp: undefined }), 460],
    ['payload not an object', handMade({ alg: 'ES256' }, [1, 2]), 460],
  ];
  for (const [name, body, status] of cases) {
    const r = await post(body);
    t.equal(r.status, status, name);
    t.equal((JSON.parse(r.body) as { status: number }).status, status, `${name}: JSON body says why`);
  }
  t.equal(server.stats.accepted, 0);
  t.equal(readFileSync(server.file, 'utf8'), '', 'nothing stored');
  t.equal(server.stats.rejected[434], 3);
  t.equal(server.stats.rejected[438], 2);
});

t.test('461 for a body over maxBodyBytes; 404 and 405 elsewhere; basePath', async (t) => {
  const { server, post } = await start(t, { maxBodyBytes: 2000, basePath: '/Logging/v1' });
  t.match(server.url, /\/Logging\/v1$/);
  const big = signJws({ ...event(), extension: { pad: 'x'.repeat(3000) } }, { alg: 'ES256', privateKeyPem: ecPriv });
  t.equal((await post(big)).status, 461);
  t.equal((await post(signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv }))).status, 201, 'a normal one still goes');
  const root = server.url.replace(/\/Logging\/v1$/, '');
  t.equal((await fetch(`${root}/LogEvents`, { method: 'POST', body: '{}' })).status, 404, 'outside the base path');
  const get = await fetch(`${server.url}/LogEvents`);
  t.equal(get.status, 405);
  t.equal(get.headers.get('allow'), 'POST');
});

t.test('extensions: 462 not approved, 463 disallowed', async (t) => {
  const { post } = await start(t, { extensions: { approved: ['ok', 'bad'], disallowed: ['bad'] } });
  const withExt = (ext: object): object => signJws({ ...event(), extension: ext }, { alg: 'ES256', privateKeyPem: ecPriv });
  t.equal((await post(withExt({ ok: 1 }))).status, 201);
  t.equal((await post(withExt({ other: 1 }))).status, 462);
  t.equal((await post(withExt({ bad: 1 }))).status, 463);
});

t.test('429 with Retry-After past the rate; a repeated payload gets its first id, stored once', async (t) => {
  const { server, post } = await start(t, { maxEventsPerSecond: 3 });
  const ev = event();
  const first = await post(signJws(ev, { alg: 'ES256', privateKeyPem: ecPriv }));
  const again = await post(signJws(ev, { alg: 'ES256', privateKeyPem: ecPriv })); // re-signed: another ES256 signature
  t.equal(again.status, 201);
  t.equal(again.body, first.body, 'same logEventId');
  t.equal(server.stats.duplicates, 1);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await post(signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv }))).status);
  t.ok(statuses.includes(429), `past 3/s: ${statuses.join(',')}`);
  const r = await fetch(server.url + '/LogEvents', { method: 'POST', body: JSON.stringify(signJws(event(), { alg: 'ES256', privateKeyPem: ecPriv })) });
  t.equal(r.status, 429);
  t.equal(r.headers.get('retry-after'), '1');
  t.equal(lines(server.file).length, 1 + statuses.filter((s) => s === 201).length);
});

t.test('store: whole lines only, a torn last line (crash mid-write) is cut on reopen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-jsonl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const s1 = await JsonLinesStore.open(dir);
  await Promise.all([s1.append({ a: 1, text: 'two\nlines' }), s1.append({ a: 2 }), s1.append({ a: 3 })]);
  await s1.close();
  appendFileSync(s1.path, '{"a":4,"tor'); // never acknowledged
  const s2 = await JsonLinesStore.open(dir);
  await s2.append({ a: 5 });
  await s2.close();
  const got = readFileSync(s1.path, 'utf8').split('\n');
  t.equal(got.pop(), '', 'ends with a newline');
  t.same(got.map((l) => (JSON.parse(l) as { a: number }).a), [1, 2, 3, 5]);
});

t.test('bad settings: no key, or a key that cannot verify ES256/RS256', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-logsvc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await t.rejects(startLogEventServer({ port: 0, dir, keys: [] }), RangeError);
  const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await t.rejects(startLogEventServer({ port: 0, dir, keys: [ed] }), /cannot verify/);
  await t.rejects(startLogEventServer({ port: 0, dir, keys: ['not a key'] }), RangeError);
});

t.test('startDemoLogEventServer: the settings it returns get the five SRC events stored', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-logdemo-'));
  const demo = await startDemoLogEventServer({ dir });
  t.teardown(async () => { await demo.close(); rmSync(dir, { recursive: true, force: true }); });
  const lg = new Ng911Logger(demo.ng911, () => undefined);
  const call = { callIdSip: 'cs-demo', direction: 'incoming' as const };
  lg.callStart(call);
  lg.mediaStart(call, ['1'], 'm=audio 4000 RTP/AVP 0\r\n');
  lg.signaling(call, 'INVITE sip:srs@h SIP/2.0\r\n\r\n', 'outgoing');
  lg.mediaEnd(call, ['1']);
  lg.callEnd(call);
  await lg.drain(5000);
  lg.close();
  t.same(lines(demo.server.file).map((e) => e.logEventType), ['RecCallStartLogEvent', 'RecMediaStartLogEvent', 'CallSignalingMessageLogEvent', 'RecMediaEndLogEvent', 'RecCallEndLogEvent']);
});
