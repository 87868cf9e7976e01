/**
 * The RTP load sender of bench/siprec-media.bench.ts, in its own process so it never competes
 * with the receiver it measures on one event loop. Each destination port gets one 20 ms G.711
 * packet (12-byte header + 160 bytes) every 20 ms (50 packets/s), its own SSRC and sequence.
 * Packets are built before the run (a small ring per destination, so a send still queued is
 * never rewritten) and sent in batches: the 20 ms frame is cut into 5 ms slices, each slice
 * sends to a quarter of the destinations in one tight loop; a late timer catches up.
 *
 * IPC: `{ cmd: 'send', host, ports, pps, durationMs }` → `{ sent, errors, elapsedMs, cpuMs, lateSlices }`.
 */
import { createSocket } from 'node:dgram';

interface SendCmd { cmd: 'send'; host: string; ports: number[]; durationMs: number }

const RING = 8;
const SLICE_MS = 5;
const SLICES_PER_FRAME = 4; // 4 × 5 ms = one 20 ms frame: 50 packets/s per destination

const sock = createSocket({ type: 'udp4', sendBufferSize: 8 * 1024 * 1024 });
let errors = 0;
sock.on('error', () => { errors++; });
await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));

function packets(i: number): Buffer[] {
  const ring: Buffer[] = [];
  for (let k = 0; k < RING; k++) {
    const b = Buffer.alloc(172, 0xff); // PCMU silence
    b[0] = 0x80; // V=2
    b[1] = 0; // PT 0 PCMU
    b.writeUInt32BE((0x1000 + i) >>> 0, 8); // SSRC
    ring.push(b);
  }
  return ring;
}

async function send(c: SendCmd): Promise<{ sent: number; errors: number; elapsedMs: number; cpuMs: number; lateSlices: number }> {
  const rings = c.ports.map((_, i) => packets(i));
  const seq = new Uint16Array(c.ports.length);
  const frames = Math.round(c.durationMs / (SLICE_MS * SLICES_PER_FRAME));
  const totalSlices = frames * SLICES_PER_FRAME;
  const per = Math.ceil(c.ports.length / SLICES_PER_FRAME);
  errors = 0;
  let sent = 0;
  let slice = 0;
  let late = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const step = (): void => {
      const due = Math.min(totalSlices, Math.floor((performance.now() - t0) / SLICE_MS) + 1);
      if (due - slice > 1) late += due - slice - 1;
      while (slice < due) {
        const part = slice % SLICES_PER_FRAME;
        const frame = Math.floor(slice / SLICES_PER_FRAME);
        const end = Math.min(c.ports.length, (part + 1) * per);
        for (let d = part * per; d < end; d++) {
          const b = rings[d][frame % RING];
          b.writeUInt16BE(seq[d], 2);
          b.writeUInt32BE((frame * 160) >>> 0, 4);
          seq[d]++;
          sock.send(b, c.ports[d], c.host);
          sent++;
        }
        slice++;
      }
      if (slice >= totalSlices) { resolve(); return; }
      const next = t0 + slice * SLICE_MS - performance.now();
      setTimeout(step, Math.max(0, next));
    };
    step();
  });
  const elapsedMs = performance.now() - t0;
  const cu = process.cpuUsage(cpu0);
  return { sent, errors, elapsedMs, cpuMs: (cu.user + cu.system) / 1000, lateSlices: late };
}

process.on('message', (m: SendCmd | { cmd: 'stop' }) => {
  if (m.cmd === 'send') void send(m).then((r) => process.send?.(r));
  else { sock.close(); process.exit(0); }
});
process.send?.({ ready: true });
