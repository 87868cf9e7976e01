/**
 * Every SRS limit enforced over loopback against a real SIP client (the lean SRC): the stack's
 * message size (a huge metadata INVITE over TCP closed by the transport, logged), the metadata
 * size (413 on a new INVITE; 413 on a re-INVITE/UPDATE with the recording going on), setups per
 * second (503 + Retry-After), free disk space (503 + Retry-After before; BYE and a partial index
 * while recording), recording length (BYE, complete index saying why), datagrams per stream and
 * second (dropped, counted in index.json), and the bounded pre-ACK buffer.
 */
import t from 'tap';
import type { StatfsLike } from '../../../include-types/siprec.js';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { mediaLabel, parseSdp } from '../../../lib/message/index.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { MessageElements, type ClientTransaction } from '../../../lib/siprec/common/api.js';
import { inspectRecording, listRecordings, RecordingState } from '../../../lib/siprec/srs/index.js';
import { sleep, startSrs, waitFor, type Payload } from './helpers.js';
import { sendTone, startLeanSrc, udp } from './lean-src.js';

/** Metadata of `n` participants (about 620 bytes each), stream labels 1 and 2. */
function meta(n = 2): string {
  return new MetadataBuilder({
    callId: 'cs-limits@test',
    participants: Array.from({ length: Math.max(2, n) }, (_, i) => ({ key: `p${i}`, aor: `sip:participant-number-${i}@example.com`, name: `Participant ${i}` })),
    streams: [{ label: '1', sender: 'p0' }, { label: '2', sender: 'p1' }],
  }).completeXml();
}

const offer = (version = 1, direction = ''): string => {
  const sdp = buildOfferSdp([{ label: '1', port: 31000 }, { label: '2', port: 31002 }], { address: '127.0.0.1', sessionId: 7, version });
  return direction ? sdp.replace(/a=sendonly/g, `a=${direction}`) : sdp;
};

function body(sdp: string | undefined, xml: string | undefined): { content: Buffer; contentType: string } {
  const b = buildRecordingBody(sdp, xml);
  return { content: b.body, contentType: b.contentType };
}

/** The SRS's receiving ports from its 200 answer, by label. */
function ports(tx: ClientTransaction): Record<string, number> {
  const sdp = parseSdp(tx.responseElements!.messageElements.content!.toString());
  return Object.fromEntries(sdp.media.map((m) => [mediaLabel(m) ?? '', Number(m.port)]));
}

const status = (tx: ClientTransaction): number | undefined => tx.responseElements?.statusCode;
const header = (tx: ClientTransaction, name: string): string | undefined => tx.responseElements?.messageElements.header(name);

/** Collects sessionRejected events. */
function rejections(srs: { on(e: 'sessionRejected', f: (x: Payload) => void): unknown }): Payload[] {
  const out: Payload[] = [];
  srs.on('sessionRejected', (e) => out.push(e));
  return out;
}

/** Waits for the final response of a transaction sent outside the lean SRC's helpers (UPDATE). */
async function finalOf(tx: ClientTransaction, ms = 5000): Promise<number> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) {
    const s = tx.responseElements?.statusCode ?? 0;
    if (s >= 200) return s;
  }
  throw new Error('no final response');
}

t.test('transportLimits.maxMessageSize: a huge metadata INVITE over TCP gets 513 from the stack (RFC 3261 §21.5.14) and never reaches the SRS; raised, it passes', { timeout: 20000 }, async (t) => {
  const srs = await startSrs(t, { transportLimits: { maxMessageSize: 8000 }, maxMetadataBytes: 0 });
  const src = await startLeanSrc(t);
  const events: string[] = [];
  for (const e of ['sessionStarted', 'sessionRejected'] as const) srs.on(e, () => events.push(e));
  const big = meta(20);
  t.ok(Buffer.byteLength(big) > 8000, `metadata of ${Buffer.byteLength(big)} bytes`);
  const { tx: refusedTx } = await src.invite(srs.uri('tcp'), body(offer(), big));
  t.equal(status(refusedTx), 513, 'Message Too Large, answered by the stack before the body');
  t.same(events, [], 'the INVITE never reached the SRS: no session, no refusal of its own');
  t.equal(srs.activeSessions, 0);
  t.same(listRecordings(srs.settings.dir), [], 'nothing on disk');

  // The same INVITE to an SRS whose app set a larger limit (the client's own stack sends up to
  // its default 65535 bytes).
  const roomy = await startSrs(t, { transportLimits: { maxMessageSize: 30_000 } });
  const { assoc, tx } = await src.invite(roomy.uri('tcp'), body(offer(), big));
  t.equal(status(tx), 200, 'accepted');
  src.ack(assoc, tx);
  const ended = waitFor(roomy, 'sessionEnded');
  assoc.sendBye();
  await ended;
  const [r] = listRecordings(roomy.settings.dir);
  t.equal(r.index.participants.length, 20, 'every participant of the big metadata stored');
});

t.test('limits.maxDialogs passed to the stack: past it a new INVITE gets 503 with Retry-After, nothing left on disk', { timeout: 20000 }, async (t) => {
  // A UAS dialog here files one stack entry per session: maxDialogs 2 holds two sessions.
  const srs = await startSrs(t, { limits: { maxDialogs: 2 } });
  const refused = rejections(srs);
  const src = await startLeanSrc(t);
  const codes: (number | undefined)[] = [];
  let last: ClientTransaction | undefined;
  for (let i = 0; i < 3; i++) {
    const { assoc, tx } = await src.invite(srs.uri('tcp'), body(offer(), meta()));
    codes.push(status(tx));
    if (tx.responseElements?.isSuccess) src.ack(assoc, tx);
    last = tx;
  }
  t.same(codes, [200, 200, 503]);
  t.equal(header(last!, 'Retry-After'), '5');
  t.match(refused, [{ statusCode: 503, reason: 'Too many dialogs', limit: 'maxDialogs', retryAfter: 5 }]);
  t.equal(srs.activeSessions, 2);
  t.equal(listRecordings(srs.settings.dir).length, 2, 'no recording directory for the refused one');
});

t.test('maxMetadataBytes: 413 on a new INVITE; on a re-INVITE and an UPDATE, 413 and the recording goes on', { timeout: 20000 }, async (t) => {
  const small = meta(2);
  const large = meta(40);
  const limit = Buffer.byteLength(large) - 1;
  t.ok(Buffer.byteLength(small) <= limit);
  const srs = await startSrs(t, { maxMetadataBytes: limit });
  const refused = rejections(srs);
  const src = await startLeanSrc(t);

  const first = await src.invite(srs.uri('tcp'), body(offer(), large));
  t.equal(status(first.tx), 413, '413 Request Entity Too Large');
  t.match(first.tx.responseElements?.reasonPhrase, /Metadata too large/);
  t.same(listRecordings(srs.settings.dir), [], 'no recording for it');

  const { assoc, tx } = await src.invite(srs.uri('tcp'), body(offer(), small));
  t.equal(status(tx), 200);
  src.ack(assoc, tx);
  const p = ports(tx);
  const sock = await udp(t);
  await sendTone(sock, p['1'], 440, 20, 1);

  const re = await src.reinvite(assoc, body(offer(2), large));
  t.equal(status(re), 413, 're-INVITE with too much metadata: 413');
  const up = assoc.sendUpdate(new MessageElements({ headers: [['Content-Disposition', 'recording-session']], content: Buffer.from(large), contentType: 'application/rs-metadata+xml' }));
  t.equal(await finalOf(up), 413, 'UPDATE with too much metadata: 413');
  await sendTone(sock, p['1'], 440, 20, 1, 2, 20);
  await sleep(100);
  t.equal(srs.activeSessions, 1, 'the session is still up');

  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  t.equal((await ended).reason, 'bye');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Complete);
  t.same(r.index.metadataFiles, ['metadata-000.xml'], 'the refused metadata was not stored');
  t.equal(r.index.streams.find((s) => s.label === '1')?.packets, 40, 'media before and after the refusals recorded');
  t.same(refused.map((e) => [e.statusCode, e.limit, e.inDialog ?? false]), [[413, 'maxMetadataBytes', false], [413, 'maxMetadataBytes', true], [413, 'maxMetadataBytes', true]], 'sessionRejected for each');
});

t.test('maxSetupsPerSecond: a setup beyond the rate gets 503 with Retry-After; a second later it passes', { timeout: 20000 }, async (t) => {
  const srs = await startSrs(t, { maxSetupsPerSecond: 1 });
  const refused = rejections(srs);
  const src = await startLeanSrc(t);
  const a = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  t.equal(status(a.tx), 200);
  src.ack(a.assoc, a.tx);
  const b = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  t.equal(status(b.tx), 503, '503 Service Unavailable');
  t.equal(header(b.tx, 'Retry-After'), '1', 'Retry-After: when the next token comes (whole seconds)');
  t.match(b.tx.responseElements?.reasonPhrase, /setups per second/);
  t.match(refused, [{ statusCode: 503, retryAfter: 1, limit: 'maxSetupsPerSecond' }]);
  await sleep(1050);
  const c = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  t.equal(status(c.tx), 200, 'accepted once the bucket refilled');
  src.ack(c.assoc, c.tx);
  t.equal(listRecordings(srs.settings.dir).length, 2, 'a recording per accepted session only');
});

t.test('minFreeDiskBytes: 503 while the disk is low; while recording, ended cleanly (BYE, partial index, every packet kept)', { timeout: 20000 }, async (t) => {
  let free = 10 << 20;
  let probes = 0;
  const statfs: StatfsLike = async () => { probes++; return { bavail: free / 4096, bsize: 4096 }; };
  const srs = await startSrs(t, { minFreeDiskBytes: 50 << 20, diskCheckIntervalMs: 50, statfs });
  const refused = rejections(srs);
  const src = await startLeanSrc(t);
  const low = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  t.equal(status(low.tx), 503);
  t.match(low.tx.responseElements?.reasonPhrase, /Insufficient disk space \(10\.0 MiB free, 50\.0 MiB needed\)/);
  t.ok(Number(header(low.tx, 'Retry-After')) >= 1, 'with Retry-After');
  t.match(refused, [{ statusCode: 503, limit: 'minFreeDiskBytes' }]);
  t.same(listRecordings(srs.settings.dir), [], 'nothing created');

  free = 1 << 30;
  const { assoc, tx } = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  t.equal(status(tx), 200, 'accepted with room');
  src.ack(assoc, tx);
  const p = ports(tx);
  const sock = await udp(t);
  await sendTone(sock, p['1'], 440, 30, 1);
  await sendTone(sock, p['2'], 1000, 30, 2);
  await sleep(150);
  t.equal(srs.activeSessions, 1, 'the periodic check passes while there is room');
  t.ok(probes >= 2, 'and it runs');

  const ended = waitFor(srs, 'sessionEnded');
  free = 20 << 20;
  await src.waitRequest('BYE', 3000);
  const e = await ended;
  t.equal(e.reason, 'limit');
  t.equal(e.limit, 'minFreeDiskBytes');
  t.match(e.failure, /free disk space 20\.0 MiB below minFreeDiskBytes 50\.0 MiB/);
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Partial, 'index partial');
  t.equal(r.index.endReason, 'limit');
  t.match(r.index.endDetail, /below minFreeDiskBytes/, 'with the words');
  t.ok(r.index.stoppedAt, 'closed');
  t.same(r.index.streams.map((s) => s.packets), [30, 30], 'every packet received before the end is in the files');
  t.same(inspectRecording(r, [440, 1000]).map((a) => a.dominantHz), [440, 1000], 'the WAVs are whole and playable');
});

t.test('minFreeDiskBytes: a failing probe refuses new sessions (503); signalling-only mode never checks', { timeout: 20000 }, async (t) => {
  const broken: StatfsLike = async () => { throw Object.assign(new Error('not supported'), { code: 'ENOSYS' }); };
  const srs = await startSrs(t, { statfs: broken });
  const src = await startLeanSrc(t);
  const a = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  t.equal(status(a.tx), 503);
  t.match(a.tx.responseElements?.reasonPhrase, /Free disk space unknown \(ENOSYS\)/);
  const sig = await startSrs(t, { statfs: broken, signalingOnly: true, minFreeDiskBytes: 1 << 40 });
  const b = await src.invite(sig.uri('tcp'), body(offer(), meta()));
  t.equal(status(b.tx), 200, 'signalling-only: nothing written, nothing checked');
  src.ack(b.assoc, b.tx);
});

t.test('maxRecordingSeconds: the session is ended with BYE; the index is complete and says why', { timeout: 20000 }, async (t) => {
  const srs = await startSrs(t, { maxRecordingSeconds: 0.4 });
  const src = await startLeanSrc(t);
  const started = Date.now();
  const { assoc, tx } = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  t.equal(status(tx), 200);
  src.ack(assoc, tx);
  const sock = await udp(t);
  const ended = waitFor(srs, 'sessionEnded', () => true, 5000);
  await sendTone(sock, ports(tx)['1'], 440, 10, 1);
  await src.waitRequest('BYE', 3000);
  const took = Date.now() - started;
  t.ok(took >= 350 && took < 2500, `BYE after ${took} ms`);
  const e = await ended;
  t.match(e, { reason: 'limit', limit: 'maxRecordingSeconds', failure: 'maxRecordingSeconds (0.4 s) reached' });
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Complete);
  t.equal(r.index.endReason, 'limit');
  t.equal(r.index.endDetail, 'maxRecordingSeconds (0.4 s) reached');
  t.equal(r.index.streams.find((s) => s.label === '1')?.packets, 10);
});

t.test('maxRtpPacketsPerSecondPerStream: packets beyond the rate are dropped and counted in index.json', { timeout: 20000 }, async (t) => {
  const srs = await startSrs(t, { maxRtpPacketsPerSecondPerStream: 50 });
  const src = await startLeanSrc(t);
  const { assoc, tx } = await src.invite(srs.uri('tcp'), body(offer(), meta()));
  src.ack(assoc, tx);
  const p = ports(tx);
  const sock = await udp(t);
  const t0 = Date.now();
  await sendTone(sock, p['1'], 440, 200, 1, 1);
  const spent = Date.now() - t0;
  await sendTone(sock, p['2'], 1000, 20, 2, 0);
  await sleep(150);
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  await ended;
  const [r] = listRecordings(srs.settings.dir);
  const s1 = r.index.streams.find((s) => s.label === '1')!;
  const s2 = r.index.streams.find((s) => s.label === '2')!;
  t.ok(s1.packets >= 50 && s1.packets <= 50 + Math.ceil(spent / 20) + 2, `${s1.packets} stored: one second's burst plus the refill over ${spent} ms`);
  t.equal(s1.packets + (s1.droppedPackets ?? 0), 200, 'every packet either stored or counted as dropped');
  t.equal(s2.packets, 20, 'per stream: the other stream is within its own rate');
  t.equal(s2.droppedPackets, undefined, 'nothing dropped there');
});

t.test('the pre-ACK buffer of an offer-less session is bounded; the overflow is counted', { timeout: 20000 }, async (t) => {
  const srs = await startSrs(t, { maxRtpPacketsPerSecondPerStream: 0 });
  const src = await startLeanSrc(t);
  const { assoc, tx } = await src.invite(srs.uri('tcp'), { content: Buffer.from(meta()), contentType: 'application/rs-metadata+xml', headers: [['Content-Disposition', 'recording-session']] });
  t.equal(status(tx), 200);
  const p = ports(tx);
  const sock = await udp(t);
  // Paced a little: 260 back-to-back datagrams can overflow the kernel's receive buffer.
  await sendTone(sock, p['1'], 440, 260, 1, 1);
  await sleep(100);
  const sdp = parseSdp(tx.responseElements!.messageElements.content!.toString());
  const answer = ['v=0', 'o=src 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    ...sdp.media.flatMap((m, i) => [`m=audio ${31000 + 2 * i} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', `a=label:${mediaLabel(m)}`, 'a=sendonly'])].join('\r\n') + '\r\n';
  const started = waitFor(srs, 'sessionStarted');
  src.ack(assoc, tx, answer);
  await started;
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  await ended;
  const [r] = listRecordings(srs.settings.dir);
  const s1 = r.index.streams.find((s) => s.label === '1')!;
  t.equal(s1.packets, 200, 'the first 200 datagrams kept');
  t.equal(s1.droppedPackets, 60, 'the rest counted as dropped');
});
