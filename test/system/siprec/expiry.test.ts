/**
 * RFC 4028 §10 at the SRS: an SRC that asked for a 90 s session timer and never refreshes (it
 * crashed) has its recording ended by the SRS with BYE before the session expires, and the
 * recording on disk is complete. The SRS runs on a FakeClock (its stack too): the test moves
 * time past the 60 s instead of waiting for it.
 */
import t from 'tap';
import type { Dialog } from '../../../include-types/api.js';
import { ConnectionState } from '../../../include-types/states.js';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { InviteDialogAssoc, MessageElements, ResponseElements, SipClient, SipConnection, type ClientTransaction, type ServerTransaction } from '../../../lib/siprec/common/api.js';
import { ObserverBase } from '../../../lib/siprec/common/observer.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { sleep, startSrs, waitFor } from './helpers.js';

t.test('SRS ends a recording whose SRC stopped refreshing', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t, { clock });
  let byeFromSrs = false;
  const client = new SipClient({ uid: 'dead-src', observer: { incomingRequest: (_i, tx) => tx.dispose(), timedOut: () => undefined }, settings: { iaps: [{ id: 'x', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }, { protocol: 'udp', address: '127.0.0.1', port: 0 }] }] } });
  t.teardown(() => client.close());
  const conn = await new Promise<SipConnection>((resolve) => {
    const c: SipConnection = new SipConnection(client, 'x', new (class extends ObserverBase {
      override connectionStateChanged(s: ConnectionState): void { if (s === ConnectionState.Active) resolve(c); }
      override incomingResponseInDialog(tx: ClientTransaction, assoc: import('../../../include-types/api.js').DialogAssoc): void {
        if (tx.responseElements?.isSuccess) (assoc as InviteDialogAssoc).sendAck(tx);
      }
      override incomingRequestInDialog(tx: ServerTransaction, _d: Dialog): void {
        if (tx.type === 'BYE') byeFromSrs = true;
        if (tx.type !== 'ACK') tx.sendResponse(new ResponseElements({ statusCode: 200 }));
        tx.dispose();
      }
    })());
  });
  const uri = srs.uri('tcp');
  const b = client.stack.boundAddresses('x').find((x) => x.protocol === 'tcp')!;
  const a = InviteDialogAssoc.create(conn, { to: `<${uri}>`, remoteUri: uri, contact: `<sip:src@127.0.0.1:${b.port};transport=tcp>;+sip.src` });
  const body = buildRecordingBody(
    buildOfferSdp([{ label: '1', port: 30000 }], { address: '127.0.0.1', sessionId: 1, version: 1 }),
    new MetadataBuilder({ participants: [{ key: 'a', aor: 'sip:a@x' }], streams: [{ label: '1', sender: 'a' }] }).completeXml(),
  );
  const started = waitFor(srs, 'sessionStarted');
  a.sendInvite(new MessageElements({ headers: [['Require', 'siprec'], ['Supported', 'timer'], ['Session-Expires', '90;refresher=uac']], content: body.body, contentType: body.contentType }));
  await started;
  await sleep(300); // the ACK (real sockets) reaches the SRS before its time moves past 64*T1
  let endedAt: number | undefined;
  srs.on('sessionEnded', () => { endedAt ??= clock.now(); });
  const ended = waitFor(srs, 'sessionEnded');
  clock.advance(59_999);
  await sleep(200);
  t.equal(endedAt, undefined, 'still recording just before 90 - min(32, 90/3) = 60 s');
  clock.advance(1);
  t.equal((await ended).reason, 'timeout');
  t.equal(endedAt, 60_000, 'ended at 60 s (RFC 4028 §10: before the session expires)');
  await sleep(300);
  t.ok(byeFromSrs, 'the SRS sent BYE');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.equal(r.index.endReason, 'timeout');
});
