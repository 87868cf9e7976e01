/**
 * Why a recording ended, at the SRS: `endReason` is an SrsEndReason value (the same in
 * `sessionEnded.reason` and index.json), and the words are apart in `endDetail` — for the SRC's
 * BYE, the text of its Reason header (RFC 3326).
 */
import t from 'tap';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { MessageElements } from '../../../lib/siprec/common/api.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { reasonHeaderText } from '../../../lib/siprec/srs/srs-in-dialog.js';
import { startSrs, waitFor } from './helpers.js';
import { startLeanSrc } from './lean-src.js';

function recordingBody(): { content: Buffer; contentType: string } {
  const sdp = buildOfferSdp([{ label: '1', port: 30000 }], { address: '127.0.0.1', sessionId: 1, version: 1 });
  const xml = new MetadataBuilder({ callId: `end-${Math.random()}@test`, participants: [{ key: 'a', aor: 'sip:alice@example.com' }], streams: [{ label: '1', sender: 'a' }] }).completeXml();
  const b = buildRecordingBody(sdp, xml);
  return { content: Buffer.from(b.body), contentType: b.contentType };
}

t.test('the SRC\'s BYE with a Reason header: endReason bye, endDetail its text, in the event and index.json', async (t) => {
  const srs = await startSrs(t);
  const src = await startLeanSrc(t);
  const { assoc, tx } = await src.invite(srs.uri('tcp'), recordingBody());
  t.equal(tx.responseElements?.statusCode, 200);
  src.ack(assoc, tx);
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye(new MessageElements({ headers: [['Reason', 'SIP ;cause=200 ;text="Call completed elsewhere"']] }));
  const e = await ended;
  t.match(e, { reason: 'bye', endDetail: 'Call completed elsewhere' });
  t.equal(e.failure, undefined, 'not a failure of the SRS');
  const [r] = listRecordings(srs.settings.dir);
  t.same([r.index.state, r.index.endReason, r.index.endDetail], ['complete', 'bye', 'Call completed elsewhere']);

  const plain = await src.invite(srs.uri('tcp'), recordingBody());
  src.ack(plain.assoc, plain.tx);
  const ended2 = waitFor(srs, 'sessionEnded');
  plain.assoc.sendBye();
  t.equal((await ended2).endDetail, undefined, 'no Reason header: no detail');
});

t.test('Reason header text (RFC 3326 §2)', async (t) => {
  t.equal(reasonHeaderText(undefined), undefined);
  t.equal(reasonHeaderText('  '), undefined);
  t.equal(reasonHeaderText('Q.850;cause=16;text="Terminated"'), 'Terminated');
  t.equal(reasonHeaderText('SIP;cause=600;text="say \\"no\\""'), 'say "no"', 'quoted-pair unescaped');
  t.equal(reasonHeaderText('SIP ;cause=200'), 'SIP ;cause=200', 'no text: the value as it came');
  t.equal(reasonHeaderText(`SIP;text="${'x'.repeat(1000)}"`)?.length, 256, 'bounded');
});
