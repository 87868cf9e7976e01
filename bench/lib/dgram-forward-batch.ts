/**
 * What batching UDP sends per poll phase saves a datagram forwarder, on plain `node:dgram` sockets
 * (no tsip code but the queue): the pattern of an SRC forking RTP to a recorder on the same host.
 * Three processes on loopback: a sender (N streams of 172-byte packets at PPS each, sent in 5 ms
 * ticks), a forwarder (one receiving and one sending socket per stream; each packet sent on at
 * once, or through lib/transport/datagram-batch.ts, the queue the SIP and RTP endpoints use), and
 * a sink counting what arrives. Prints the CPU per
 * packet of the forwarder and of the sink, both modes alternated ROUNDS times.
 *
 *   npx tsx bench/lib/dgram-forward-batch.ts        env N (default 400), PPS (50), SECONDS (6), ROUNDS (2)
 *   npx tsx bench/lib/dgram-forward-batch.ts OLD NEW  the same with tsip's RtpEndpoint forwarding
 *       (one receiving, one sending endpoint per stream, as an SRC's fork), from two compiled trees
 *       (`tsc --outDir`, e.g. before and after a change), alternated
 *
 * Loopback only; each run is bounded (SECONDS of sending, then the children are ended by pid).
 * Ports 20000+N and 24000+N (below Linux's ephemeral range, so no sending socket takes them).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendSoon } from '../../lib/transport/datagram-batch.js';

const IN_BASE = 20_000;
const OUT_BASE = 24_000;
const self = fileURLToPath(import.meta.url);

type Reply = { packets: number; cpuUs: number };

/**
 * A child's side of the measurement: 'start' from the parent zeroes the packet count and the CPU
 * clock, 'stop' is answered with both since then.
 */
function serveMeter(): { count(): void } {
  let packets = 0;
  let c0 = process.cpuUsage();
  process.on('message', (m) => {
    if (m === 'start') [packets, c0] = [0, process.cpuUsage()];
    if (m === 'stop') {
      const c = process.cpuUsage(c0);
      process.send?.({ packets, cpuUs: c.user + c.system } satisfies Reply);
    }
  });
  return { count: () => void packets++ };
}

/** Child: N sockets from OUT_BASE counting datagrams; answers 'stop' with its count and CPU. */
function sink(n: number): void {
  const meter = serveMeter();
  for (let i = 0; i < n; i++) {
    const s = createSocket('udp4');
    s.on('message', () => meter.count());
    s.bind(OUT_BASE + i, '127.0.0.1');
  }
}

/** Child: forwards each packet of IN_BASE+i to OUT_BASE+i from its own socket, at once or batched. */
function forwarder(n: number, batched: boolean): void {
  const meter = serveMeter();
  for (let i = 0; i < n; i++) {
    const input = createSocket('udp4');
    const out = createSocket('udp4');
    out.bind(0, '127.0.0.1');
    const port = OUT_BASE + i;
    input.on('message', (d) => {
      meter.count();
      if (!batched) out.send(d, port, '127.0.0.1', () => undefined);
      else sendSoon(out, d, port, '127.0.0.1', () => undefined);
    });
    input.bind(IN_BASE + i, '127.0.0.1');
  }
}

/** Child: the forwarder made of tsip's RtpEndpoints from the compiled tree `build`. */
async function tsipForwarder(n: number, build: string): Promise<void> {
  const media = (await import(join(build, 'lib/siprec/media/index.js'))) as {
    RtpEndpoint: { bind(o: { address: string; port?: number }): Promise<{ onPacket(h: (d: Buffer) => void): void; send(d: Uint8Array, to: { address: string; port: number }): Promise<void> }> };
  };
  const meter = serveMeter();
  for (let i = 0; i < n; i++) {
    const input = await media.RtpEndpoint.bind({ address: '127.0.0.1', port: IN_BASE + i });
    const out = await media.RtpEndpoint.bind({ address: '127.0.0.1' });
    const to = { address: '127.0.0.1', port: OUT_BASE + i };
    input.onPacket((d) => {
      meter.count();
      out.send(d, to).catch(() => undefined);
    });
  }
}

/** Child: N streams at PPS each for SECONDS, in 5 ms ticks; exits when done. */
function sender(n: number, pps: number, seconds: number): void {
  const s = createSocket('udp4');
  const pkt = Buffer.alloc(172, 0x80);
  const perTick = (n * pps) / 200;
  let due = 0;
  let next = 0;
  const tick = setInterval(() => {
    for (due += perTick; due >= 1; due--) s.send(pkt, IN_BASE + (next++ % n), '127.0.0.1');
  }, 5);
  setTimeout(() => {
    clearInterval(tick);
    setTimeout(() => process.exit(0), 200);
  }, seconds * 1000);
}

async function ask(child: ChildProcess, what: string): Promise<Reply> {
  const reply = once(child, 'message');
  child.send(what);
  return (await reply)[0] as Reply;
}

async function main(): Promise<void> {
  const n = Number(process.env.N ?? 400);
  const pps = Number(process.env.PPS ?? 50);
  const seconds = Number(process.env.SECONDS ?? 6);
  const rounds = Number(process.env.ROUNDS ?? 2);
  const opts = { execArgv: process.execArgv };
  const builds = process.argv.slice(2, 4);
  const modes = builds.length === 2 ? builds : ['at once', 'batched'];
  const width = Math.max(...modes.map((m) => m.length));
  console.log(`UDP forwarding, ${n} streams × ${pps} packets/s for ${seconds} s on loopback; CPU per packet (user + system)`);
  for (let r = 1; r <= rounds; r++) {
    for (const mode of modes) {
      const sinkChild = fork(self, ['sink', String(n)], opts);
      const fwdArgs = builds.length === 2 ? ['tsip-forwarder', String(n), mode] : ['forwarder', String(n), mode === 'batched' ? '1' : '0'];
      const fwdChild = fork(self, fwdArgs, opts);
      try {
        await new Promise((res) => setTimeout(res, builds.length === 2 ? 2500 : 1000)); // sockets bound
        sinkChild.send('start');
        fwdChild.send('start');
        const send = fork(self, ['sender', String(n), String(pps), String(seconds)], opts);
        await once(send, 'exit');
        const [fwd, got] = await Promise.all([ask(fwdChild, 'stop'), ask(sinkChild, 'stop')]);
        console.log(
          `round ${r} ${mode.padEnd(width)}: forwarded ${fwd.packets}, forwarder ${(fwd.cpuUs / Math.max(1, fwd.packets)).toFixed(1)} µs/packet; ` +
            `sink received ${got.packets}, ${(got.cpuUs / Math.max(1, got.packets)).toFixed(1)} µs/packet`,
        );
      } finally {
        fwdChild.kill();
        sinkChild.kill();
      }
    }
  }
}

const [role, a, b, c] = process.argv.slice(2);
if (role === 'sink') sink(Number(a));
else if (role === 'forwarder') forwarder(Number(a), b === '1');
else if (role === 'tsip-forwarder') await tsipForwarder(Number(a), b);
else if (role === 'sender') sender(Number(a), Number(b), Number(c));
else await main();
