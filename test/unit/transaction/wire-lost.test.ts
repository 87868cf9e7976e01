/**
 * A server transaction in Completed resends its final response from the wire form it keeps
 * (wire.ts). If parsing that form again ever failed, a Timer G callback or a retransmitted
 * request would throw out of the machine (out of a timer: the process dies). Instead the error is
 * logged with its reason and the transaction ends with TransportError (RFC 3261 §17.2.4).
 */
import t from 'tap';
import { SipErrorCode } from '../../../include-types/errors.js';
import type { SipResponse } from '../../../lib/message/index.js';
import { FakeClock } from '../../../lib/transaction/clock.js';
import { TransactionLayer } from '../../../lib/transaction/layer.js';
import type { ServerTransaction } from '../../../lib/transaction/layer-types.js';
import type { WireHeld } from '../../../lib/transaction/wire.js';
import { FakeTransport, flush } from '../../helpers/fake-transport.js';
import { ServerRecorder, makeRequest, reply, source } from './harness.js';

function setup() {
  const clock = new FakeClock();
  const transport = new FakeTransport(() => clock.now());
  const errors: Array<{ msg: string; data: Record<string, unknown> | undefined }> = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (msg: string, data?: Record<string, unknown>) => void errors.push({ msg, data }) };
  const layer = new TransactionLayer({ transport, clock, logger });
  return { clock, transport, layer, errors };
}

/** Corrupts the wire form the transaction would resend from (the seam of wire.ts). */
function corrupt(tx: ServerTransaction): void {
  const held = (tx as unknown as { heldResponse: WireHeld<SipResponse> | undefined }).heldResponse;
  if (held === undefined) throw new Error('no held response');
  held.replaceWireForTest('SIP/2.0 486 Busy Here\r\nVia: \r\nthis is not a header\r\n\r\n');
}

t.test('the corrupted wire form really does not parse', async (t) => {
  const { layer, transport } = setup();
  const req = makeRequest();
  const d = layer.receiveRequest(req, source());
  if (d.kind !== 'new') throw new Error('expected a new transaction');
  d.tx.respond(reply(req, 486));
  const held = (d.tx as unknown as { heldResponse: WireHeld<SipResponse> }).heldResponse;
  held.replaceWireForTest('SIP/2.0 486 Busy Here\r\nVia: \r\nthis is not a header\r\n\r\n');
  t.throws(() => held.get());
  transport.sent.length = 0;
  layer.close();
});

t.test('INVITE server, Timer G: no throw out of the timer; error logged; TU told TransportError; ended', async (t) => {
  const { clock, layer, transport, errors } = setup();
  const req = makeRequest({ method: 'INVITE' });
  const d = layer.receiveRequest(req, source('udp'));
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  const tx = d.tx;
  const user = new ServerRecorder();
  tx.user = user;
  tx.respond(reply(req, 486));
  await flush();
  t.equal(tx.rfcState, 'Completed');
  const sentBefore = transport.sent.length;
  corrupt(tx);
  t.doesNotThrow(() => clock.advance(500), 'Timer G fires without throwing');
  await flush();
  t.equal(tx.rfcState, 'Terminated');
  t.equal(tx.endReason, 'TransportError');
  t.same(user.events, [`transportError:${SipErrorCode.TransportError}`, 'terminated']);
  t.equal(errors.length, 1, 'one error logged');
  t.match(errors[0].data, { error: /./ }, 'with the reason');
  t.equal(transport.sent.length, sentBefore, 'nothing resent');
  t.equal(tx.runningTimers, 0, 'H and G stopped');
  t.equal(layer.stats().serverInvite, 0, 'out of the table');
  t.doesNotThrow(() => clock.runAll());
  layer.close();
});

t.test('INVITE server, a retransmitted INVITE in Completed: absorbed, no throw, ended', async (t) => {
  const { layer, errors } = setup();
  const req = makeRequest({ method: 'INVITE', branch: 'z9hG4bKwirelost-ist' });
  const d = layer.receiveRequest(req, source('udp'));
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  const tx = d.tx;
  const user = new ServerRecorder();
  tx.user = user;
  tx.respond(reply(req, 603));
  corrupt(tx);
  let disposition: string | undefined;
  t.doesNotThrow(() => {
    disposition = layer.receiveRequest(makeRequest({ method: 'INVITE', branch: 'z9hG4bKwirelost-ist', callId: req.callId, fromTag: req.from.tag }), source('udp')).kind;
  });
  t.equal(disposition, 'absorbed');
  await flush();
  t.equal(tx.endReason, 'TransportError');
  t.same(user.events, [`transportError:${SipErrorCode.TransportError}`, 'terminated']);
  t.equal(errors.length, 1);
  layer.close();
});

t.test('non-INVITE server, a retransmitted request in Completed: absorbed, no throw, ended', async (t) => {
  const { layer, errors, transport } = setup();
  const req = makeRequest({ method: 'OPTIONS', branch: 'z9hG4bKwirelost-nist' });
  const d = layer.receiveRequest(req, source('udp'));
  if (d.kind !== 'new' || d.tx.kind !== 'nist') throw new Error('expected a non-INVITE server transaction');
  const tx = d.tx;
  const user = new ServerRecorder();
  tx.user = user;
  tx.respond(reply(req, 200));
  await flush();
  const sentBefore = transport.sent.length;
  corrupt(tx);
  let disposition: string | undefined;
  t.doesNotThrow(() => {
    disposition = layer.receiveRequest(makeRequest({ method: 'OPTIONS', branch: 'z9hG4bKwirelost-nist', callId: req.callId, fromTag: req.from.tag }), source('udp')).kind;
  });
  t.equal(disposition, 'absorbed');
  await flush();
  t.equal(tx.rfcState, 'Terminated');
  t.equal(tx.endReason, 'TransportError');
  t.same(user.events, [`transportError:${SipErrorCode.TransportError}`, 'terminated']);
  t.equal(errors.length, 1);
  t.match(errors[0].msg, /wire form/);
  t.equal(transport.sent.length, sentBefore, 'nothing resent');
  t.equal(layer.stats().serverNonInvite, 0);
  layer.close();
});

t.test('an intact wire form is still resent as before', async (t) => {
  const { clock, layer, transport, errors } = setup();
  const req = makeRequest({ method: 'INVITE' });
  const d = layer.receiveRequest(req, source('udp'));
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  d.tx.respond(reply(req, 486));
  await flush();
  const before = transport.sent.length;
  clock.advance(500);
  await flush();
  t.equal(transport.sent.length, before + 1, 'Timer G resent the 486');
  t.equal(d.tx.rfcState, 'Completed');
  t.equal(errors.length, 0);
  layer.close();
});
