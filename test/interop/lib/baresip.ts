/**
 * A real SIP phone for the interop tests: baresip (Debian baresip-core) with a config dir in a
 * temp folder, SIP on a loopback port, no audio device. Its microphone is a WAV file (module
 * aufile) and what it hears is written by the sndfile filter (`dump-*-dec.wav` in its folder,
 * `-enc.wav` for what it sent). It is driven over ctrl_tcp (netstring JSON commands: dial, hangup)
 * and reports its events there (CALL_ESTABLISHED, CALL_CLOSED ...). Stopped by pid.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, removeOnExit, forgetTempDir } from './child.js';
import { freePort, LOOPBACK } from './ports.js';
import { toolPath } from './tools.js';

/** Options of {@link startBaresip}. */
export interface BaresipOptions {
  /** Account user (e.g. alice). */
  user: string;
  /** WAV (8 kHz mono 16-bit) played as the microphone. */
  microphone: string;
  /** Answer incoming calls at once (`;answermode=auto`). */
  autoAnswer?: boolean;
  /** First of 200 RTP ports the phone may use. */
  rtpPortMin: number;
}

/** A ctrl_tcp event (`{"event":true,"type":"CALL_ESTABLISHED",...}`). */
export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  [k: string]: unknown;
}

/** A running baresip. */
export interface BaresipPhone {
  /** Config folder (the received audio is dumped here). */
  dir: string;
  /** SIP port (UDP and TCP) on 127.0.0.1. */
  sipPort: number;
  /** The process. */
  proc: ManagedProcess;
  /** Events seen so far. */
  events: BaresipEvent[];
  /** Sends a command (e.g. `dial`, `sip:...`); resolves on its response. */
  command(command: string, params?: string): Promise<unknown>;
  /** Resolves with the first event of `type` (also one already seen), rejects after `ms`. */
  waitEvent(type: string, ms: number): Promise<BaresipEvent>;
  /** The WAV of what it heard in its (first) call, once the call ended. */
  heardWav(): string | undefined;
  /** Stops it (SIGTERM, then SIGKILL) and removes its folder unless `keep`. */
  stop(keep?: boolean): Promise<void>;
}

/** The module folder of the Debian package (multiarch first). */
function moduleDir(): string {
  for (const d of ['/usr/lib/x86_64-linux-gnu/baresip/modules', '/usr/lib/aarch64-linux-gnu/baresip/modules', '/usr/lib/baresip/modules']) {
    try {
      if (readdirSync(d).includes('aufile.so')) return d;
    } catch { /* not there */ }
  }
  return '/usr/lib/baresip/modules';
}

/**
 * Starts one baresip phone and connects to its ctrl_tcp socket. The ports are picked free, but
 * baresip also binds SIP/TLS on the port after `sip_listen`'s, which another process may hold by
 * then: a start that fails with "Address already in use" is retried on fresh ports (3 tries).
 */
export async function startBaresip(opts: BaresipOptions): Promise<BaresipPhone> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBaresipOnce(opts);
    } catch (e) {
      if (attempt >= 3 || !/Address already in use/.test(String(e))) throw e;
    }
  }
}

async function startBaresipOnce(opts: BaresipOptions): Promise<BaresipPhone> {
  const bin = toolPath('baresip');
  if (bin === undefined) throw new Error('baresip is not installed (apt-get install baresip-core)');
  const dir = mkdtempSync(join(tmpdir(), `tsip-baresip-${opts.user}-`));
  removeOnExit(dir);
  const sipPort = await freePort();
  const ctrlPort = await freePort();
  writeFileSync(join(dir, 'config'), [
    'poll_method epoll',
    `sip_listen ${LOOPBACK}:${sipPort}`,
    `net_interface ${LOOPBACK}`,
    `rtp_ports ${opts.rtpPortMin}-${opts.rtpPortMin + 199}`,
    `audio_source aufile,${opts.microphone}`,
    // no sound card: the player and the alert tone go to an aubridge device nobody listens to
    'audio_player aubridge,tsip',
    'audio_alert aubridge,tsip',
    'audio_srate 8000',
    'audio_channels 1',
    `module_path ${moduleDir()}`,
    'module g711.so',
    'module aufile.so',
    'module aubridge.so',
    'module sndfile.so',
    'module_app account.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen ${LOOPBACK}:${ctrlPort}`,
    `snd_path ${dir}`,
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'accounts'), `<sip:${opts.user}@${LOOPBACK}:${sipPort}>;regint=0;audio_codecs=PCMU,PCMA${opts.autoAnswer ? ';answermode=auto' : ''}\n`);
  // TSIP_BARESIP_TRACE=1 prints the SIP messages (baresip -s) into the phone's log
  const args = process.env.TSIP_BARESIP_TRACE ? ['-s', '-f', dir] : ['-f', dir];
  const logFile = process.env.TSIP_BARESIP_TRACE ? `${process.env.TSIP_BARESIP_TRACE}-${opts.user}.log` : join(dir, 'baresip.log');
  const proc = new ManagedProcess(bin, args, { logFile, tailChars: 30000 });
  const sock = await connectRetry(ctrlPort, proc, 8000);
  const events: BaresipEvent[] = [];
  const waiters: Array<{ type: string; resolve: (e: BaresipEvent) => void }> = [];
  const pending = new Map<string, (v: unknown) => void>();
  let buf = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const colon = buf.indexOf(0x3a);
      if (colon < 0) break;
      const len = Number(buf.subarray(0, colon).toString());
      if (buf.length < colon + 1 + len + 1) break;
      const json = buf.subarray(colon + 1, colon + 1 + len).toString();
      buf = buf.subarray(colon + 1 + len + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(json) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (msg.event) {
        const e = msg as BaresipEvent;
        events.push(e);
        for (const w of waiters.splice(0)) {
          if (w.type === e.type) w.resolve(e);
          else waiters.push(w);
        }
      } else if (msg.response && typeof msg.token === 'string') pending.get(msg.token)?.(msg);
    }
  });
  sock.on('error', () => undefined);
  let token = 0;
  return {
    dir, sipPort, proc, events,
    command(command, params = '') {
      const t = String(++token);
      const json = JSON.stringify({ command, params, token: t });
      sock.write(`${Buffer.byteLength(json)}:${json},`);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip ${command}: no response`)), 5000);
        pending.set(t, (v) => { clearTimeout(timer); resolve(v); });
      });
    },
    waitEvent(type, ms) {
      const seen = events.find((e) => e.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip ${opts.user}: no ${type} within ${ms} ms; log: ${proc.stdout.toString().slice(-1500)}`)), ms);
        waiters.push({ type, resolve: (e) => { clearTimeout(timer); resolve(e); } });
      });
    },
    heardWav() {
      const f = readdirSync(dir).find((n) => n.startsWith('dump-') && n.endsWith('-dec.wav'));
      return f === undefined ? undefined : join(dir, f);
    },
    async stop(keep = false) {
      sock.destroy();
      await proc.stop(2000);
      if (!keep) {
        rmSync(dir, { recursive: true, force: true });
        forgetTempDir(dir);
      }
    },
  };
}

async function connectRetry(port: number, proc: ManagedProcess, ms: number): Promise<Socket> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(port, LOOPBACK, () => { s.off('error', reject); resolve(s); });
        s.once('error', reject);
      });
    } catch (e) {
      if (proc.exit || Date.now() > until) {
        await proc.stop(1000);
        throw new Error(`baresip did not open ctrl_tcp on ${port}: ${String(e)}; output: ${proc.stdout.toString().slice(-1500)}${proc.stderr.toString().slice(-500)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Writes a 16-bit 8 kHz mono WAV of a sine tone (the phones' microphones). */
export function writeToneWav(path: string, frequency: number, seconds: number, amplitude = 8000): void {
  const rate = 8000;
  const n = rate * seconds;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / rate)), 44 + i * 2);
  writeFileSync(path, b);
}
