/**
 * Test helpers: a "party" is a SipClient with its own embedded stack on 127.0.0.1 (UDP, port 0),
 * one connection on it, and a Recorder for every callback.
 */
import { ConnectionState } from '../../../include-types/states.js';
import type { Clock } from '../../../include-types/settings.js';
import { SipClient } from '../../../lib/api/sip-client.js';
import { SipConnection } from '../../../lib/api/sip-connection.js';
import { Recorder } from './recorder.js';

/** A client, its connection and what they observed. */
export interface Party {
  client: SipClient;
  conn: SipConnection;
  rec: Recorder;
  /** sip:user@127.0.0.1:port of the party's UDP socket. */
  uri(user: string): string;
  close(): Promise<void>;
}

/** Starts a party and waits until its connection is Active. */
export async function party(uid: string, options: { clock?: Clock; protocol?: 'udp' | 'tcp'; t1?: number } = {}): Promise<Party> {
  const rec = new Recorder();
  const protocol = options.protocol ?? 'udp';
  const client = new SipClient({
    uid,
    observer: rec.sipObserver(),
    settings: {
      iaps: [{ id: 'lo', listen: [{ protocol, address: '127.0.0.1', port: 0 }] }],
      clock: options.clock,
      timers: options.t1 === undefined ? undefined : { t1: options.t1 },
    },
  });
  const conn = new SipConnection(client, 'lo', rec.connectionObserver());
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Active);
  const port = client.stack.boundAddresses('lo')[0].port;
  return {
    client,
    conn,
    rec,
    uri: (user) => `sip:${user}@127.0.0.1:${port}${protocol === 'udp' ? '' : ';transport=tcp'}`,
    close: () => client.close(),
  };
}

/** Lets queued microtasks and pending I/O run. */
export function tick(ms = 5): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
