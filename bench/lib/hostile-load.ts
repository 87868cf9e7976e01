/**
 * Hostile SIP input for the memory soak (bench/fuzz-soak.bench.ts): datagrams made from valid SIP
 * messages by byte mutation, truncation, header duplication and huge headers, and TCP connections
 * that never finish a message (partial heads, garbage, slowloris, a body that never comes, silence).
 *
 * Everything comes from one seeded PRNG, so every peer gets the very same bytes in the same order.
 * Bounded: a fixed number of datagrams at a fixed pace, a fixed number of connections that are all
 * destroyed by `stop()`.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SDP = 'v=0\r\no=fuzz 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n';

const SIPREC_BODY = [
  '--b1',
  'Content-Type: application/sdp',
  '',
  'v=0\r\no=SRC 1 1 IN IP4 127.0.0.1\r\ns=SIP Recording\r\nc=IN IP4 127.0.0.1\r\nt=0 0',
  'm=audio 41000 RTP/AVP 0\r\na=label:1\r\na=sendonly',
  'm=audio 41002 RTP/AVP 0\r\na=label:2\r\na=sendonly',
  '',
  '--b1',
  'Content-Type: application/rs-metadata+xml',
  'Content-Disposition: recording-session',
  '',
  '<?xml version="1.0" encoding="UTF-8"?><recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode>' +
    '<session session_id="hVpd7YQgRW2nD22h7q60JQ=="/><participant participant_id="srfBElmCRp2QB23b7Mpk0w=="><nameID aor="sip:alice@example.com"/></participant>' +
    '<stream stream_id="i1m5Ba2TRp6Zuyy2wjUQ6Q==" session_id="hVpd7YQgRW2nD22h7q60JQ=="><label>1</label></stream></recording>',
  '--b1--',
  '',
].join('\r\n');

/** One valid request of `method` to `host:port`, unique Call-ID, tag and branch from `n`. */
function seedRequest(method: string, n: number, host: string, port: number, viaPort: number, transport: string): string {
  const siprec = method === 'SIPREC';
  const m = siprec ? 'INVITE' : method;
  const body = m === 'INVITE' ? (siprec ? SIPREC_BODY : SDP) : m === 'MESSAGE' ? 'hello' : '';
  const lines = [
    `${m} sip:uas@${host}:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:${viaPort};branch=z9hG4bK-fz${n};rport`,
    'Max-Forwards: 70',
    `From: <sip:fuzz@127.0.0.1>;tag=f${n}`,
    // a To tag on BYE/INFO: an in-dialog request for a dialog that does not exist (481)
    `To: <sip:uas@${host}>${m === 'BYE' || m === 'INFO' ? `;tag=t${n}` : ''}`,
    `Call-ID: fuzz-${n}@127.0.0.1`,
    `CSeq: ${1 + (n % 1000)} ${m}`,
    `Contact: <sip:fuzz@127.0.0.1:${viaPort}>${siprec ? ';+sip.src' : ''}`,
    ...(siprec ? ['Require: siprec', 'Content-Type: multipart/mixed;boundary=b1'] : []),
    ...(m === 'INVITE' && !siprec ? ['Content-Type: application/sdp'] : []),
    ...(m === 'MESSAGE' ? ['Content-Type: text/plain'] : []),
    ...(m === 'REGISTER' ? ['Expires: 3600'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

const METHODS = ['INVITE', 'INVITE', 'SIPREC', 'SIPREC', 'OPTIONS', 'REGISTER', 'BYE', 'MESSAGE', 'INFO', 'CANCEL', 'ACK', 'SUBSCRIBE'];

/**
 * The `n`th hostile datagram: a valid request, then one or more mutations. About one in eight is
 * left valid (a half-open INVITE the peer answers and never gets ACKed is hostile enough).
 */
export function mutatedDatagram(rand: () => number, n: number, host: string, port: number, viaPort: number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  let text = seedRequest(pick(METHODS), n, host, port, viaPort, 'UDP');
  const kind = Math.floor(rand() * 8);
  if (kind === 1 || kind === 2) {
    // duplicate a header line many times (Via, Route, Contact, or anything)
    const lines = text.split('\r\n');
    const end = lines.indexOf('');
    const i = 1 + Math.floor(rand() * (end - 1));
    const copies = 1 + Math.floor(rand() * (kind === 1 ? 50 : 400));
    lines.splice(i, 0, ...Array<string>(copies).fill(lines[i] ?? 'X: y'));
    text = lines.join('\r\n');
  } else if (kind === 3) {
    // one huge header (up to ~60 KB: near the UDP maximum and the default maxMessageSize)
    const size = 1000 + Math.floor(rand() * 59_000);
    text = text.replace('\r\nMax-Forwards', `\r\nX-Huge: ${'A'.repeat(size)}\r\nMax-Forwards`);
  } else if (kind === 4) {
    // lie about the body: a Content-Length much larger or smaller than what is there
    text = text.replace(/Content-Length: \d+/, `Content-Length: ${pick([0, 1, 99999, 4294967296, -1])}`);
  }
  let bytes = Buffer.from(text, 'latin1');
  if (kind === 5 || kind === 6) {
    // flip a few random bytes (some become CR, LF, colon, space, NUL or 0xff)
    bytes = Buffer.from(bytes);
    const flips = 1 + Math.floor(rand() * 12);
    for (let i = 0; i < flips; i++) bytes[Math.floor(rand() * bytes.length)] = pick([0x0d, 0x0a, 0x3a, 0x20, 0x00, 0xff, 0x3b, Math.floor(rand() * 256)]);
  }
  if (kind === 7 || rand() < 0.1) bytes = bytes.subarray(0, Math.floor(rand() * bytes.length)); // truncation
  return bytes.length > 65_000 ? bytes.subarray(0, 65_000) : bytes;
}

export interface HostileLoadOptions {
  host: string;
  port: number;
  seed: number;
  datagrams: number;
  /** Datagrams per 10 ms tick. */
  datagramsPerTick: number;
  connections: number;
  /** How long the TCP connections are kept before `stop()`, at most (ms). */
  connectionHoldMs: number;
}

export interface HostileLoadResult {
  datagramsSent: number;
  responsesReceived: number;
  /** The answers by status code and CSeq method ("481 BYE"), most frequent first when printed. */
  answersByStatus: Map<string, number>;
  connectionsOpened: number;
  connectionsClosedByPeer: number;
  connectErrors: number;
}

/** What a hostile TCP client does once connected. */
type StreamKind = 'partialHead' | 'garbage' | 'slowloris' | 'bodyNeverComes' | 'silent' | 'hugeHead';

function startStream(rand: () => number, i: number, o: HostileLoadOptions, result: HostileLoadResult, sockets: Set<Socket>, timers: Set<NodeJS.Timeout>): void {
  const kinds: readonly StreamKind[] = ['partialHead', 'garbage', 'slowloris', 'bodyNeverComes', 'silent', 'hugeHead'];
  const kind = kinds[i % kinds.length] as StreamKind;
  const valid = seedRequest(i % 2 === 0 ? 'INVITE' : 'SIPREC', 1_000_000 + i, o.host, o.port, 5999, 'TCP');
  const garbage = Buffer.alloc(2000 + Math.floor(rand() * 30_000));
  for (let k = 0; k < garbage.length; k++) garbage[k] = Math.floor(rand() * 256);
  const s = connect({ host: o.host, port: o.port });
  sockets.add(s);
  let connected = false;
  s.on('error', () => {
    if (!connected) result.connectErrors++;
  });
  s.on('data', () => undefined);
  s.on('close', () => {
    if (sockets.delete(s)) result.connectionsClosedByPeer++;
  });
  s.once('connect', () => {
    connected = true;
    result.connectionsOpened++;
    const head = valid.slice(0, valid.indexOf('\r\n\r\n') + 4);
    switch (kind) {
      case 'partialHead':
        s.write(head.slice(0, Math.floor(head.length / 2)));
        break;
      case 'garbage':
        s.write(garbage);
        break;
      case 'hugeHead':
        // a head that keeps growing without ever ending: up to the peer's buffer limit
        s.write(`${head.slice(0, head.indexOf('\r\n') + 2)}X-Long: ${'B'.repeat(60_000)}`);
        break;
      case 'bodyNeverComes':
        s.write(`${head.replace(/Content-Length: \d+/, 'Content-Length: 60000')}${'C'.repeat(1000)}`);
        break;
      case 'slowloris': {
        let at = 0;
        const t = setInterval(() => {
          if (s.destroyed || at >= head.length - 2) return;
          s.write(head.slice(at, at + 1));
          at++;
        }, 400);
        timers.add(t);
        break;
      }
      case 'silent':
        break;
    }
  });
}

/**
 * Sends the datagrams (paced) while opening the connections, resolves when every datagram is
 * sent and `connectionHoldMs` has passed since the first connection, then destroys the
 * connections still open.
 */
export async function sendHostileLoad(o: HostileLoadOptions): Promise<HostileLoadResult> {
  const result: HostileLoadResult = { datagramsSent: 0, responsesReceived: 0, answersByStatus: new Map(), connectionsOpened: 0, connectionsClosedByPeer: 0, connectErrors: 0 };
  const rand = prng(o.seed);
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (m: Buffer) => {
    result.responsesReceived++;
    const text = m.toString('latin1', 0, Math.min(m.length, 4096));
    const method = /\r\n(?:CSeq|cseq|CSEQ): *\d+ +([A-Za-z]+)/.exec(text)?.[1] ?? '?';
    const key = `${text.slice(8, 11)} ${method}`;
    result.answersByStatus.set(key, (result.answersByStatus.get(key) ?? 0) + 1);
  });
  udp.on('error', () => undefined);
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const viaPort = udp.address().port;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const started = Date.now();
  // connections first, spread over the first second, so they are held while the datagrams fly
  for (let i = 0; i < o.connections; i++) {
    startStream(rand, i, o, result, sockets, timers);
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 50));
  }
  for (let n = 0; n < o.datagrams; ) {
    for (let k = 0; k < o.datagramsPerTick && n < o.datagrams; k++, n++) {
      udp.send(mutatedDatagram(rand, n, o.host, o.port, viaPort), o.port, o.host);
      result.datagramsSent++;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const left = o.connectionHoldMs - (Date.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  for (const t of timers) clearInterval(t);
  for (const s of [...sockets]) {
    sockets.delete(s);
    s.destroy();
  }
  udp.close();
  return result;
}
