/** Offer/answer bookkeeping (RFC 3264 §4, RFC 3261 §14.2, RFC 3311 §5.2). */
import t from 'tap';
import { OfferAnswer } from '../../../lib/dialog/offer-answer.js';

t.test('offer in INVITE, answer in 2xx', async (t) => {
  const oa = new OfferAnswer();
  t.equal(oa.state, 'Idle');
  t.equal(oa.outgoingRole(), 'offer');
  oa.offerSent();
  t.equal(oa.state, 'LocalOffer');
  t.notOk(oa.canOffer());
  t.equal(oa.incomingRole(), 'answer');
  oa.answerReceived();
  t.equal(oa.state, 'Idle');
  t.equal(oa.exchanges, 1);
});

t.test('offer in 2xx (empty INVITE), answer in ACK', async (t) => {
  const oa = new OfferAnswer();
  t.equal(oa.incomingRole(), 'offer');
  t.same(oa.offerReceived(), { accept: true });
  t.equal(oa.outgoingRole(), 'answer');
  oa.answerSent();
  t.equal(oa.exchanges, 1);
  t.ok(oa.canOffer());
});

t.test('glare: their offer while ours is outstanding → 491', async (t) => {
  const oa = new OfferAnswer();
  oa.offerSent();
  t.same(oa.offerReceived(), { accept: false, status: 491 });
  t.equal(oa.state, 'LocalOffer', 'ours is still outstanding');
});

t.test('a second offer while we owe an answer → 500 with Retry-After 0..10', async (t) => {
  const oa = new OfferAnswer(() => 7);
  oa.offerReceived();
  t.same(oa.offerReceived(), { accept: false, status: 500, retryAfter: 7 });
  t.throws(() => oa.offerSent(), { name: 'SipError', code: 'InvalidState' }, 'nor may we offer');
  const random = new OfferAnswer();
  random.offerReceived();
  for (let i = 0; i < 50; i++) {
    const v = random.offerReceived();
    t.ok(!v.accept && v.status === 500 && v.retryAfter >= 0 && v.retryAfter <= 10);
  }
});

t.test('rejected offers roll back; misuse throws', async (t) => {
  const oa = new OfferAnswer();
  t.throws(() => oa.answerReceived(), { name: 'SipError', code: 'InvalidState' });
  t.throws(() => oa.answerSent(), { name: 'SipError', code: 'InvalidState' });
  oa.offerSent();
  oa.offerRejected(); // e.g. 488 to the re-INVITE
  t.equal(oa.state, 'Idle');
  t.equal(oa.exchanges, 0);
  oa.offerReceived();
  oa.offerRejected(); // we answered 488
  t.ok(oa.canOffer());
});
