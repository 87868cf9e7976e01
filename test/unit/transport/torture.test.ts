/**
 * Hostile input through real sockets: the 49 RFC 4475 torture messages as UDP datagrams, and
 * random bytes over UDP and TCP. Nothing may crash the layer or stop its listeners.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { iap, rawTcp, rawUdp, requestText, startLayer, until } from './fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '../../conformance/rfc4475');

t.test('RFC 4475 messages as datagrams: parse → delivered, reject → onParseError', async (t) => {
  if (!existsSync(path.join(dir, 'MANIFEST.tsv'))) throw new Error(`conformance data missing at ${dir}`);
  const rows = readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .slice(1)
    .map((l) => l.split('\t'));
  t.equal(rows.length, 49);
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const peer = await rawUdp(t);
  for (const [file, , , expect] of rows) {
    peer.socket.send(readFileSync(path.join(dir, file)), b.port('udp'), '127.0.0.1');
    const got = await b.user.next();
    if (expect === 'parse') {
      t.not(got.kind, 'parseError', `${file} is delivered`);
      if (got.kind === 'request') t.equal(got.msg.topVia.received, '127.0.0.1', `${file}: received added`);
    } else if (expect === 'reject') {
      t.equal(got.kind, 'parseError', `${file} is reported as a parse error`);
    } else {
      t.ok(got.kind === 'parseError' || got.kind === 'request' || got.kind === 'response', `${file}: either`);
    }
  }
  peer.socket.send(requestText(), b.port('udp'), '127.0.0.1');
  t.equal((await b.user.next()).kind, 'request', 'still serving');
});

t.test('random datagrams never break the UDP listener', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const peer = await rawUdp(t);
  const samples = fc.sample(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 1500 }),
      fc.string({ maxLength: 400 }).map((s) => new TextEncoder().encode(`INVITE sip:x SIP/2.0\r\n${s}\r\n\r\n`)),
    ),
    { numRuns: 300, seed: 4475 },
  );
  for (const bytes of samples) peer.socket.send(bytes, b.port('udp'), '127.0.0.1');
  await until(() => b.layer.stats().datagramsIn === samples.length, 5000, 'all datagrams');
  peer.socket.send(requestText(), b.port('udp'), '127.0.0.1');
  await until(() => b.user.all.some((r) => r.kind === 'request' && r.msg.callId.endsWith('@test')), 2000, 'a valid request');
  t.equal(b.layer.stats().udpSockets, 1);
});

t.test('random bytes on TCP connections close at most those connections', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])], limits: { maxMessageSize: 4000 } });
  const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 6000 }), { numRuns: 40, seed: 5626 });
  for (const bytes of samples) {
    const c = await rawTcp(t, b.port('tcp'));
    c.socket.write(bytes);
    c.socket.end();
  }
  await until(() => b.layer.stats().connections === 0, 5000, 'all random connections gone');
  const good = await rawTcp(t, b.port('tcp'));
  good.socket.write(requestText());
  await until(() => b.user.all.some((r) => r.kind === 'request'), 2000, 'a valid request');
  t.equal(b.layer.stats().streamListeners, 1);
});
