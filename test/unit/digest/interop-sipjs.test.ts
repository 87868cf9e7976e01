/**
 * Interop with SIP.js's client Digest (MD5, qop auth/auth-int): it reads tsip's challenge with its
 * own parser and answers; tsip's server checks the answer.
 */
import t from 'tap';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { DigestAuthentication } from 'sip.js/lib/core/messages/digest-authentication.js';
import { LoggerFactory } from 'sip.js/lib/core/log/logger-factory.js';
import type { IncomingResponseMessage, OutgoingRequestMessage } from 'sip.js/lib/core/messages/index.js';
import { SipRequest, createResponse, serializeMessage } from '../../../lib/message/index.js';
import { DigestServer } from '../../../lib/stack/digest/server.js';
import type { DigestQop } from '../../../lib/stack/digest/algorithms.js';

const loggers = new LoggerFactory();
loggers.builtinEnabled = false;
type SipJsLogger = Parameters<typeof Parser.parseMessage>[1];

function register(): SipRequest {
  return new SipRequest({
    method: 'REGISTER',
    uri: 'sip:atlanta.example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr1'],
      ['From', '<sip:alice@atlanta.example.com>;tag=a1'],
      ['To', '<sip:alice@atlanta.example.com>'],
      ['Call-ID', 'sipjs-1'],
      ['CSeq', '1 REGISTER'],
    ],
  });
}

for (const qop of [['auth'], ['auth-int']] as DigestQop[][]) {
  t.test(`SIP.js answers tsip's challenge (qop=${qop[0]})`, async (t) => {
    const server = new DigestServer({ realm: 'atlanta.example.com', clock: { now: () => 1 }, algorithms: ['MD5'], qop, opaque: 'op' });
    const res = createResponse(register(), 401);
    res.headers.append('WWW-Authenticate', server.createChallenge()[0]);
    const parsed = Parser.parseMessage(serializeMessage(res).toString(), loggers.getLogger('test') as unknown as SipJsLogger) as IncomingResponseMessage;
    const challenge: unknown = parsed.parseHeader('www-authenticate');
    const digest = new DigestAuthentication(loggers, undefined, 'alice', 'secret');
    const request = { method: 'REGISTER', ruri: 'sip:atlanta.example.com' } as unknown as OutgoingRequestMessage;
    t.ok(digest.authenticate(request, challenge, 'body'), 'SIP.js accepted the challenge');
    const value = digest.toString();
    const lookup = (u: string) => (u === 'alice' ? { password: 'secret' } : undefined);
    t.same(server.verifyAuthorization(value, { method: 'REGISTER', uri: 'sip:atlanta.example.com', body: 'body', lookup }), { result: 'ok', username: 'alice' });
    t.same(server.verifyAuthorization(value, { method: 'REGISTER', uri: 'sip:atlanta.example.com', body: 'body', lookup: () => ({ password: 'no' }) }), { result: 'bad', reason: 'digest' });
  });
}
