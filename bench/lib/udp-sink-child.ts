/**
 * The raw Node UDP receive ceiling of bench/siprec-media.bench.ts: a no-op node:dgram receiver in
 * its own process, bound the way the SRS binds (one socket per recorded stream, default receive
 * buffers), that only counts datagrams. The same sender feeds it the same pattern.
 *
 * IPC: `{ cmd: 'bind', count }` → `{ ports }` (closing the sockets of the previous step);
 * `{ cmd: 'mark' }` → `{ received, cpuMs }` (counters since start, CPU of this process);
 * `{ cmd: 'stop' }`.
 */
import { createSocket, type Socket } from 'node:dgram';

let socks: Socket[] = [];
let received = 0;

async function bind(count: number): Promise<number[]> {
  for (const s of socks) s.close();
  socks = [];
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = createSocket('udp4');
    s.on('message', () => { received++; });
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    socks.push(s);
    ports.push(s.address().port);
  }
  return ports;
}

process.on('message', (m: { cmd: 'bind'; count: number } | { cmd: 'mark' } | { cmd: 'stop' }) => {
  if (m.cmd === 'bind') void bind(m.count).then((ports) => process.send?.({ ports }));
  else if (m.cmd === 'mark') {
    const c = process.cpuUsage();
    process.send?.({ received, cpuMs: (c.user + c.system) / 1000 });
  } else {
    for (const s of socks) s.close();
    process.exit(0);
  }
});
process.send?.({ ready: true });
