/**
 * A UAS on the SipStack: answers every INVITE with 200 OK and an SDP answer, absorbs the ACK,
 * answers BYE and OPTIONS with 200, and prints a one-line summary on SIGINT/SIGTERM.
 *
 *   npx tsx samples/uas.ts --transport udp|tcp --host 127.0.0.1 --port 5062
 *
 * `--transport udp,tcp` listens on both. The benchmark and the SIPp interop tests drive it.
 * `--memory-report`: on SIGUSR2, collect garbage (when started with `--expose-gc`) and print one
 * `memory heapUsed=… arrayBuffers=… rss=… liveTransactions=… liveDialogs=…` line, so a benchmark
 * can read live memory per transaction rather than RSS, which follows the GC's whims.
 */
import { parseArgs } from 'node:util';
import type { TransportProtocol } from '../include-types/settings.js';
import { SipStack } from '../lib/stack/index.js';
import { createAnsweringUas } from './lib/answering-uas.js';

const { values } = parseArgs({
  options: {
    transport: { type: 'string', default: 'udp' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5062' },
    'memory-report': { type: 'boolean', default: false },
  },
});
const transports = values.transport.split(',');
for (const t of transports) {
  if (t !== 'udp' && t !== 'tcp') {
    console.error(`--transport must be udp, tcp or udp,tcp (not ${t})`);
    process.exit(2);
  }
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0..65535 (not ${values.port})`);
  process.exit(2);
}

const stack = new SipStack({
  iaps: [{ id: 'uas', listen: transports.map((protocol) => ({ protocol: protocol as TransportProtocol, address: values.host, port })) }],
  // under load a UAS keeps many transactions alive for Timers J and L (32 s): raise the default
  limits: { maxServerTransactions: 500_000, maxClientTransactions: 1_000 },
});
const uas = createAnsweringUas(stack, { host: values.host });
stack.addUser(uas.user);
await stack.start();
console.log(`tsip uas listening on ${stack.boundAddresses('uas').map((b) => `${b.protocol}:${b.address}:${b.port}`).join(' ')}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const c = uas.counts;
  const s = stack.stats();
  console.log(
    `tsip uas ${signal}: invites=${c.invites} acks=${c.acks} byes=${c.byes} options=${c.options} ackTimeouts=${c.ackTimeouts} ` +
      `liveDialogs=${s.dialogs} liveTransactions=${s.transactions.total}`,
  );
  await stack.shutdown();
  process.exit(0);
}
if (values['memory-report']) {
  process.on('SIGUSR2', () => {
    // Only a full collection makes heapUsed mean "what is still reachable"; without --expose-gc
    // the figure still prints, but includes garbage not yet collected. A second collection a
    // moment later lets V8 finish freeing ArrayBuffer backing stores (swept in the background),
    // which arrayBuffers would otherwise still count.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    setTimeout(() => {
      gc?.();
      const m = process.memoryUsage();
      const s = stack.stats();
      console.log(
        `memory heapUsed=${m.heapUsed} arrayBuffers=${m.arrayBuffers} rss=${m.rss} ` +
          `liveTransactions=${s.transactions.total} liveDialogs=${s.dialogs}`,
      );
    }, 50);
  });
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
