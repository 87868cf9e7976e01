/**
 * A recording B2BUA between real SIP phones: answers calls on `--listen`, calls `--to` with the
 * caller's Request-URI user, relays RTP/RTCP both ways through its own ports (latching, so a
 * phone behind NAT works) and records both directions with SIPREC to `--srs`.
 *
 *   npx tsx samples/recording-b2bua.ts --listen 127.0.0.1:5070 --to sip:127.0.0.1:5080 --srs sip:127.0.0.1:5090 [--transport udp|tcp]
 *     [--rtp-ports 40000-49999] [--recording-required] [--srs-timeout-ms 8000]
 *
 * Without `--srs` the calls are relayed but not recorded. Ctrl-C ends every call and exits.
 */
import { parseArgs } from 'node:util';
import { B2bua } from '../lib/b2bua/index.js';
import { SrcManager } from '../lib/siprec/src/index.js';

const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '127.0.0.1:5070' },
    to: { type: 'string' },
    srs: { type: 'string' },
    transport: { type: 'string', default: 'udp' },
    'rtp-ports': { type: 'string', default: '40000-49999' },
    'recording-required': { type: 'boolean', default: false },
    'srs-timeout-ms': { type: 'string', default: '8000' },
    help: { type: 'boolean', default: false },
  },
});
const usage = 'usage: recording-b2bua.ts --listen host:port --to sip:host:port [--srs sip:host:port] [--transport udp|tcp] [--rtp-ports min-max] [--recording-required] [--srs-timeout-ms 8000]';
if (values.help || values.to === undefined) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
const m = /^(.+):(\d+)$/.exec(values.listen);
const ports = /^(\d+)-(\d+)$/.exec(values['rtp-ports']);
if (!m || !ports || (values.transport !== 'udp' && values.transport !== 'tcp')) {
  console.error(usage);
  process.exit(2);
}
if (values['recording-required'] && values.srs === undefined) {
  console.error('--recording-required needs --srs (without an SRS every call would be refused)');
  process.exit(2);
}
const address = m[1].replace(/^\[|\]$/g, '');
const transport: 'udp' | 'tcp' = values.transport;

const recorder = values.srs === undefined ? undefined : new SrcManager({
  userAgent: 'tsip-recording-b2bua',
  srs: [{
    name: 'srs', srsUris: values.srs.split(',').map((s) => s.trim()), localAddress: address, transport,
    inviteTimeoutMs: Number(values['srs-timeout-ms']), maxUdpRequestSize: 65000,
    // the codecs offered per stream are the call's own (see lib/b2bua/call-recorder.ts)
  }],
});
recorder?.on('srsStateChanged', (e) => console.log(`SRS ${e.srs} is ${e.up ? 'up' : 'down'}`));
recorder?.on('recordingStarted', (e) => console.log(`recording ${e.recordingId} of ${e.callId} started on ${e.srs}`));
recorder?.on('recordingFailed', (e) => console.log(`recording of ${e.callId} failed: ${e.reason}${e.statusCode ? ` (${e.statusCode})` : ''}`));
recorder?.on('recordingStopped', (e) => console.log(`recording of ${e.callId} stopped (${e.reason}); packets ${JSON.stringify(e.packetsSent)}`));
await recorder?.start();

const b2bua = new B2bua({
  listen: { address, port: Number(m[2]) }, target: values.to, transport, recorder,
  recordingRequired: values['recording-required'], rtpPorts: { min: Number(ports[1]), max: Number(ports[2]) },
});
b2bua.on('callStateChanged', (c) => console.log(`call ${c.callId}: ${c.state}${c.codec ? ` ${c.codec}` : ''}${c.held ? ' (held)' : ''}`));
b2bua.on('recordingStateChanged', (e) => console.log(`call ${e.callId}: recording ${e.recording}`));
b2bua.on('callEnded', (e) => console.log(`call ${e.callId} ended: ${e.reason}${e.statusCode ? ` ${e.statusCode}` : ''}`));
await b2bua.start();
console.log(`recording B2BUA on ${values.listen} (udp+tcp) → ${values.to} over ${transport}${values.srs ? `, recording to ${values.srs}` : ', not recording'}`);

async function stop(): Promise<void> {
  await b2bua.close();
  await recorder?.shutdown();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
