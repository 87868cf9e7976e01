/**
 * The recording B2BUA between two real phones: baresip (caller, plays 440 Hz) → tsip B2BUA →
 * baresip (callee, auto-answer, plays 1000 Hz), about 5 s, the caller hangs up. Checked: each
 * phone heard the other's tone (Goertzel on the WAV it wrote), and the SRS (tsip's Srs in this
 * process) stored two ~5 s streams, '1' with 440 Hz sent by the caller and '2' with 1000 Hz sent
 * by the callee, under the caller leg's Call-ID. Then the same call with SIPp's SRS scenario
 * (srs-uas.xml: its RFC 7866 checks of the recording INVITE pass, the session ends with BYE) as
 * the SRS, where the forked packet counts stand for the stored audio. Over UDP and TCP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { B2bua, type B2buaCallEndedEvent } from '../../lib/b2bua/index.js';
import { SrcManager } from '../../lib/siprec/src/index.js';
import { inspectRecording, listRecordings, readWavSamples, Srs, tonePower } from '../../lib/siprec/srs/index.js';
import { startBaresip, writeToneWav, type BaresipPhone } from './lib/baresip.js';
import { describeSipp, freePort, freePorts, requireTool, startSipp, type SippRun } from './lib/index.js';
import { scenarioPath } from './lib/paths.js';

const CALLER_HZ = 440;
const CALLEE_HZ = 1000;
const TALK_MS = 5000;

/** Which of the two tones is louder in a WAV, its duration and both powers. */
function heard(path: string): { dominantHz: number; seconds: number; ratio: number } {
  const { rate, samples } = readWavSamples(path);
  const p440 = tonePower(samples, CALLER_HZ, rate);
  const p1000 = tonePower(samples, CALLEE_HZ, rate);
  return { dominantHz: p440 > p1000 ? CALLER_HZ : CALLEE_HZ, seconds: samples.length / rate, ratio: Math.max(p440, p1000) / Math.max(1e-9, Math.min(p440, p1000)) };
}

for (const [transport, srsKind] of [['udp', 'tsip'], ['tcp', 'tsip'], ['udp', 'sipp'], ['tcp', 'sipp']] as const) {
  t.test(`baresip → B2BUA → baresip over ${transport}, recorded by the ${srsKind === 'tsip' ? 'tsip Srs' : 'SIPp SRS (srs-uas.xml)'}`, async (t) => {
    if (!requireTool(t, 'baresip') || (srsKind === 'sipp' && !requireTool(t, 'sipp'))) return;
    const dir = mkdtempSync(join(tmpdir(), 'tsip-b2bua-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const micA = join(dir, 'caller.wav');
    const micB = join(dir, 'callee.wav');
    writeToneWav(micA, CALLER_HZ, 30);
    writeToneWav(micB, CALLEE_HZ, 30);

    let srsUri: string;
    let sipp: SippRun | undefined;
    if (srsKind === 'tsip') {
      const srs = new Srs({ host: '127.0.0.1', port: 0, dir: join(dir, 'recordings') });
      await srs.start();
      t.teardown(() => srs.shutdown());
      srsUri = srs.uri(transport);
    } else {
      const run = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport: transport === 'udp' ? 'u1' : 't1', calls: 1, timeoutSeconds: 40 });
      sipp = run;
      t.teardown(() => run.stop());
      await run.ready;
      srsUri = `sip:127.0.0.1:${run.localPort}${transport === 'tcp' ? ';transport=tcp' : ''}`;
    }
    // maxUdpRequestSize: SIPp's SRS listens on UDP only in the udp run, and a SIPREC INVITE is ~3 kB
    const recorder = new SrcManager({ srs: [{ name: 'srs', srsUris: [srsUri], localAddress: '127.0.0.1', transport, inviteTimeoutMs: 5000, maxUdpRequestSize: 65000 }] });
    await recorder.start();
    t.teardown(() => recorder.shutdown());

    const phones: BaresipPhone[] = [];
    t.teardown(async () => { for (const p of phones) await p.stop(); });
    const rtpBase = await freePorts(1);
    const callee = await startBaresip({ user: 'bob', microphone: micB, autoAnswer: true, rtpPortMin: rtpBase + 200 });
    phones.push(callee);
    const caller = await startBaresip({ user: 'alice', microphone: micA, rtpPortMin: rtpBase + 400 });
    phones.push(caller);

    const b2bPort = await freePort();
    const b2bua = new B2bua({
      listen: { address: '127.0.0.1', port: b2bPort }, target: `sip:127.0.0.1:${callee.sipPort}`, transport, recorder,
      rtpPorts: { min: rtpBase, max: rtpBase + 199 },
    });
    await b2bua.start();
    t.teardown(() => b2bua.close());
    const ended = new Promise<B2buaCallEndedEvent>((r) => b2bua.once('callEnded', r));
    const stopped = new Promise<{ callId: string; packetsSent: Record<string, number> }>((r) => recorder.once('recordingStopped', r));

    await caller.command('dial', `sip:bob@127.0.0.1:${b2bPort}${transport === 'tcp' ? ';transport=tcp' : ''}`);
    await caller.waitEvent('CALL_ESTABLISHED', 15_000);
    await callee.waitEvent('CALL_ESTABLISHED', 5_000);
    await new Promise((r) => setTimeout(r, TALK_MS));
    await caller.command('hangup');
    const end = await ended;
    t.equal(end.reason, 'hangup-caller', 'the caller hung up; the B2BUA ended the callee leg');
    t.equal(end.codec, 'PCMU/8000', 'the codec the phones negotiated');
    await callee.waitEvent('CALL_CLOSED', 5_000);
    const rec = await stopped;
    t.equal(rec.callId, end.callId, 'the recording is the call (caller leg Call-ID)');
    await new Promise((r) => setTimeout(r, 300)); // let the SRS close its files after the BYE

    // What each phone heard.
    const a = caller.heardWav();
    const b = callee.heardWav();
    t.ok(a && b, 'both phones wrote what they heard');
    const ha = heard(a!);
    const hb = heard(b!);
    t.equal(ha.dominantHz, CALLEE_HZ, `the caller heard the callee's ${CALLEE_HZ} Hz (${ha.seconds.toFixed(2)} s, ratio ${ha.ratio.toExponential(1)})`);
    t.equal(hb.dominantHz, CALLER_HZ, `the callee heard the caller's ${CALLER_HZ} Hz (${hb.seconds.toFixed(2)} s, ratio ${hb.ratio.toExponential(1)})`);
    t.ok(ha.seconds > 4 && hb.seconds > 4, 'for about the length of the call');

    if (sipp) {
      const res = await sipp.result;
      t.equal(res.successful, 1, 'SIPp SRS: the recording INVITE passed its RFC 7866 checks; 200, ACK, BYE, 200', { sipp: describeSipp(res) });
      for (const label of ['1', '2']) t.ok((rec.packetsSent[label] ?? 0) > 200, `stream ${label}: ${rec.packetsSent[label]} packets forked to the SIPp SRS (~50/s)`);
      t.comment(`${transport}/sipp: caller heard ${ha.dominantHz} Hz for ${ha.seconds.toFixed(2)} s; callee heard ${hb.dominantHz} Hz for ${hb.seconds.toFixed(2)} s; packets ${JSON.stringify(rec.packetsSent)}`);
      return;
    }

    // What the SRS stored.
    const stored = listRecordings(join(dir, 'recordings')).find((r) => r.index.callIds.includes(end.callId));
    t.ok(stored, 'the SRS stored a recording of the call');
    if (!stored) return;
    const audio = inspectRecording(stored, [CALLER_HZ, CALLEE_HZ]);
    const want: Record<string, { hz: number; aor: string }> = { 1: { hz: CALLER_HZ, aor: 'alice' }, 2: { hz: CALLEE_HZ, aor: 'bob' } };
    t.equal(audio.length, 2, 'two streams, one per direction');
    for (const s of audio) {
      const sender = stored.index.participants.find((p) => p.sends.includes(s.label));
      const w = want[s.label];
      t.ok(w, `stream ${s.label} is one of ours`);
      if (!w) continue;
      t.equal(s.dominantHz, w.hz, `stream ${s.label}: ${s.dominantHz} Hz, ${s.durationSeconds.toFixed(2)} s`);
      t.ok(Math.abs(s.durationSeconds - TALK_MS / 1000) < 1.5, `stream ${s.label} lasts about the call (${s.durationSeconds.toFixed(2)} s)`);
      t.match(sender?.aors[0] ?? '', new RegExp(`^sip:${w.aor}@`), `stream ${s.label} is sent by ${w.aor}`);
    }
    t.comment(`${transport}: caller heard ${ha.dominantHz} Hz for ${ha.seconds.toFixed(2)} s; callee heard ${hb.dominantHz} Hz for ${hb.seconds.toFixed(2)} s; ` +
      `SRS: ${audio.map((s) => `${s.label}=${s.dominantHz} Hz/${s.durationSeconds.toFixed(2)} s`).join(', ')}; packets ${JSON.stringify(rec.packetsSent)}`);
  });
}

t.test('without baresip this test fails and says how to install it', async (t) => {
  const before = process.env.TSIP_INTEROP_HIDE;
  process.env.TSIP_INTEROP_HIDE = 'baresip';
  const failures: string[] = [];
  const silent = console.error;
  console.error = () => undefined;
  try {
    t.equal(requireTool({ fail: (m: string) => failures.push(m) }, 'baresip'), false, 'requireTool says no');
  } finally {
    console.error = silent;
    if (before === undefined) delete process.env.TSIP_INTEROP_HIDE;
    else process.env.TSIP_INTEROP_HIDE = before;
  }
  t.match(failures[0] ?? '', /apt-get install baresip-core/, 'the failure names the package');
});
