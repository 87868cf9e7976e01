/**
 * RFC 4028 §10 at the SRS, through the API's session timer (the SRS has none of its own): an SRC
 * that asked for a 90 s session timer as the refresher and never refreshes (it crashed) has its
 * recording ended with BYE before the session expires (`timeout`, index complete); one that
 * refreshes lives on; and when the SRC leaves the refresher to the SRS, the SRS's own refreshes
 * keep the session. The SRS runs on a FakeClock (its stack too): the test moves time instead of
 * waiting for it. The SRC runs on real time and never refreshes by itself.
 */
import t, { type Test } from 'tap';
import type { Dialog, DialogAssoc } from '../../../include-types/api.js';
import { ConnectionState } from '../../../include-types/states.js';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { InviteDialogAssoc, MessageElements, ResponseElements, SipClient, SipConnection, type ClientTransaction, type ServerTransaction } from '../../../lib/siprec/common/api.js';
import { ObserverBase } from '../../../lib/siprec/common/observer.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { listRecordings, type Srs } from '../../../lib/siprec/srs/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { sleep, startSrs, waitFor } from './helpers.js';

/** A lean SRC on real time: answers every request in the dialog 200 (RFC 4028 aware) and counts what the SRS sent. */
interface DeadSrc {
  assoc: InviteDialogAssoc;
  /** Requests the SRS sent in the dialog, by method. */
  fromSrs: Record<string, number>;
  /** The 2xx of the INVITE. */
  answer: () => ClientTransaction | undefined;
}

async function recordWithTimer(t: Test, srs: Srs, sessionExpires: string): Promise<DeadSrc> {
  const fromSrs: Record<string, number> = {};
  let answered: ClientTransaction | undefined;
  const client = new SipClient({ uid: 'dead-src', observer: { incomingRequest: (_i, tx) => tx.dispose(), timedOut: () => undefined }, settings: { iaps: [{ id: 'x', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }, { protocol: 'udp', address: '127.0.0.1', port: 0 }] }] } });
  t.teardown(() => client.close());
  const conn = await new Promise<SipConnection>((resolve) => {
    const c: SipConnection = new SipConnection(client, 'x', new (class extends ObserverBase {
      override connectionStateChanged(s: ConnectionState): void { if (s === ConnectionState.Active) resolve(c); }
      override incomingResponseInDialog(tx: ClientTransaction, assoc: DialogAssoc): void {
        if (tx.type === 'INVITE' && tx.responseElements?.isSuccess) {
          answered = tx;
          (assoc as InviteDialogAssoc).sendAck(tx);
        }
      }
      override incomingRequestInDialog(tx: ServerTransaction, _d: Dialog): void {
        fromSrs[tx.type] = (fromSrs[tx.type] ?? 0) + 1;
        // RFC 4028 §9: a UAS that supports the timer echoes the refresh's Session-Expires in its 2xx
        // (without it the refresher would read "no session timer any more", §7.2).
        const se = tx.type === 'UPDATE' ? tx.requestElements.messageElements.header('Session-Expires') : undefined;
        const headers: [string, string][] = se !== undefined ? [['Session-Expires', se], ['Require', 'timer']] : [];
        if (tx.type !== 'ACK') tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: new MessageElements({ headers }) }));
        tx.dispose();
      }
    })());
  });
  const uri = srs.uri('tcp');
  const b = client.stack.boundAddresses('x').find((x) => x.protocol === 'tcp')!;
  const assoc = InviteDialogAssoc.create(conn, { to: `<${uri}>`, remoteUri: uri, contact: `<sip:src@127.0.0.1:${b.port};transport=tcp>;+sip.src` });
  const body = buildRecordingBody(
    buildOfferSdp([{ label: '1', port: 30000 }], { address: '127.0.0.1', sessionId: 1, version: 1 }),
    new MetadataBuilder({ participants: [{ key: 'a', aor: 'sip:a@x' }], streams: [{ label: '1', sender: 'a' }] }).completeXml(),
  );
  const started = waitFor(srs, 'sessionStarted');
  assoc.sendInvite(new MessageElements({ headers: [['Require', 'siprec'], ['Supported', 'timer'], ['Session-Expires', sessionExpires]], content: body.body, contentType: body.contentType }));
  await started;
  await sleep(300); // the ACK (real sockets) reaches the SRS before its time moves past 64*T1
  return { assoc, fromSrs, answer: () => answered };
}

/** Moves the SRS's time by `ms` and lets the sockets carry what that sent. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(ms);
  await sleep(150);
}

t.test('SRS ends a recording whose SRC (the refresher) stopped refreshing, at the RFC 4028 time', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t, { clock });
  const src = await recordWithTimer(t, srs, '90;refresher=uac');
  t.equal(src.answer()?.responseElements?.messageElements.header('Session-Expires'), '90;refresher=uac', 'the 2xx keeps the SRC as the refresher (RFC 4028 §9)');
  let endedAt: number | undefined;
  srs.on('sessionEnded', () => { endedAt ??= clock.now(); });
  const ended = waitFor(srs, 'sessionEnded');
  await advance(clock, 59_999);
  t.equal(endedAt, undefined, 'still recording just before 90 - min(32, 90/3) = 60 s');
  clock.advance(1);
  const e = await ended;
  t.equal(e.reason, 'timeout');
  t.match(e.endDetail, /session timer expired/);
  t.equal(endedAt, 60_000, 'ended at 60 s (RFC 4028 §10: before the session expires)');
  await sleep(300);
  t.equal(src.fromSrs.BYE, 1, 'the SRS sent BYE');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.equal(r.index.endReason, 'timeout');
  t.match(r.index.endDetail, /did not refresh/);
  t.same(srs.liveObjects(), { SipConnection: 1 }, 'the dialog and its timer are gone');
});

t.test('a session the SRC refreshes lives on; it ends 60 s after the last refresh', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t, { clock });
  const src = await recordWithTimer(t, srs, '90;refresher=uac');
  let endedAt: number | undefined;
  srs.on('sessionEnded', () => { endedAt ??= clock.now(); });
  await advance(clock, 40_000);
  const refresh = src.assoc.sendUpdate(new MessageElements({ headers: [['Supported', 'timer'], ['Session-Expires', '90;refresher=uac']] }));
  await sleep(300);
  t.equal(refresh.responseElements?.statusCode, 200, 'the refresh (UPDATE without a body, RFC 4028 §7.4) is answered 2xx');
  t.equal(refresh.responseElements?.messageElements.header('Session-Expires'), '90;refresher=uac', 'and restarts the timer (RFC 4028 §9)');
  const ended = waitFor(srs, 'sessionEnded');
  await advance(clock, 59_999); // 99.999 s: past the first 60 s
  t.equal(endedAt, undefined, 'the refreshed session is still recording');
  t.equal(srs.activeSessions, 1);
  t.notOk(src.fromSrs.BYE, 'no BYE');
  clock.advance(1);
  t.equal((await ended).reason, 'timeout', 'without a second refresh it ends');
  t.equal(endedAt, 100_000, '60 s after the refresh');
});

t.test('the SRC leaves the refresher to the SRS: the SRS refreshes with UPDATE and the session lives on', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t, { clock });
  const src = await recordWithTimer(t, srs, '90');
  t.equal(src.answer()?.responseElements?.messageElements.header('Session-Expires'), '90;refresher=uas', 'the SRS is the refresher');
  let ended = false;
  srs.on('sessionEnded', () => { ended = true; });
  await advance(clock, 45_000);
  t.equal(src.fromSrs.UPDATE, 1, 'the SRS refreshed at half the interval (RFC 4028 §10)');
  await advance(clock, 45_000);
  await advance(clock, 45_000);
  t.equal(src.fromSrs.UPDATE, 3, 'and again after each answered refresh');
  t.notOk(ended, 'live at 135 s: the SRS\'s own refreshes keep it (an expiry of the SRS\'s own would have cut it at 60 s)');
  t.notOk(src.fromSrs.BYE, 'no BYE');
  const byed = waitFor(srs, 'sessionEnded');
  src.assoc.sendBye();
  t.equal((await byed).reason, 'bye');
});
