/**
 * A standalone Session Recording Server: UDP and TCP on one port until SIGINT/SIGTERM, then a
 * clean shutdown (BYE to every live recording, files closed and marked complete).
 *
 *   npx tsx samples/srs.ts --host 127.0.0.1 --port 5090 --dir ./recordings [--max-sessions 1000]
 *
 * Record to it with `npm start -- --srs sip:127.0.0.1:5090`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Srs } from '../lib/siprec/srs/index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5090' },
    dir: { type: 'string', default: './recordings' },
    'max-sessions': { type: 'string', default: '1000' },
    'require-metadata': { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0..65535 (not ${values.port})`);
  process.exit(2);
}
const maxSessions = Number(values['max-sessions']);
if (!(Number.isInteger(maxSessions) && maxSessions > 0)) {
  console.error('--max-sessions must be a positive integer');
  process.exit(2);
}
const dir = resolve(values.dir);
const srs = new Srs({ host: values.host, port, dir, maxSessions, requireMetadata: values['require-metadata'] });
srs.on('sessionStarted', (e) => console.log(`started  ${e.recordingId} streams [${e.labels}] -> ${e.dir}`));
srs.on('sessionUpdated', (e) => console.log(`updated  ${e.recordingId}${e.pauseChanged ? (e.paused ? ' paused' : ' resumed') : ''}${e.metadataUpdated ? ' metadata' : ''}`));
srs.on('sessionEnded', (e) => console.log(`ended    ${e.recordingId} (${e.reason})`));
srs.on('sessionRejected', (e) => console.log(`rejected ${e.recordingId}: ${e.statusCode} ${e.reason}`));

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down (${srs.activeSessions} live recordings)`);
  const guard = setTimeout(() => process.exit(1), 10000);
  await srs.shutdown();
  clearTimeout(guard);
  console.log('SRS stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

await srs.start();
if (srs.recovered.length) console.log(`recovered ${srs.recovered.length} partial recordings left by a crash`);
console.log(`SRS listening on ${srs.addresses.map((a) => `${a.protocol}:${a.address}:${a.port}`).join(', ')}; recordings in ${dir}`);
