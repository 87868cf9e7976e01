/**
 * A delayed-offer call (RFC 3261 §13.2.1) through tsip's recording B2BUA between two SIPp phones,
 * over UDP and TCP: the caller (uac-delayed-offer.xml) sends an INVITE without SDP and checks that
 * the 200 offers it one voice codec; the callee (uas-delayed-offer.xml) checks that its INVITE has
 * no SDP either, offers PCMA, PCMU and telephone-event, and checks that its ACK carries the
 * caller's answer. The B2BUA records the call (tsip's Srs in this process) on PCMA.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { B2bua, type B2buaCallEndedEvent } from '../../lib/b2bua/index.js';
import { SrcManager } from '../../lib/siprec/src/index.js';
import { listRecordings, Srs } from '../../lib/siprec/srs/index.js';
import { describeSipp, freePort, freePorts, requireTool, runSipp, startSipp } from './lib/index.js';
import { scenarioPath } from './lib/paths.js';

for (const transport of ['udp', 'tcp'] as const) {
  t.test(`SIPp caller (no SDP in its INVITE) → B2BUA → SIPp callee over ${transport}: offer in the 200, answer in the ACK, recorded`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const sippTransport = transport === 'udp' ? 'u1' : 't1';
    const dir = mkdtempSync(join(tmpdir(), 'tsip-b2bua-do-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const srs = new Srs({ host: '127.0.0.1', port: 0, dir });
    await srs.start();
    t.teardown(() => srs.shutdown());
    const recorder = new SrcManager({ srs: [{ name: 'srs', srsUris: [srs.uri('udp')], localAddress: '127.0.0.1', inviteTimeoutMs: 5000, maxUdpRequestSize: 65000 }] });
    await recorder.start();
    t.teardown(() => recorder.shutdown());

    const callee = await startSipp({ scenario: scenarioPath('uas-delayed-offer.xml'), transport: sippTransport, calls: 1, timeoutSeconds: 20 });
    t.teardown(() => callee.stop());
    await callee.ready;
    const b2bPort = await freePort();
    const rtpBase = await freePorts(1);
    const b2bua = new B2bua({
      listen: { address: '127.0.0.1', port: b2bPort }, target: `sip:127.0.0.1:${callee.localPort}`, transport, recorder,
      rtpPorts: { min: rtpBase, max: rtpBase + 99 },
    });
    await b2bua.start();
    t.teardown(() => b2bua.close());
    const ended = new Promise<B2buaCallEndedEvent>((r) => b2bua.once('callEnded', r));
    const stopped = new Promise<{ callId: string }>((r) => recorder.once('recordingStopped', r));

    const caller = await runSipp({ scenario: scenarioPath('uac-delayed-offer.xml'), target: { host: '127.0.0.1', port: b2bPort }, transport: sippTransport, calls: 1, timeoutSeconds: 20 });
    t.equal(caller.successful, 1, 'SIPp caller: the 200 offered one voice codec (PCMA + telephone-event); ACK with the answer, BYE', { sipp: describeSipp(caller) });
    const end = await ended;
    t.equal(end.reason, 'hangup-caller');
    t.equal(end.codec, 'PCMA/8000', 'the codec of the callee\'s first voice format, the one offered');
    const res = await callee.result;
    t.equal(res.successful, 1, 'SIPp callee: an INVITE without SDP; its ACK carried the answer (PCMA + telephone-event)', { sipp: describeSipp(res) });
    const rec = await stopped;
    t.equal(rec.callId, end.callId, 'the recording is the call');
    await new Promise((r) => setTimeout(r, 300)); // the SRS closes its files after the BYE
    const stored = listRecordings(dir).find((r) => r.index.callIds.includes(end.callId));
    t.same(stored?.index.streams.map((s) => s.codec), ['PCMA', 'PCMA'], 'stored on the codec the call used');
  });
}
