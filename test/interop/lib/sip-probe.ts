/**
 * A minimal SIP OPTIONS probe over UDP, used to learn when a freshly started peer answers.
 *
 * Deliberately independent of tsip's own stack (lib/): the interop harness must be able to judge
 * a third-party server even while tsip is broken, so this builds the request by hand.
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

export interface ProbeOptions {
  host: string;
  port: number;
  /** Overall bound for the probe, in ms. */
  timeoutMs: number;
  /** Delay between retransmissions, in ms (the peer may not have bound its socket yet). */
  intervalMs?: number;
  /** Stop early (rejecting) when this returns a reason, e.g. "the process exited". */
  abort?: () => string | undefined;
}

/** Builds one OPTIONS request; the branch and Call-ID are fresh per probe. */
export function buildOptions(host: string, port: number, localPort: number): string {
  const id = randomBytes(8).toString('hex');
  const family = host.includes(':') ? `[${host}]` : host;
  return [
    `OPTIONS sip:${family}:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP ${family}:${localPort};branch=z9hG4bK-probe-${id};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@${family}>;tag=${id}`,
    `To: <sip:${family}:${port}>`,
    `Call-ID: probe-${id}@tsip`,
    'CSeq: 1 OPTIONS',
    'Accept: application/sdp',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/**
 * Sends OPTIONS every `intervalMs` until any SIP response arrives; resolves with its status line.
 * Rejects after `timeoutMs` or when `abort()` reports a reason.
 */
export function probeSip(opts: ProbeOptions): Promise<string> {
  const interval = opts.intervalMs ?? 100;
  return new Promise((resolve, reject) => {
    const sock = createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | undefined, line?: string): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(deadline);
      sock.close();
      if (err) reject(err);
      else resolve(line ?? '');
    };
    const send = (): void => {
      const why = opts.abort?.();
      if (why) return finish(new Error(why));
      const msg = buildOptions(opts.host, opts.port, sock.address().port);
      // ECONNREFUSED (ICMP port unreachable) just means "not yet": keep trying until the deadline.
      sock.send(msg, opts.port, opts.host, () => undefined);
    };
    sock.on('error', () => undefined);
    sock.on('message', (buf) => {
      const first = buf.toString('latin1').split('\r\n', 1)[0];
      if (first.startsWith('SIP/2.0 ')) finish(undefined, first);
    });
    const timer = setInterval(send, interval);
    const deadline = setTimeout(
      () => finish(new Error(`no SIP answer from ${opts.host}:${opts.port} within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    sock.bind(0, opts.host, send);
  });
}
