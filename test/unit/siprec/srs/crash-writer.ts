/**
 * Child process of storage.test.ts: starts a recording in argv[2], writes two streams of audio and
 * the metadata, prints READY and keeps writing until it is killed (SIGKILL: no cleanup runs).
 */
import { buildRtp, encodeG711, parseRtp } from '../../../../lib/siprec/media/index.js';
import { MetadataBuilder, parseMetadata } from '../../../../lib/siprec/metadata/index.js';
import { RecordingDir } from '../../../../lib/siprec/srs/storage/index.js';

const root = process.argv[2];
const rec = await RecordingDir.create({ root, recordingId: 'crash-call@127.0.0.1' });
const mb = new MetadataBuilder({
  callId: 'cs-crash', participants: [{ key: 'a', aor: 'sip:alice@x' }, { key: 'b', aor: 'sip:bob@x' }],
  streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
});
const xml = mb.completeXml();
rec.addMetadata(Buffer.from(xml), parseMetadata(xml));
const t0 = Date.now();
rec.openStream('1', 'PCMU', 0, t0);
rec.openStream('2', 'PCMU', 0, t0);
let seq = 0;
const tick = (): void => {
  for (const label of ['1', '2']) {
    const pcm = new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin(i / 3)));
    const pkt = parseRtp(buildRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: label === '1' ? 11 : 22, csrcs: [], payload: encodeG711(0, pcm) }));
    rec.packet(label, pkt, t0 + seq * 20);
  }
  seq++;
  if (seq === 100) {
    rec.checkpoint();
    process.stdout.write(`READY ${rec.dir}\n`);
  }
};
setInterval(() => { for (let i = 0; i < 10; i++) tick(); }, 5);
