/**
 * SRTP recording media end to end (RFC 7866 §12; RFC 3711, SDES RFC 4568): an SrcManager with
 * `media.srtp` records to the tsip Srs; the SRS decrypts before storing, so the WAVs decode to
 * the parties' tones, while every datagram on the wire is SRTP/SRTCP (no plain payload, the tag
 * appended, the SRTCP E flag set). A forged packet and a replayed one injected at the SRS's port
 * are counted in index.json and not stored. SRTP refused by the SRS, and plain RTP refused by an
 * SRS that requires SRTP.
 */
import { createSocket } from 'node:dgram';
import t from 'tap';
import { RtpEndpoint, syntheticCall } from '../../../lib/siprec/media/index.js';
import { inspectRecording, listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, feed, sleep, startManager, startSrs, twoParty, waitFor } from './helpers.js';

/** Every datagram the process sends to `port` (RTP) or `port + 1` (RTCP), captured at the socket call. */
function capture(t: { teardown: (fn: () => void) => void }): { rtp: Map<number, Buffer[]>; rtcp: Map<number, Buffer[]> } {
  const out = { rtp: new Map<number, Buffer[]>(), rtcp: new Map<number, Buffer[]>() };
  const proto = RtpEndpoint.prototype;
  const send = proto.send;
  const sendRtcp = proto.sendRtcp;
  const keep = (m: Map<number, Buffer[]>, port: number | undefined, d: Uint8Array): void => {
    if (port === undefined) return;
    const l = m.get(port) ?? [];
    l.push(Buffer.from(d));
    m.set(port, l);
  };
  proto.send = function (this: RtpEndpoint, data, to) {
    keep(out.rtp, to?.port, data);
    return send.call(this, data, to);
  };
  proto.sendRtcp = function (this: RtpEndpoint, data, to) {
    keep(out.rtcp, to?.port, data);
    return sendRtcp.call(this, data, to);
  };
  t.teardown(() => {
    proto.send = send;
    proto.sendRtcp = sendRtcp;
  });
  return out;
}

async function plainPayloads(): Promise<Set<string>> {
  // The synthetic call's 20 ms G.711 frames of both tones (any phase): a plain packet would carry one.
  const set = new Set<string>();
  for await (const p of syntheticCall({ durationMs: 4000 })) set.add(p.bytes.subarray(12).toString('hex'));
  return set;
}

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
  t.test(`${suite}: recorded tones, ciphertext on the wire, forged and replayed packets counted and not stored`, async (t) => {
    const wire = capture(t);
    const srs = await startSrs(t);
    const e = entry([srs.uri()]);
    const m = await startManager(t, [{ ...e, media: { ...e.media, srtp: suite } }]);
    const call = twoParty();
    const startedP = waitFor(m, 'recordingStarted');
    const rec = m.startRecording(call);
    const started = await startedP;
    t.same(started.streams.map((s: { accepted: boolean }) => s.accepted), [true, true], 'both streams taken as SRTP');
    const port1: number = started.streams[0].remote.port;
    const port2: number = started.streams[1].remote.port;

    t.ok(await feed(rec, 2000) > 190, 'media forked');
    await sleep(300);

    // On the wire: every RTP datagram to the SRS is the plain size + the tag, and carries no plain frame.
    const plain = await plainPayloads();
    const tagLen = suite.endsWith('80') ? 10 : 4;
    for (const port of [port1, port2]) {
      const sent = wire.rtp.get(port) ?? [];
      t.ok(sent.length > 90, `${sent.length} datagrams captured to ${port}`);
      t.ok(sent.every((d) => d.length === 12 + 160 + tagLen), `each one 12 + 160 + ${tagLen} octets`);
      t.notOk(sent.some((d) => plain.has(d.subarray(12, 172).toString('hex'))), 'no plain G.711 frame on the wire');
    }
    const rtcp = [...(wire.rtcp.get(port1 + 1) ?? []), ...(wire.rtcp.get(port2 + 1) ?? [])];
    t.ok(rtcp.length > 0, 'RTCP sent');
    t.ok(rtcp.every((d) => (d[d.length - 14] & 0x80) !== 0), 'SRTCP: E flag set before the 80-bit tag');

    // A forged packet (plain RTP plus a made-up tag) and a replay of a genuine one, at the SRS port.
    const sock = createSocket('udp4');
    t.teardown(() => sock.close());
    const genuine = wire.rtp.get(port1)![5];
    const forged = Buffer.concat([Buffer.from(genuine.subarray(0, 172)), Buffer.alloc(tagLen, 0x5a)]);
    forged.writeUInt16BE((forged.readUInt16BE(2) + 5000) & 0xffff, 2); // a new index, so it is tried
    const tampered = Buffer.from(wire.rtp.get(port1)!.at(-1)!);
    tampered[40] ^= 0xff;
    tampered.writeUInt16BE((tampered.readUInt16BE(2) + 1) & 0xffff, 2);
    for (const d of [forged, tampered, genuine]) await new Promise<void>((r) => sock.send(d, port1, '127.0.0.1', () => r()));
    await sleep(200);

    const stoppedP = waitFor(m, 'recordingStopped');
    const ended = waitFor(srs, 'sessionEnded');
    await m.stopRecording(call.callId);
    const stopped = await stoppedP;
    await ended;
    const [r] = listRecordings(srs.settings.dir);
    t.equal(r.index.state, 'complete');
    const [s1, s2] = r.index.streams;
    t.same(s1.srtp, { suite, authFailures: 2, replays: 1, malformed: 0 }, 'forged + tampered: auth failures; genuine again: replay');
    t.same(s2.srtp, { suite, authFailures: 0, replays: 0, malformed: 0 }, 'no failure on the clean stream');
    t.equal(s1.packets, stopped.packetsSent['1'], 'exactly what the SRC sent is stored, nothing injected');
    t.equal(s2.packets, stopped.packetsSent['2']);
    const audio = inspectRecording(r, [440, 1000]);
    t.equal(audio[0].dominantHz, 440, 'stream 1 decodes to alice');
    t.equal(audio[1].dominantHz, 1000, 'stream 2 decodes to bob');
  });
}

t.test("SRS with srtp 'refuse': an all-SRTP offer has no stream left (488), the recording fails", async (t) => {
  const srs = await startSrs(t, { srtp: 'refuse' });
  const e = entry([srs.uri()]);
  const m = await startManager(t, [{ ...e, media: { ...e.media, srtp: 'AES_CM_128_HMAC_SHA1_80' } }]);
  const failed = waitFor(m, 'recordingFailed');
  const rej = waitFor(srs, 'sessionRejected');
  m.startRecording(twoParty());
  t.equal((await rej).statusCode, 488);
  const f = await failed;
  t.equal(f.reason, 'AllSrsFailed');
});

t.test("SRS with srtp 'require': a plain RTP offer is refused with 488", async (t) => {
  const srs = await startSrs(t, { srtp: 'require' });
  const m = await startManager(t, [entry([srs.uri()])]);
  const failed = waitFor(m, 'recordingFailed');
  const rej = waitFor(srs, 'sessionRejected');
  m.startRecording(twoParty());
  t.equal((await rej).statusCode, 488);
  const f = await failed;
  t.equal(f.attempts[0].statusCode, 488);
});

t.test('pause and resume (re-INVITEs with the same keys): the SRTP contexts carry on', async (t) => {
  const srs = await startSrs(t);
  const e = entry([srs.uri()]);
  const m = await startManager(t, [{ ...e, media: { ...e.media, srtp: 'AES_CM_128_HMAC_SHA1_80' } }]);
  const call = twoParty();
  const startedP = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  await startedP;
  await feed(rec, 500);
  t.equal(await m.pauseRecording(call.callId), true);
  t.equal(await m.resumeRecording(call.callId), true);
  await feed(rec, 500);
  const stoppedP = waitFor(m, 'recordingStopped');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  const stopped = await stoppedP;
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.pauses.length, 1);
  for (const [i, s] of r.index.streams.entries()) {
    t.same(s.srtp, { suite: 'AES_CM_128_HMAC_SHA1_80', authFailures: 0, replays: 0, malformed: 0 });
    t.equal(s.packets, stopped.packetsSent[String(i + 1)], `stream ${s.label}: every packet before and after the pause stored`);
  }
});
