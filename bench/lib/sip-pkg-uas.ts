/**
 * The npm `sip` package (the peer the parser benches compare against) as an answering UAS, for
 * bench/uas.bench.ts: another Node SIP stack under the same SIPp load as tsip, so the uas bench
 * can say where tsip stands among Node stacks and not only against C (Kamailio, SIPp) and the bare
 * I/O floor. It answers `sipp -sn uac` as tsip's samples/uas does: 200 (To tag, Contact) to each
 * INVITE, 200 to each BYE, nothing to an ACK; the package keeps its own transactions (RFC 3261
 * §17), so retransmissions are absorbed by it as by tsip.
 *
 *   node sip-pkg-uas.js PORT      (UDP and TCP on 127.0.0.1:PORT; SIGTERM ends it)
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

interface SipPkgMessage {
  method?: string;
  headers: { to: { params: Record<string, string | null> }; contact?: Array<{ uri: string }> };
}
interface SipPkg {
  start(options: Record<string, unknown>, onRequest: (rq: SipPkgMessage) => void): void;
  makeResponse(rq: SipPkgMessage, status: number, reason: string): SipPkgMessage;
  send(m: SipPkgMessage): void;
}

const port = Number(process.argv[2]);
if (!(port > 0)) throw new Error('usage: node sip-pkg-uas.js PORT');
const sip = createRequire(import.meta.url)('sip') as SipPkg;

sip.start({ port, address: '127.0.0.1', publicAddress: '127.0.0.1', udp: true, tcp: true, logger: {} }, (rq) => {
  if (rq.method === 'ACK') return;
  const rs = sip.makeResponse(rq, 200, 'OK');
  if (rq.method === 'INVITE') {
    // RFC 3261 §8.2.6.2: a To tag on the response that creates the dialog; §12.1.1: a Contact
    rs.headers.to.params.tag = randomBytes(6).toString('hex');
    rs.headers.contact = [{ uri: `sip:uas@127.0.0.1:${port}` }];
  }
  sip.send(rs);
});
process.on('SIGTERM', () => process.exit(0));
