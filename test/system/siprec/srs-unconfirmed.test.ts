/**
 * `maxUnconfirmedSessions` (issue 15: the SRS's memory under a flood of INVITEs never ACKed): set-ups
 * plus sessions answered 2xx whose ACK has not come are held to the limit; past it a new INVITE
 * gets 503 with Retry-After; an ACK frees its place at once; a session never ACKed ends at Timer H
 * (64*T1, RFC 3261 §13.3.1.4: BYE, recording `failed`, `no ACK for the 2xx`) and frees its place.
 * The SRS and its stack run on a FakeClock: Timer H is moved to, never waited for.
 */
import t from 'tap';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import type { ClientTransaction } from '../../../lib/siprec/common/api.js';
import { listRecordings, RecordingState } from '../../../lib/siprec/srs/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { sleep, startSrs, waitFor, type Payload } from './helpers.js';
import { startLeanSrc } from './lean-src.js';

function body(): { content: Buffer; contentType: string } {
  const b = buildRecordingBody(
    buildOfferSdp([{ label: '1', port: 31000 }], { address: '127.0.0.1', sessionId: 1, version: 1 }),
    new MetadataBuilder({ participants: [{ key: 'a', aor: 'sip:a@example.com' }], streams: [{ label: '1', sender: 'a' }] }).completeXml(),
  );
  return { content: b.body, contentType: b.contentType };
}

const status = (tx: ClientTransaction): number | undefined => tx.responseElements?.statusCode;

t.test('maxUnconfirmedSessions: 503 + Retry-After past it; an ACK frees a place; Timer H ends an un-ACKed one (failed) and frees its place', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t, { clock, maxUnconfirmedSessions: 2 });
  const src = await startLeanSrc(t);
  const refused: Payload[] = [];
  srs.on('sessionRejected', (e) => refused.push(e));
  const ended: Payload[] = [];
  srs.on('sessionEnded', (e) => ended.push(e));

  const a = await src.invite(srs.uri('tcp'), body());
  const b = await src.invite(srs.uri('tcp'), body());
  t.same([status(a.tx), status(b.tx)], [200, 200], 'two set-ups answered, neither ACKed');
  t.equal(srs.stats().unconfirmedSessions, 2);

  const c = await src.invite(srs.uri('tcp'), body());
  t.equal(status(c.tx), 503, 'the third waits for an ACK');
  t.equal(c.tx.responseElements?.messageElements.header('Retry-After'), '5');
  t.match(c.tx.responseElements?.reasonPhrase, /awaiting their ACK/);
  for (let i = 0; i < 100 && refused.length === 0; i++) await sleep(5);
  t.match(refused, [{ statusCode: 503, retryAfter: 5, limit: 'maxUnconfirmedSessions' }]);
  t.equal(listRecordings(srs.settings.dir).length, 2, 'nothing stored for the refused one');
  // refused by the stack's admission (SipStackSettings.admission): no transaction, no API object
  t.equal(srs.sipStats()?.transactions.serverInvite, 2, 'the two answered INVITEs hold their transactions; the refused one none');
  t.equal(srs.sipStats()?.statelessRefusals[503], 1, 'its 503 was stateless');
  t.same(srs.stats().rejected, { 503: 1 }, 'and counted by the SRS');

  src.ack(a.assoc, a.tx);
  for (let i = 0; i < 100 && srs.stats().unconfirmedSessions !== 1; i++) await sleep(10);
  t.equal(srs.stats().unconfirmedSessions, 1, 'the ACK confirmed one');
  const d = await src.invite(srs.uri('tcp'), body());
  t.equal(status(d.tx), 200, 'its place is free again');
  src.ack(d.assoc, d.tx);
  for (let i = 0; i < 100 && srs.stats().unconfirmedSessions !== 1; i++) await sleep(10);

  // b is never ACKed: Timer H (64*T1 = 32 s) ends it, not a moment before.
  const bEnded = waitFor(srs, 'sessionEnded', (e) => e.recordingId === b.tx.requestElements.callId);
  clock.advance(31_999);
  await sleep(50);
  t.same(ended, [], 'nothing ended before Timer H');
  clock.advance(1);
  const e = await bEnded;
  t.equal(e.reason, 'failed');
  t.equal(e.endDetail, 'no ACK for the 2xx');
  await src.waitRequest('BYE');
  t.equal(srs.stats().unconfirmedSessions, 0, 'its place is free');
  t.equal(srs.activeSessions, 2, 'the ACKed sessions go on');
  const r = listRecordings(srs.settings.dir).find((x) => x.index.recordingId === b.tx.requestElements.callId);
  t.equal(r?.index.state, RecordingState.Failed, 'its recording is kept, marked failed');
  t.equal(r?.index.endReason, 'failed');
  t.equal(r?.index.endDetail, 'no ACK for the 2xx');

  const f = await src.invite(srs.uri('tcp'), body());
  t.equal(status(f.tx), 200, 'a new set-up is taken');
  src.ack(f.assoc, f.tx);
  // Ended by the SRC (shutdown would wait for the answers to its BYEs on the FakeClock).
  const all = new Promise<void>((resolve) => srs.on('sessionEnded', () => { if (srs.activeSessions === 0) resolve(); }));
  for (const x of [a, d, f]) x.assoc.sendBye();
  await all;
});

t.test('maxUnconfirmedSessions 0: no limit beyond maxSessions', async (t) => {
  const srs = await startSrs(t, { maxUnconfirmedSessions: 0, maxSessions: 3 });
  const src = await startLeanSrc(t);
  const codes: (number | undefined)[] = [];
  for (let i = 0; i < 4; i++) codes.push(status((await src.invite(srs.uri('tcp'), body())).tx));
  t.same(codes, [200, 200, 200, 486], 'three un-ACKed set-ups taken; the fourth meets maxSessions');
  t.equal(srs.stats().unconfirmedSessions, 3);
});
