/**
 * Every recorded stream stored, whatever its kind (RFC 7866 §8): a call recorded by the real
 * SrcManager with G.711 audio, G.722 audio, H.264 video, RTT (t140 with red redundancy) and an
 * MSRP m-line; each accepted stream lands in its own files (WAV, rtpdump, rtpdump + transcript)
 * holding exactly what was forwarded, and index.json describes it. MSRP end to end with a lean SRC
 * that connects to the a=path of the SRS answer. The media settings narrow what is accepted.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { mediaLabel, parseSdp } from '../../../lib/message/index.js';
import { buildRtp, encodeG711, parseRtp } from '../../../lib/siprec/media/index.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { buildRecordingBody } from '../../../lib/siprec/body/index.js';
import {
  buildMsrpFrame, listRecordings, listStreamFiles, MsrpParser, parseMessageLog, readRtpdump, RecordingState, type MsrpFrame,
} from '../../../lib/siprec/srs/index.js';
import { entry, startManager, startSrs, twoParty, waitFor } from './helpers.js';
import { startLeanSrc } from './lean-src.js';

const H264 = { payloadType: 96, name: 'H264', clockRate: 90000 };
const G722 = { payloadType: 9, name: 'G722', clockRate: 8000 };
const T140 = { payloadType: 98, name: 't140', clockRate: 1000 };
const RED = { payloadType: 100, name: 'red', clockRate: 1000 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A red payload (RFC 2198): redundant T140blocks oldest first, then the primary. */
function red(redundant: string[], primary: string): Buffer {
  const heads = redundant.map((r, i) => {
    const h = Buffer.alloc(4);
    h.writeUInt32BE(((0x80 | T140.payloadType) << 24 | ((redundant.length - i) * 300) << 10 | Buffer.byteLength(r)) >>> 0);
    return h;
  });
  return Buffer.concat([...heads, Buffer.from([T140.payloadType]), ...redundant.map((r) => Buffer.from(r)), Buffer.from(primary)]);
}

t.test('audio + video + text (+ message): every stream stored, index.json describes it', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp' })]);
  const call = twoParty({
    streams: [
      { label: 'a1', sender: 'alice' },
      { label: 'a2', sender: 'bob', codecs: [G722] },
      { label: 'v1', sender: 'alice', media: 'video', codecs: [H264] },
      { label: 't1', sender: 'bob', media: 'text', codecs: [RED, T140] },
      { label: 'm1', sender: 'alice', media: 'message' },
    ],
  });
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  const st = await started;
  t.same(st.streams.map((s: { label: string; accepted: boolean }) => [s.label, s.accepted]), [['a1', true], ['a2', true], ['v1', true], ['t1', true], ['m1', true]], 'the SRS accepts every kind');

  const sent: Record<string, Buffer[]> = { a1: [], a2: [], v1: [], t1: [] };
  const fwd = (label: string, pt: number, seq: number, payload: Buffer, ts: number): void => {
    if (rec.forward(label, buildRtp({ marker: false, payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc: 0x1000 + label.charCodeAt(0), csrcs: [], payload })) > 0) sent[label].push(payload);
  };
  for (let i = 0; i < 40; i++) {
    const pcm = new Int16Array(160).map((_, k) => Math.round(6000 * Math.sin((2 * Math.PI * 440 * (i * 160 + k)) / 8000)));
    fwd('a1', 0, i, encodeG711(0, pcm), i * 160);
    fwd('a2', 9, 100 + i, Buffer.alloc(160, i), i * 160);
    fwd('v1', 96, 5000 + i, Buffer.concat([Buffer.from([0x7c, 0x85]), Buffer.alloc(900 + i, i)]), i * 3000);
    if (i % 4 === 0) await sleep(5);
  }
  // RTT: "Hello, SRS!" in six T140blocks, red with two generations; the packet with 'SR' is lost.
  const blocks = ['\uFEFF', 'Hel', 'lo, ', 'SR', 'S', '!', ''];
  for (let n = 0; n < blocks.length; n++) {
    if (n === 3) continue; // lost on the way: recovered from the redundancy of the next packets
    const gens = [blocks[n - 2], blocks[n - 1]].filter((x): x is string => x !== undefined);
    fwd('t1', RED.payloadType, 700 + n, red(gens, blocks[n]), n * 300);
    await sleep(5);
  }
  await sleep(300);
  const stopped = waitFor(m, 'recordingStopped');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  const s = await stopped;
  await sleep(200);

  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Complete);
  const by = Object.fromEntries(r.index.streams.map((x) => [x.label, x]));
  t.same(r.index.streams.map((x) => [x.label, x.kind, x.format, x.codec]), [
    ['a1', 'audio', 'wav', 'PCMU'], ['a2', 'audio', 'rtpdump', 'G722'], ['v1', 'video', 'rtpdump', 'H264'], ['t1', 'text', 't140', 't140'], ['m1', 'message', 'msrp', 'MSRP'],
  ], 'kind, format and codec per stream');
  t.same(by.a1.files, ['stream-a1.wav']);
  t.same(by.v1.files, ['stream-v1.rtpdump']);
  t.same(by.t1.files, ['stream-t1.rtpdump', 'stream-t1.txt']);
  t.equal(by.t1.transcript, 'stream-t1.txt');
  t.same(by.m1.files, ['stream-m1.msrp.txt']);
  t.same(by.t1.formats?.map((f) => f.name), ['red', 't140'], 'red and t140 both answered');
  for (const l of ['a1', 'a2', 'v1', 't1']) t.equal(by[l].packets, s.packetsSent[l], `${l}: every packet forwarded is counted (${s.packetsSent[l]})`);
  t.equal(by.a1.packets, 40);
  t.equal(by.v1.packets, 40);
  for (const l of ['a2', 'v1', 't1']) {
    const d = readRtpdump(join(r.dir, by[l].file));
    const rtp = d.records.filter((x) => !x.rtcp);
    t.same(rtp.map((x) => parseRtp(x.data).payload), sent[l], `${l}: the rtpdump holds every payload as sent, in order`);
    t.ok(rtp.every((x, i) => i === 0 || x.offsetMs >= rtp[i - 1].offsetMs), `${l}: arrival offsets never go back`);
  }
  t.equal(readFileSync(join(r.dir, 'stream-t1.txt'), 'utf8'), 'Hello, SRS!', 'the transcript: lost block recovered from red, each block once, no BOM');
  t.equal(by.t1.recoveredBlocks, 1);
  const listed = listStreamFiles(r);
  t.same(listed.map((x) => [x.label, x.format, x.files.every((f) => f.bytes > 0 || x.format === 'msrp')]), [['a1', 'wav', true], ['a2', 'rtpdump', true], ['v1', 'rtpdump', true], ['t1', 't140', true], ['m1', 'msrp', true]], 'inspect lists every stream and its files');
  t.equal(listed[3].text, 'Hello, SRS!');
  t.ok((listed[0].durationSeconds ?? 0) > 0.5, 'the WAV has audio');
});

t.test('MSRP end to end: the SRC connects to the answered a=path and its messages are stored', async (t) => {
  const srs = await startSrs(t);
  const src = await startLeanSrc(t);
  const sdp = ['v=0', 'o=src 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    'm=message 7394 TCP/MSRP *', 'a=accept-types:text/plain message/cpim', 'a=path:msrp://127.0.0.1:7394/srcsess;tcp', 'a=label:chat', 'a=sendonly', ''].join('\r\n');
  const meta = new MetadataBuilder({ participants: [{ key: 'a', aor: 'sip:a@x' }], streams: [{ label: 'chat', sender: 'a' }] }).completeXml();
  const body = buildRecordingBody(sdp, meta);
  const started = waitFor(srs, 'sessionStarted');
  const { assoc, tx } = await src.invite(srs.uri('tcp'), { content: body.body, contentType: body.contentType });
  t.equal(tx.responseElements?.statusCode, 200);
  src.ack(assoc, tx);
  await started;
  const ans = parseSdp(tx.responseElements!.messageElements.content!.toString()).media[0];
  t.equal(ans.protocol, 'TCP/MSRP');
  t.equal(mediaLabel(ans), 'chat');
  t.equal(ans.direction, 'recvonly');
  const attrs = ((ans as { invalid?: { value: string }[] }).invalid ?? []).map((x) => x.value);
  const path = attrs.find((x) => x.startsWith('path:'))?.slice(5) ?? '';
  t.match(path, new RegExp(`^msrp://127\\.0\\.0\\.1:${ans.port}/[^;]+;tcp$`), 'a=path names the listening port');
  t.ok(attrs.includes('accept-types:text/plain message/cpim'), 'accept-types answered');
  // RFC 4975 §5.4: the offerer (the SRC) connects.
  const sock = connect(Number(ans.port), '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  t.teardown(() => sock.destroy());
  const frames: MsrpFrame[] = [];
  const parser = new MsrpParser();
  sock.on('data', (d: Buffer) => frames.push(...parser.push(d)));
  const hdr = (id: string, range: string): [string, string][] => [['To-Path', path], ['From-Path', 'msrp://127.0.0.1:7394/srcsess;tcp'], ['Message-ID', id], ['Byte-Range', range]];
  sock.write(buildMsrpFrame('k1aaaa', 'SEND', hdr('e', '1-0/0')));
  sock.write(buildMsrpFrame('k2aaaa', 'SEND', hdr('m1', '1-9/9'), { contentType: 'text/plain', data: Buffer.from('hi there!') }));
  sock.write(buildMsrpFrame('k3aaaa', 'SEND', hdr('m2', '1-6/11'), { contentType: 'text/plain', data: Buffer.from('second') }, '+'));
  sock.write(buildMsrpFrame('k4aaaa', 'SEND', hdr('m2', '7-11/11'), { contentType: 'text/plain', data: Buffer.from(' part') }));
  for (let i = 0; i < 100 && frames.length < 4; i++) await sleep(20);
  t.same(frames.map((f) => [f.transactionId, f.status]), [['k1aaaa', 200], ['k2aaaa', 200], ['k3aaaa', 200], ['k4aaaa', 200]], '200 OK per chunk');
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  await ended;
  const [r] = listRecordings(srs.settings.dir);
  const st = r.index.streams[0];
  t.same([st.label, st.kind, st.format, st.messages, st.bytes], ['chat', 'message', 'msrp', 2, 20]);
  const msgs = parseMessageLog(readFileSync(join(r.dir, st.file)));
  t.same(msgs.map((x) => [x.messageId, x.contentType, x.body.toString(), x.complete]), [['m1', 'text/plain', 'hi there!', true], ['m2', 'text/plain', 'second part', true]]);
  t.equal(listStreamFiles(r)[0].messages, 2);
});

t.test('settings narrow what is accepted; nothing acceptable is 488', async (t) => {
  const srs = await startSrs(t, { mediaKinds: ['audio', 'text'], rawCodecs: [] });
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp' })]);
  const call = twoParty({ streams: [{ label: 'a', sender: 'alice' }, { label: 'v', sender: 'bob', media: 'video', codecs: [H264] }, { label: 't', sender: 'bob', media: 'text' }, { label: 'g', sender: 'bob', codecs: [G722] }] });
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  const st = await started;
  t.same(st.streams.map((s: { label: string; accepted: boolean }) => [s.label, s.accepted]), [['a', true], ['v', false], ['t', true], ['g', false]], 'video kind off, G.722 not stored raw');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  t.same(listRecordings(srs.settings.dir)[0].index.streams.map((s) => s.label), ['a', 't']);

  const videoOnly = twoParty({ streams: [{ label: 'v', sender: 'alice', media: 'video', codecs: [H264] }] });
  const failed = waitFor(m, 'recordingFailed');
  const rej = waitFor(srs, 'sessionRejected');
  m.startRecording(videoOnly);
  t.equal((await failed).statusCode, 488);
  t.match((await rej).reason, /No recordable stream/);
});

t.test('signalling-only: every kind answered, nothing written', async (t) => {
  const srs = await startSrs(t, { signalingOnly: true });
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp' })]);
  const call = twoParty({ streams: [{ label: 'a', sender: 'alice' }, { label: 'v', sender: 'bob', media: 'video', codecs: [H264] }, { label: 'm', sender: 'bob', media: 'message' }] });
  const started = waitFor(m, 'recordingStarted');
  const srsStarted = waitFor(srs, 'sessionStarted');
  m.startRecording(call);
  t.same((await started).streams.map((s: { accepted: boolean }) => s.accepted), [true, true, true]);
  t.same((await srsStarted).labels, ['a', 'v', 'm']);
  await m.stopRecording(call.callId);
  t.same(listRecordings(srs.settings.dir), [], 'no recording on disk');
});
