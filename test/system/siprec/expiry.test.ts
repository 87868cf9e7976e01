/**
 * RFC 4028 §10 at the SRS: an SRC that asked for a 90 s session timer and never refreshes (it
 * crashed) has its recording ended by the SRS with BYE before the session expires, and the
 * recording on disk is complete. (A long test: it waits the real interval, 60 s.)
 */
import t from 'tap';
import type { Dialog } from '../../../include-types/api.js';
import { ConnectionState } from '../../../include-types/states.js';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { InviteDialogAssoc, MessageElements, ResponseElements, SipClient, SipConnection, type ClientTransaction, type ServerTransaction } from '../../../lib/siprec/common/api.js';
import { ObserverBase } from '../../../lib/siprec/common/observer.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { startSrs, waitFor } from './helpers.js';

t.test('SRS ends a recording whose SRC stopped refreshing', async (t) => {
  const srs = await startSrs(t);
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
  const t0 = Date.now();
  const ended = await waitFor(srs, 'sessionEnded', () => true, 70_000);
  const after = (Date.now() - t0) / 1000;
  t.equal(ended.reason, 'timeout');
  t.ok(after > 55 && after < 65, `ended after ${after.toFixed(1)} s (90 - 30)`);
  await new Promise((r) => setTimeout(r, 300));
  t.ok(byeFromSrs, 'the SRS sent BYE');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.equal(r.index.endReason, 'timeout');
});
