/**
 * Interop with an independent Digest implementation: the `sip` npm package's digest.js (MD5,
 * qop auth). Its server challenges, tsip's client answers, its server checks; then the reverse.
 * Messages cross as text, parsed by each side's own parser.
 */
import t from 'tap';
import { createRequire } from 'node:module';
import { type SipResponse, SipRequest, createResponse, parseMessage, serializeMessage } from '../../../lib/message/index.js';
import { DigestCredentialStore } from '../../../lib/stack/digest/credential-store.js';
import { DigestServer } from '../../../lib/stack/digest/server.js';
import { answerChallenge } from '../../../lib/stack/digest/sip-auth.js';

type Msg = Record<string, unknown> & { headers: Record<string, unknown>; method?: string; status?: number };
interface SipNpm {
  parse(text: string): Msg;
  stringify(m: Msg): string;
}
interface DigestNpm {
  challenge(ctx: Record<string, unknown>, rs: Msg): Msg;
  authenticateRequest(ctx: Record<string, unknown>, rq: Msg, creds: { user: string; password: string }): boolean;
  signRequest(ctx: Record<string, unknown> | null, rq: Msg, rs: Msg, creds: { user: string; password: string; realm?: string }): unknown;
  signResponse(ctx: Record<string, unknown>, rs: Msg): Msg;
}
const require = createRequire(import.meta.url);
const sipNpm = require('sip') as SipNpm;
const digestNpm = require('sip/digest') as DigestNpm;

function invite(): SipRequest {
  return new SipRequest({
    method: 'INVITE',
    uri: 'sip:bob@biloxi.example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKi1'],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@atlanta.example.com>;tag=a1'],
      ['To', '<sip:bob@biloxi.example.com>'],
      ['Call-ID', 'interop-1'],
      ['CSeq', '1 INVITE'],
      ['Contact', '<sip:alice@10.0.0.1>'],
    ],
  });
}

/** A 401/407 to `req` as the other implementation's object, through text. */
function responseTo(req: SipRequest, status: number): Msg {
  return sipNpm.parse(serializeMessage(createResponse(req, status)).toString());
}

for (const status of [401, 407] as const) {
  t.test(`their server (${status}), our client`, async (t) => {
    const serverCtx: Record<string, unknown> = { realm: 'biloxi.example.com', qop: 'auth' };
    const challenged = digestNpm.challenge(serverCtx, responseTo(invite(), status));
    const ours = parseMessage(sipNpm.stringify(challenged)) as SipResponse;
    const store = new DigestCredentialStore();
    store.setCredentials('biloxi.example.com', { username: 'alice', secret: { password: 'secret' } });
    const out = answerChallenge(store, invite(), ours);
    if (out.kind !== 'retry') throw new Error(JSON.stringify(out));
    const text = serializeMessage(out.request).toString().replace('\r\n', '\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKi2\r\n');
    const theirs = sipNpm.parse(text);
    t.ok(digestNpm.authenticateRequest(serverCtx, theirs, { user: 'alice', password: 'secret' }), 'accepted');
    if (status === 401) {
      // their rspauth (RFC 2617 §3.2.3) checks out with tsip's client
      const ok = digestNpm.signResponse(serverCtx, sipNpm.parse(serializeMessage(createResponse(out.request.clone(), 200)).toString().replace('\r\n', '\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKi2\r\n')));
      const info = (parseMessage(sipNpm.stringify(ok)) as SipResponse).headers.get('Authentication-Info');
      t.ok(info);
      t.equal(store.verifyAuthenticationInfo('biloxi.example.com', info!, { uri: out.request.uri.toString() }), true, 'rspauth verified');
    }
    const wrong = new DigestCredentialStore();
    wrong.setCredentials('biloxi.example.com', { username: 'alice', secret: { password: 'nope' } });
    const bad = answerChallenge(wrong, invite(), ours);
    if (bad.kind !== 'retry') throw new Error('expected retry');
    const badText = serializeMessage(bad.request).toString().replace('\r\n', '\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKi3\r\n');
    t.notOk(digestNpm.authenticateRequest({ ...serverCtx, nc: 0 }, sipNpm.parse(badText), { user: 'alice', password: 'secret' }), 'wrong password refused');
  });
}

t.test('our server, their client', async (t) => {
  const server = new DigestServer({ realm: 'atlanta.example.com', clock: { now: () => 10 }, algorithms: ['MD5'] });
  const ourChallenge = createResponse(invite(), 401);
  ourChallenge.headers.append('WWW-Authenticate', server.createChallenge()[0]);
  const parsedChallenge = sipNpm.parse(serializeMessage(ourChallenge).toString());
  const rq = sipNpm.parse(serializeMessage(invite()).toString());
  digestNpm.signRequest(null, rq, parsedChallenge, { user: 'alice', password: 'secret' });
  const ours = parseMessage(sipNpm.stringify(rq)) as SipRequest;
  const value = ours.headers.get('Authorization');
  t.ok(value, 'their client signed');
  const lookup = (u: string) => (u === 'alice' ? { password: 'secret' } : undefined);
  t.same(server.verifyAuthorization(value!, { method: ours.method, uri: ours.uri.toString(), lookup }), { result: 'ok', username: 'alice' });
  t.same(server.verifyAuthorization(value!, { method: ours.method, uri: ours.uri.toString(), lookup: () => ({ password: 'x' }) }), { result: 'bad', reason: 'digest' });
});
