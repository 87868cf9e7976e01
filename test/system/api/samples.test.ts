/**
 * samples/answer.ts, samples/message.ts and samples/call.ts run as programs: a MESSAGE and a call
 * between them over loopback, and call.ts's exit code when the call is rejected.
 */
import t from 'tap';
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function run(args: string[]): { child: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [...nodeArgsFor(args[0]!), ...args.slice(1)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exit };
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

t.test('call.ts calls answer.ts: answered, ACK, BYE 200, exit 0', async (t) => {
  const port = await freeUdpPort();
  const answer = run(['samples/answer.ts', '--port', String(port), '--calls', '1']);
  t.teardown(() => {
    if (answer.child.exitCode === null && answer.child.pid !== undefined) process.kill(answer.child.pid, 'SIGTERM');
  });
  for (let i = 0; i < 100 && !answer.out().includes('answering on'); i++) await new Promise((r) => setTimeout(r, 50));
  const msg = run(['samples/message.ts', '--to', `sip:bob@127.0.0.1:${port}`, '--text', 'hello bob']);
  t.equal(await msg.exit, 0, msg.out());
  t.match(answer.out(), /MESSAGE from .*: hello bob/);
  const call = run(['samples/call.ts', '--to', `sip:bob@127.0.0.1:${port}`, '--seconds', '1']);
  t.equal(await call.exit, 0, call.out());
  t.match(call.out(), /INVITE ← 200 OK[\s\S]*ACK →[\s\S]*BYE ← 200 OK/);
  t.equal(await answer.exit, 0, 'answer.ts stops after its one call');
  t.match(answer.out(), /INVITE from[\s\S]*ACK ←[\s\S]*BYE ←/);
});

t.test('call.ts exits 1 when the call is rejected', async (t) => {
  const port = await freeUdpPort();
  // a UDP socket that answers every INVITE with 486
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(port, '127.0.0.1', r));
  s.on('message', (msg, rinfo) => {
    const text = msg.toString();
    if (!text.startsWith('INVITE')) return;
    const keep = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
    const lines = keep.map((l) => (/^To:/i.test(l) ? `${l};tag=busy` : l));
    s.send(`SIP/2.0 486 Busy Here\r\n${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, rinfo.port, rinfo.address);
  });
  t.teardown(() => s.close());
  const call = run(['samples/call.ts', '--to', `sip:bob@127.0.0.1:${port}`, '--seconds', '1']);
  t.equal(await call.exit, 1, call.out());
  t.match(call.out(), /INVITE ← 486/);
});
