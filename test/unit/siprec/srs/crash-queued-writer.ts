/**
 * Child process of queued-file.test.ts: appends numbered 8-byte records to a QueuedFile in
 * argv[2] (4 KiB batches) until it is SIGKILLed, printing after each burst how many records it has
 * appended and how many bytes were still queued (not yet handed to the kernel) at that moment.
 */
import { join } from 'node:path';
import { QueuedFile } from '../../../../lib/siprec/srs/storage/queued-file.js';

const file = QueuedFile.create(join(process.argv[2], 'seq.bin'), Buffer.from('HEAD'), { batchBytes: 4096, maxQueuedBytes: 1 << 20 });
let n = 0;
const rec = Buffer.alloc(8);
setInterval(() => {
  for (let i = 0; i < 200; i++) {
    rec.writeBigUInt64BE(BigInt(n));
    if (!file.append(rec)) throw new Error('queue full');
    n++;
  }
  process.stdout.write(`${n === 200 ? 'READY ' : ''}appended ${n} queued ${file.queuedBytes}\n`);
}, 2);
