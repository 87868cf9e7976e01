/**
 * Child process of recover-kinds.test.ts: a recording with an rtpdump (video), an RTT (t140) and
 * an MSRP stream, written until SIGKILL; prints READY once each stream has data on disk.
 */
import { buildRtp } from '../../../../lib/siprec/media/index.js';
import { RecordingDir } from '../../../../lib/siprec/srs/storage/index.js';

const rec = await RecordingDir.create({ root: process.argv[2], recordingId: 'crash-kinds@127.0.0.1' });
const t0 = Date.now();
rec.openMediaStream({ label: 'v', kind: 'video', store: 'rtpdump', codec: 'H264', payloadType: 96, source: { address: '127.0.0.1', port: 40000 } }, t0);
rec.openMediaStream({ label: 't', kind: 'text', store: 't140', codec: 't140', payloadType: 98, t140: { t140: 98 } }, t0);
rec.openMediaStream({ label: 'm', kind: 'message', store: 'msrp', codec: 'MSRP', payloadType: -1 }, t0);
let seq = 0;
const tick = (): void => {
  rec.datagram('v', buildRtp({ marker: false, payloadType: 96, sequenceNumber: seq & 0xffff, timestamp: seq * 3000, ssrc: 1, csrcs: [], payload: Buffer.alloc(500, seq & 0xff) }));
  rec.datagram('t', buildRtp({ marker: false, payloadType: 98, sequenceNumber: seq & 0xffff, timestamp: seq * 300, ssrc: 2, csrcs: [], payload: Buffer.from('x') }));
  rec.message('m', { messageId: `id${seq}`, contentType: 'text/plain', body: Buffer.from(`message ${seq}`), receivedMs: Date.now(), complete: true });
  seq++;
  if (seq === 100) {
    rec.checkpoint();
    process.stdout.write(`READY ${rec.dir}\n`);
  }
};
setInterval(() => { for (let i = 0; i < 10; i++) tick(); }, 2);
