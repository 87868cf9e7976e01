/**
 * `npm start`: records a synthetic two-party G.711 call with SIPREC.
 *
 * Without `--srs`, an embedded Srs runs on loopback, an SrcManager points at it, a 10-second call
 * (alice speaks 440 Hz, bob 1000 Hz, in turns) is forked to it, the recording is stopped with BYE,
 * and the demo prints where the recording is, its streams, durations and participants, and checks
 * that each WAV decodes to the right party's voice.
 *
 *   npm start
 *   npm start -- --seconds 30 --dir ./recordings --codec pcma
 *   npm start -- --srs sip:127.0.0.1:5090 --seconds 5        (an external SRS, e.g. samples/srs.ts)
 *   npm start -- --srs "sip:127.0.0.1:5091,sip:127.0.0.1:5090" (failover list)
 *
 *   npm start -- --srs sip:10.0.0.5:5060 --max-udp 65000         (an SRS listening on UDP only)
 *
 * Exit code 0 only if the recording was set up, carried media, ended with a 200 to its BYE and
 * (embedded SRS) the files verified.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RecordingStartedEvent, RecordingStoppedEvent } from '../include-types/siprec.js';
import { syntheticCall } from '../lib/siprec/media/index.js';
import { SrcManager } from '../lib/siprec/src/index.js';
import { inspectRecording, listRecordings, Srs } from '../lib/siprec/srs/index.js';

const { values } = parseArgs({
  options: {
    srs: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    dir: { type: 'string', default: './recordings' },
    local: { type: 'string', default: '127.0.0.1' },
    transport: { type: 'string', default: 'udp' },
    codec: { type: 'string', default: 'pcmu' },
    'max-udp': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('usage: npm start -- [--srs sip:host:port[,sip:...]] [--seconds 10] [--dir ./recordings] [--local 127.0.0.1] [--transport udp|tcp] [--codec pcmu|pcma] [--max-udp bytes]');
  process.exit(0);
}
const seconds = Number(values.seconds);
if (!(seconds > 0 && seconds <= 3600)) {
  console.error(`--seconds must be in (0, 3600] (not ${values.seconds})`);
  process.exit(2);
}
if (values.transport !== 'udp' && values.transport !== 'tcp') {
  console.error('--transport must be udp or tcp');
  process.exit(2);
}
const transport: 'udp' | 'tcp' = values.transport;
const pt = values.codec.toLowerCase() === 'pcma' ? 8 : 0;
const dir = resolve(values.dir);
const FREQ = { alice: 440, bob: 1000 };

function fail(msg: string): never {
  console.error(`FAILED: ${msg}`);
  process.exit(1);
}

async function main(): Promise<number> {
  let srs: Srs | undefined;
  let uris: string[];
  if (values.srs) {
    uris = values.srs.split(',').map((u) => u.trim()).filter(Boolean);
  } else {
    srs = new Srs({ host: values.local, port: 0, dir });
    await srs.start();
    uris = [srs.uri(transport)];
    console.log(`embedded SRS listening on ${srs.addresses.map((a) => `${a.protocol}:${a.address}:${a.port}`).join(', ')}, recording to ${dir}`);
  }
  const manager = new SrcManager({
    userAgent: 'tsip-record-demo',
    srs: [{
      name: 'demo', srsUris: uris, localAddress: values.local, transport, inviteTimeoutMs: 8000,
      ...(values['max-udp'] !== undefined ? { maxUdpRequestSize: Number(values['max-udp']) } : {}),
      media: { codecs: [pt === 0 ? { payloadType: 0, name: 'PCMU', clockRate: 8000 } : { payloadType: 8, name: 'PCMA', clockRate: 8000 }] },
    }],
  });
  manager.on('srsStateChanged', (e) => console.log(`SRS ${e.srs} is ${e.up ? 'up' : 'down'}`));
  await manager.start();
  const callId = `demo-${Date.now()}@tsip`;
  const started = new Promise<RecordingStartedEvent>((res, rej) => {
    manager.once('recordingStarted', res);
    manager.once('recordingFailed', (e) => rej(new Error(`recording failed: ${e.reason} ${JSON.stringify(e.attempts)}`)));
  });
  const stopped = new Promise<RecordingStoppedEvent>((res) => manager.once('recordingStopped', res));
  const rec = manager.startRecording({
    callId,
    participants: [{ key: 'alice', aor: 'sip:alice@example.com', name: 'Alice' }, { key: 'bob', aor: 'sip:bob@example.net', name: 'Bob' }],
    streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
  });
  const s = await started;
  console.log(`recording ${s.recordingId} set up with ${s.srs}; streams: ${s.streams.map((x) => `${x.label}${x.accepted ? `→${x.remote?.address}:${x.remote?.port}` : ' refused'}`).join(', ')}`);
  console.log(`sending a ${seconds} s two-party ${pt === 0 ? 'PCMU' : 'PCMA'} call ...`);
  for await (const p of syntheticCall({ durationMs: seconds * 1000, realtime: true, payloadType: pt as 0 | 8, parties: [{ frequency: FREQ.alice }, { frequency: FREQ.bob }] })) {
    rec.forward(p.party === 0 ? '1' : '2', p.bytes);
  }
  await manager.stopRecording(callId);
  const end = await stopped;
  await manager.shutdown();
  console.log(`stopped (${end.reason}); BYE answered ${end.byeStatusCode ?? 'never'}; packets sent: ${JSON.stringify(end.packetsSent)}`);
  let ok = end.byeStatusCode === 200 && Object.values(end.packetsSent).every((n) => n > 0);
  if (srs) {
    await srs.shutdown();
    const stored = listRecordings(dir).find((r) => r.index.recordingId === s.recordingId);
    if (!stored) fail(`no recording ${s.recordingId} under ${dir}`);
    console.log(`\nrecording: ${stored.dir}  (${stored.index.state})`);
    const audio = inspectRecording(stored, [FREQ.alice, FREQ.bob]);
    for (const st of stored.index.streams) {
      const a = audio.find((x) => x.label === st.label)!;
      const who = stored.index.participants.filter((p) => p.sends.includes(st.label)).map((p) => p.aors[0]).join(', ');
      console.log(`  stream ${st.label}: ${st.file}, ${st.codec}, ${st.packets} packets, ${a.durationSeconds.toFixed(2)} s, sent by ${who}, loudest tone ${a.dominantHz} Hz`);
    }
    for (const p of stored.index.participants) {
      console.log(`  participant ${p.names[0] ?? ''} <${p.aors[0]}> sends [${p.sends}] receives [${p.receives}]`);
    }
    console.log(`  metadata: ${stored.index.metadataFiles.join(', ')}`);
    const expect: Record<string, number> = { 1: FREQ.alice, 2: FREQ.bob };
    for (const a of audio) {
      const good = Math.abs(a.durationSeconds - seconds) < 0.75 && a.rms > 100 && a.dominantHz === expect[a.label];
      console.log(`  verify ${a.label}: ${good ? 'OK' : 'BAD'} (duration ${a.durationSeconds.toFixed(2)} s, rms ${a.rms.toFixed(0)})`);
      ok &&= good;
    }
  }
  console.log(ok ? '\nrecording OK' : '\nrecording NOT OK');
  return ok ? 0 : 1;
}

const guard = setTimeout(() => fail('timed out'), (seconds + 60) * 1000);
guard.unref();
main().then((code) => process.exit(code), (e: unknown) => fail(e instanceof Error ? e.message : String(e)));
