/** RFC 4028: header parsing, UAS/UAC negotiation, 422 handling and the timer on a fake clock. */
import t from 'tap';
import { FakeClock } from '../../../lib/transaction/clock.js';
import {
  formatMinSE,
  formatSessionExpires,
  parseMinSE,
  parseSessionExpires,
} from '../../../lib/dialog/session-expires.js';
import { negotiateAsUac, negotiateAsUas, retryAfter422, uacRequestHeaders } from '../../../lib/dialog/session-timer-negotiation.js';
import { SessionTimer, expiryMargin } from '../../../lib/dialog/session-timer.js';
import { SipRequest, SipResponse } from '../../../lib/message/index.js';

function request(headers: Array<[string, string]>): SipRequest {
  return new SipRequest({
    method: 'INVITE',
    uri: 'sip:bob@b.example',
    headers: [['From', '<sip:a@a.example>;tag=1'], ['To', '<sip:bob@b.example>'], ['Call-ID', 'c'], ['CSeq', '1 INVITE'], ...headers],
  });
}

function response(status: number, headers: Array<[string, string]>): SipResponse {
  return new SipResponse({ status, headers: [['CSeq', '1 INVITE'], ...headers] });
}

t.test('Session-Expires and Min-SE parse and format', async (t) => {
  t.same(parseSessionExpires('1800'), { interval: 1800 });
  t.same(parseSessionExpires(' 4000 ; refresher = UAS ;foo=bar'), { interval: 4000, refresher: 'uas' });
  t.same(parseSessionExpires('90;refresher=proxy'), { interval: 90 });
  t.equal(parseSessionExpires('abc'), undefined);
  t.equal(parseSessionExpires('0'), undefined);
  t.equal(parseSessionExpires('-5'), undefined);
  t.equal(parseSessionExpires('99999999999'), undefined);
  t.equal(formatSessionExpires({ interval: 1800 }), '1800');
  t.equal(formatSessionExpires({ interval: 600, refresher: 'uac' }), '600;refresher=uac');
  t.equal(parseMinSE('120;x=y'), 120);
  t.equal(parseMinSE('x'), undefined);
  t.equal(formatMinSE(90), '90');
  const viaCompact = request([['x', '1200;refresher=uac']]);
  t.equal(viaCompact.headers.get('Session-Expires'), '1200;refresher=uac', 'compact form x');
});

t.test('UAC request headers: defaults 1800/90, never below Min-SE', async (t) => {
  t.same(uacRequestHeaders(), [['Supported', 'timer'], ['Session-Expires', '1800'], ['Min-SE', '90']]);
  t.same(uacRequestHeaders({ sessionExpires: 60, minSE: 30, refresher: 'uac' }), [['Supported', 'timer'], ['Session-Expires', '90;refresher=uac'], ['Min-SE', '90']]);
});

t.test('UAS: too small → 422 with our Min-SE', async (t) => {
  const d = negotiateAsUas(request([['Supported', 'timer'], ['Session-Expires', '100']]), { minSE: 120 });
  t.same(d, { kind: 'reject', status: 422, headers: [['Min-SE', '120']] });
  // a proxy inserted it for a UAC that cannot retry: raised instead of refused
  const p = negotiateAsUas(request([['Session-Expires', '100']]), { minSE: 120 });
  t.same(p, { kind: 'accept', headers: [['Session-Expires', '120;refresher=uas']], timer: { interval: 120, refresher: 'uas', localRefreshes: true } });
});

t.test('UAS: refresher chosen when left open; Require: timer only if the UAC supports it', async (t) => {
  const a = negotiateAsUas(request([['Supported', 'timer, 100rel'], ['Session-Expires', '1800']]));
  t.same(a, { kind: 'accept', headers: [['Session-Expires', '1800;refresher=uas'], ['Require', 'timer']], timer: { interval: 1800, refresher: 'uas', localRefreshes: true } });
  const b = negotiateAsUas(request([['Supported', 'timer'], ['Session-Expires', '1800']]), { preferredRefresher: 'uac' });
  t.same(b.kind === 'accept' && b.timer, { interval: 1800, refresher: 'uac', localRefreshes: false });
  const c = negotiateAsUas(request([['Supported', 'timer'], ['Session-Expires', '1800;refresher=uac']]));
  t.same(c.kind === 'accept' && c.timer, { interval: 1800, refresher: 'uac', localRefreshes: false }, 'the request chose');
  // a proxy inserted Session-Expires; the UAC does not support timer, so the UAS refreshes
  const d = negotiateAsUas(request([['Session-Expires', '1800;refresher=uac']]));
  t.same(d, { kind: 'accept', headers: [['Session-Expires', '1800;refresher=uas']], timer: { interval: 1800, refresher: 'uas', localRefreshes: true } });
});

t.test('UAS: may shorten, never below either Min-SE; no request timer → none unless policy wants one', async (t) => {
  const a = negotiateAsUas(request([['Supported', 'timer'], ['Session-Expires', '7200'], ['Min-SE', '900']]), { sessionExpires: 600 });
  t.equal(a.kind === 'accept' && a.timer?.interval, 900);
  const b = negotiateAsUas(request([['Supported', 'timer'], ['Session-Expires', '7200']]), { sessionExpires: 600 });
  t.equal(b.kind === 'accept' && b.timer?.interval, 600);
  const c = negotiateAsUas(request([['Supported', 'timer'], ['Session-Expires', '300']]), { sessionExpires: 1800 });
  t.equal(c.kind === 'accept' && c.timer?.interval, 300, 'never lengthened');
  t.same(negotiateAsUas(request([['Supported', 'timer']])), { kind: 'accept', headers: [] });
  const e = negotiateAsUas(request([['Supported', 'timer']]), { timerWhenNotRequested: true, sessionExpires: 1200, preferredRefresher: 'uac' });
  t.same(e, { kind: 'accept', headers: [['Session-Expires', '1200;refresher=uac'], ['Require', 'timer']], timer: { interval: 1200, refresher: 'uac', localRefreshes: false } });
  const f = negotiateAsUas(request([]), { timerWhenNotRequested: true, preferredRefresher: 'uac' });
  t.same(f.kind === 'accept' && f.timer, { interval: 1800, refresher: 'uas', localRefreshes: true }, 'a UAC without timer cannot refresh');
});

t.test('UAC: refresher from the 2xx; none in the 2xx = no timer', async (t) => {
  t.same(negotiateAsUac(response(200, [['Session-Expires', '1800;refresher=uac'], ['Require', 'timer']])), { interval: 1800, refresher: 'uac', localRefreshes: true });
  t.same(negotiateAsUac(response(200, [['Session-Expires', '900;refresher=uas']])), { interval: 900, refresher: 'uas', localRefreshes: false });
  t.same(negotiateAsUac(response(200, [['Session-Expires', '900']])), { interval: 900, refresher: 'uac', localRefreshes: true });
  t.equal(negotiateAsUac(response(200, [])), undefined);
});

t.test('UAC: 422 → retry with the larger Min-SE; no loop', async (t) => {
  const r = retryAfter422(response(422, [['Min-SE', '3600']]), {});
  t.same(r, { sessionExpires: 3600, minSE: 3600 });
  t.same(uacRequestHeaders(r), [['Supported', 'timer'], ['Session-Expires', '3600'], ['Min-SE', '3600']]);
  t.same(retryAfter422(response(422, [['Min-SE', '120']]), { sessionExpires: 1800 }), { sessionExpires: 1800, minSE: 120 });
  t.equal(retryAfter422(response(422, [['Min-SE', '120']]), { sessionExpires: 1800, minSE: 120 }), undefined, 'same values again');
  t.equal(retryAfter422(response(422, []), {}), undefined);
});

t.test('timer: refresher gets onRefreshDue at half the interval and restarts on refresh', async (t) => {
  const clock = new FakeClock();
  const events: string[] = [];
  const timer = new SessionTimer(clock, { interval: 1800, localRefreshes: true }, {
    onRefreshDue: () => events.push(`refresh@${clock.now()}`),
    onExpired: () => events.push(`expired@${clock.now()}`),
  });
  clock.advance(899_999);
  t.same(events, []);
  clock.advance(1);
  t.same(events, ['refresh@900000']);
  timer.refreshed();
  clock.advance(900_000);
  t.same(events, ['refresh@900000', 'refresh@1800000']);
  t.ok(timer.running);
  // the refresh fails: the expiry at 1800 - 32 s after the last refresh still comes
  clock.advance(1768_000 - 900_000);
  t.same(events.at(-1), 'expired@2668000');
  t.notOk(timer.running);
  t.equal(clock.pending(), 0);
});

t.test('timer: the other side expires at interval − min(32, interval/3)', async (t) => {
  t.equal(expiryMargin(1800), 32);
  t.equal(expiryMargin(90), 30);
  const clock = new FakeClock();
  const events: string[] = [];
  const timer = new SessionTimer(clock, { interval: 90, localRefreshes: false }, {
    onRefreshDue: () => events.push('refresh'),
    onExpired: () => events.push(`expired@${clock.now()}`),
  });
  clock.advance(59_000);
  timer.refreshed();
  clock.advance(59_999);
  t.same(events, [], 'a refresh restarted it');
  clock.advance(1);
  t.same(events, ['expired@119000']);
  timer.refreshed({ interval: 1800, localRefreshes: false });
  t.same(timer.current, { interval: 1800, localRefreshes: false });
  clock.advance(1768_000);
  t.same(events, ['expired@119000', 'expired@1887000']);
});

t.test('timer: dispose clears everything and is idempotent', async (t) => {
  const clock = new FakeClock();
  let calls = 0;
  const timer = new SessionTimer(clock, { interval: 600, localRefreshes: true }, { onRefreshDue: () => calls++, onExpired: () => calls++ });
  t.equal(clock.pending(), 2);
  timer[Symbol.dispose]();
  timer.dispose();
  timer.refreshed();
  t.equal(clock.pending(), 0);
  clock.runAll();
  t.equal(calls, 0);
  t.notOk(timer.running);
});
