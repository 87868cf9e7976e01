/**
 * Property tests: the parser only ever throws SipParseError, never hangs on bounded input, and
 * valid messages survive parse → serialize → parse.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import t from 'tap';
import {
  SipParseError,
  SipRequest,
  SipUri,
  StreamFramer,
  parseAuthParams,
  parseMessage,
  parseMultipart,
  serializeMessage,
  validateRequest,
} from '../../../lib/message/index.js';
import { cpuMs } from '../../helpers/cpu-time.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tortureDir = path.resolve(here, '../../conformance/rfc4475');
const torture = readdirSync(tortureDir)
  .filter((f) => f.endsWith('.dat'))
  .map((f) => readFileSync(path.join(tortureDir, f)));

/** Parses and reads every accessor; returns 'ok' or 'parse-error', anything else propagates. */
function exercise(data: Buffer): 'ok' | 'parse-error' {
  const started = cpuMs();
  try {
    const m = parseMessage(data);
    const reads: Array<() => unknown> = [
      () => m.via, () => m.topVia, () => m.callId, () => m.cseq, () => m.from, () => m.to, () => m.contact,
      () => m.route, () => m.recordRoute, () => m.maxForwards, () => m.expires, () => m.contentLength,
      () => m.contentType, () => m.require, () => m.supported, () => m.allow, () => m.proxyRequire,
      () => (m.isRequest() ? validateRequest(m) : undefined),
      () => { const ct = m.contentType; return ct?.type === 'multipart' ? parseMultipart(m.body, ct) : undefined; },
      () => m.headers.getAll('Authorization').map(parseAuthParams),
      () => parseMessage(serializeMessage(m)),
    ];
    for (const read of reads) {
      try {
        read();
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
      }
    }
    return 'ok';
  } catch (e) {
    if (e instanceof SipParseError) return 'parse-error';
    throw e;
  } finally {
    // bounded inputs must be handled quickly (no catastrophic backtracking)
    const took = cpuMs() - started;
    if (took > 250) throw new Error(`took ${took.toFixed(0)} ms of CPU on ${data.length} octets`);
  }
}

t.test('random octets only ever give SipParseError', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => void exercise(Buffer.from(bytes))), { numRuns: 2000 });
  t.pass('2000 random inputs');
});

const NASTY = ['\r', '\n', '\r\n', '\0', '"', '\\', '<', '>', ',', ';', ':', '=', ' ', '\t', '%', '@', '[', ']', '\u00ff', '\r\n ', '\r\n\r\n'];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...NASTY) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 60 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(buf: Buffer, muts: Mutation[]): Buffer {
  let b = buf;
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip') {
      b = Buffer.from(b);
      if (b.length > 0) b[at] = m.byte;
    } else if (m.kind === 'truncate') b = b.subarray(0, at);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text, 'latin1'), b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    else b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at, at + m.len), b.subarray(at + m.len)]);
  }
  return b;
}

t.test('mutated torture messages only ever give SipParseError', async (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(fc.constantFrom(...torture), fc.array(mutation, { minLength: 1, maxLength: 6 }), (base, muts) => {
      if (exercise(mutate(base, muts)) === 'ok') parsed++;
    }),
    { numRuns: 3000 },
  );
  t.ok(parsed > 100, `a fair share still parses (${parsed})`);
});

// ---- valid message generator ----
const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,12}$/);
const host = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,3}$/),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
  fc.constant('[2001:db8::1]'),
);
const userText = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const sipUri = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    user: fc.option(userText, { nil: undefined }),
    host,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    params: fc.dictionary(token.map((k) => k.toLowerCase()), fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), { nil: null }), { maxKeys: 3 }),
  })
  .map((r) => new SipUri({ scheme: r.scheme, ...(r.user === undefined ? {} : { user: r.user }), host: r.host, ...(r.port === undefined ? {} : { port: r.port }), params: r.params }));

const validRequest = fc
  .record({
    method: token,
    uri: sipUri,
    fromUri: sipUri,
    toUri: sipUri,
    display: fc.option(fc.string({ unit: 'binary', maxLength: 10 }), { nil: undefined }),
    tag: token,
    callId: fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}@]{1,30}$/),
    seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    branch: token,
    extra: fc.array(fc.tuple(token.map((n) => 'X-' + n), fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/)), { maxLength: 4 }),
    body: fc.uint8Array({ maxLength: 300 }),
  })
  .map((r) => {
    const from = `${r.display === undefined ? '' : JSON.stringify(r.display).replace(/\\u[0-9a-f]{4}/g, ' ') + ' '}<${r.fromUri}>;tag=${r.tag}`;
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/UDP ${r.uri.host === '' ? 'h' : r.uri.host};branch=z9hG4bK${r.branch};rport`],
      ['From', from],
      ['To', `<${r.toUri}>`],
      ['Call-ID', r.callId],
      ['CSeq', `${r.seq} ${r.method}`],
      ['Max-Forwards', '70'],
      ...r.extra,
    ];
    return new SipRequest({ method: r.method, uri: r.uri, headers, body: Buffer.from(r.body) });
  });

t.test('valid requests round-trip through serialize and parse', async (t) => {
  fc.assert(
    fc.property(validRequest, (req) => {
      const wire = serializeMessage(req);
      const back = parseMessage(wire) as SipRequest;
      const strip = (h: Iterable<[string, string]>) => [...h].filter(([n]) => n !== 'Content-Length');
      if (back.method !== req.method) throw new Error('method');
      if (!back.uri.equals(req.uri) || back.uri.toString() !== req.uri.toString()) throw new Error(`uri ${req.uri} vs ${back.uri}`);
      if (JSON.stringify(strip(back.headers)) !== JSON.stringify(strip(req.headers))) throw new Error('headers');
      if (!back.body.equals(req.body)) throw new Error('body');
      if (back.cseq.seq !== req.cseq.seq || back.from.tag !== req.from.tag) throw new Error('fields');
      validateRequest(back);
      // serialization is stable
      if (!serializeMessage(back).equals(wire)) throw new Error('second serialization differs');
    }),
    { numRuns: 500 },
  );
  t.pass('500 generated requests');
});

t.test('URI escaping round-trips any user text', async (t) => {
  fc.assert(
    fc.property(sipUri, (u) => {
      const back = SipUri.parse(u.toString());
      if (back.user !== u.user || back.host !== u.host || back.port !== u.port) throw new Error(u.toString());
      if (JSON.stringify([...back.params]) !== JSON.stringify([...u.params])) throw new Error('params ' + u.toString());
    }),
    { numRuns: 1000 },
  );
  t.pass('1000 URIs');
});

t.test('the stream framer gives the same messages however the bytes are chunked', async (t) => {
  fc.assert(
    fc.property(fc.array(validRequest, { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 30 }), (reqs, cuts) => {
      const wires = reqs.map((r) => serializeMessage(r));
      const all = Buffer.concat(wires.flatMap((w) => [Buffer.from('\r\n\r\n'), w]));
      const got: Buffer[] = [];
      const f = new StreamFramer({ maxMessageSize: 1 << 20, onMessage: (m) => got.push(m), onError: (e) => { throw e; } });
      let at = 0;
      let i = 0;
      while (at < all.length) {
        const n = cuts[i++ % cuts.length];
        f.push(all.subarray(at, at + n));
        at += n;
      }
      if (got.length !== wires.length || got.some((g, j) => !g.equals(wires[j]))) throw new Error('framing differs');
    }),
    { numRuns: 300 },
  );
  t.pass('300 chunkings');
});
