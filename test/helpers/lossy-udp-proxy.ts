/**
 * A UDP relay on loopback that drops every Nth datagram in each direction: a lossy link between
 * a UAC and a UAS, so tests can show transactions completing through retransmission.
 * A → [front] relay [back] → B; replies from B go back to the last A address seen.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** A running relay. */
export interface LossyProxy {
  /** Port the UAC sends to. */
  port: number;
  /** Datagrams dropped so far, per direction. */
  dropped: { forward: number; back: number };
  /** Datagrams relayed so far, per direction. */
  relayed: { forward: number; back: number };
  close(): Promise<void>;
}

/** Starts a relay to `target` dropping every `dropEvery`-th datagram (per direction). */
export async function startLossyProxy(target: { host: string; port: number }, dropEvery: number): Promise<LossyProxy> {
  const front: Socket = createSocket('udp4');
  const back: Socket = createSocket('udp4');
  await Promise.all([new Promise<void>((r) => front.bind(0, '127.0.0.1', r)), new Promise<void>((r) => back.bind(0, '127.0.0.1', r))]);
  let client: RemoteInfo | undefined;
  const p: LossyProxy = {
    port: front.address().port,
    dropped: { forward: 0, back: 0 },
    relayed: { forward: 0, back: 0 },
    close: async () => {
      await Promise.all([new Promise<void>((r) => front.close(() => r())), new Promise<void>((r) => back.close(() => r()))]);
    },
  };
  let nf = 0;
  let nb = 0;
  front.on('message', (msg, rinfo) => {
    client = rinfo;
    if (++nf % dropEvery === 0) return void p.dropped.forward++;
    p.relayed.forward++;
    back.send(msg, target.port, target.host);
  });
  back.on('message', (msg) => {
    if (client === undefined) return;
    if (++nb % dropEvery === 0) return void p.dropped.back++;
    p.relayed.back++;
    front.send(msg, client.port, client.address);
  });
  return p;
}
