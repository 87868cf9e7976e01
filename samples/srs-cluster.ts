/**
 * An SRS cluster to try out on loopback: Kamailio's dispatcher (deploy/kamailio/dispatcher.cfg)
 * in front of N `tsip srs` processes, each with its own port, RTP range, recordings directory and
 * /healthz + /metrics. Prints the entry URI to record to; Ctrl-C stops everything.
 *
 *   npm run cluster -- [--srs 2] [--dir ./recordings-cluster] [--port 5080]
 *   npm start -- --srs 'sip:srs@127.0.0.1:5080;transport=tcp'     # record a demo call through it
 *   kill -TERM <pid of one SRS>                                   # drain it: new calls go to the others
 *
 * Needs Kamailio with its dispatcher module (Debian: kamailio; scripts/install-interop-tools.sh).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSrsCluster } from '../test/interop/lib/srs-cluster.js';

const { values } = parseArgs({
  options: {
    srs: { type: 'string', default: '2' },
    dir: { type: 'string', default: './recordings-cluster' },
    port: { type: 'string' },
    'drain-timeout': { type: 'string', default: '30' },
  },
});
const count = Number(values.srs);
if (!(Number.isInteger(count) && count >= 1 && count <= 16)) {
  console.error('--srs must be 1..16');
  process.exit(2);
}
const root = resolve(values.dir);
const cluster = await startSrsCluster({
  count, root, drainTimeoutSeconds: Number(values['drain-timeout']), srsArgs: ['--http', '127.0.0.1:0'],
  ...(values.port !== undefined ? { port: Number(values.port) } : {}),
});
console.log(`Kamailio dispatcher (pid ${cluster.kamailio.pid}) on udp/tcp ${cluster.kamailio.host}:${cluster.kamailio.port}`);
for (const s of cluster.srs) {
  const http = /HTTP on (\S+)/.exec(s.out())?.[1] ?? '-';
  console.log(`  SRS ${s.index}: pid ${s.proc.pid}, sip:127.0.0.1:${s.port}, ${http}/metrics, recordings in ${s.dir}`);
}
console.log(`\nEntry URI: ${cluster.uri}\n  record to it: npm start -- --srs '${cluster.uri};transport=tcp'\nCtrl-C stops them all.`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log('stopping the cluster ...');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
