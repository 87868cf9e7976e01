/**
 * TransportLimits.udpReceiveBufferSize and stats().transport.udpKernelDrops: the receive buffer
 * asked for each UDP socket, the warning when the OS grants less, and the datagrams the OS drops
 * when that buffer is full (Linux: /proc/net/udp and udp6).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { endianness } from 'node:os';
import { procAddress, udpKernelDrops } from '../../../lib/transport/udp-kernel-drops.js';
import { iap, sleep, startLayer } from './fixtures.js';

const linux = process.platform === 'linux';

t.test('procAddress writes the address as /proc/net/udp does (words in host order, port in hex)', async (t) => {
  const le = endianness() === 'LE';
  t.equal(procAddress({ family: 4, address: '127.0.0.1', port: 5060 }), le ? '0100007F:13C4' : '7F000001:13C4');
  t.equal(procAddress({ family: 4, address: '0.0.0.0', port: 5 }), '00000000:0005');
  t.equal(procAddress({ family: 6, address: '::1', port: 5060 }), le ? '00000000000000000000000001000000:13C4' : '00000000000000000000000000000001:13C4');
  t.equal(procAddress({ family: 6, address: '[2001:db8::a]', port: 65535 }), le ? 'B80D012000000000000000000A000000:FFFF' : '20010DB800000000000000000000000A:FFFF');
  t.equal(procAddress({ family: 4, address: 'example.com', port: 1 }), undefined, 'a name is no table row');
});

t.test('udpKernelDrops sums the drops column of our sockets only; undefined without the table', async (t) => {
  const ours = { family: 4 as const, address: '127.0.0.1', port: 5060 };
  const row = (sl: number, local: string, drops: number): string =>
    `  ${sl}: ${local} 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 ${1000 + sl} 2 0000000000000000 ${drops}`;
  const header = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
  const udp = [header, row(1, procAddress(ours) as string, 17), row(2, procAddress({ ...ours, port: 5061 }) as string, 99), ''].join('\n');
  t.equal(udpKernelDrops([ours], { udp, udp6: undefined }), 17, 'another socket on the host is not counted');
  t.equal(udpKernelDrops([ours, { ...ours, port: 5061 }], { udp, udp6: undefined }), 116, 'summed over our sockets');
  t.equal(udpKernelDrops([{ ...ours, port: 7 }], { udp, udp6: undefined }), 0, 'a socket not listed (closed meanwhile) counts 0');
  t.equal(udpKernelDrops([ours], { udp: undefined, udp6: undefined }), undefined, 'no table: the OS does not tell');
  t.equal(udpKernelDrops([{ family: 6, address: '::1', port: 5060 }], { udp, udp6: undefined }), undefined, 'IPv6 needs udp6');
  t.equal(udpKernelDrops([], { udp, udp6: undefined }), undefined, 'no UDP socket');
});

for (const host of ['127.0.0.1', '::1']) {
  t.test(`datagrams the OS drops on a full receive buffer are counted (${host})`, async (t) => {
    // the smallest buffer the OS allows, so a burst sent while the event loop is busy overflows it
    const { layer, port } = await startLayer(t, { iaps: [iap('a', host, ['udp'])], limits: { udpReceiveBufferSize: 1 } });
    if (!linux) {
      t.equal(layer.stats().udpKernelDrops, undefined, 'only Linux tells');
      return;
    }
    t.equal(layer.stats().udpKernelDrops, 0, 'nothing dropped yet');
    const sender = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    t.teardown(() => new Promise<void>((resolve) => sender.close(() => resolve())));
    await new Promise<void>((resolve) => sender.connect(port('udp'), host, resolve));
    const keepAlive = Buffer.from('\r\n\r\n'); // counted as a datagram in, no message
    const sent = 400;
    // a connected socket sends at once: the whole burst arrives before the layer reads any of it
    for (let i = 0; i < sent; i++) sender.send(keepAlive);
    let seen = -1;
    for (let i = 0; i < 100 && layer.stats().datagramsIn !== seen; i++) {
      seen = layer.stats().datagramsIn;
      await sleep(20);
    }
    const s = layer.stats();
    t.ok((s.udpKernelDrops ?? 0) > 0, `the OS dropped some of the burst (${s.udpKernelDrops}, ${s.datagramsIn} read)`);
    t.equal(s.datagramsIn + (s.udpKernelDrops ?? 0), sent, 'every datagram was read or counted as dropped');
  });
}

t.test('a receive buffer the OS caps is reported with a warning; 0 keeps the OS default', { skip: !linux && 'the cap is read from Linux sysctls' }, async (t) => {
  const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  const warned: Array<{ msg: string; data?: Record<string, unknown> }> = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (msg: string, data?: Record<string, unknown>) => void warned.push({ msg, data }) };
  await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp'])], limits: { udpReceiveBufferSize: rmemMax * 2 }, logger });
  t.equal(warned.length, 1, 'one warning for the one socket');
  t.match(warned[0].msg, /less receive buffer than udpReceiveBufferSize asked.*rmem_max/);
  t.match(warned[0].data, { iapId: 'a', asked: rmemMax * 2, granted: rmemMax });

  warned.length = 0;
  const dflt = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])], limits: { udpReceiveBufferSize: 0 }, logger });
  await startLayer(t, { iaps: [iap('c', '127.0.0.1', ['udp'])], limits: { udpReceiveBufferSize: Math.min(rmemMax, 65536) }, logger });
  t.same(warned, [], 'no warning for the OS default, nor for a size within the cap');
  t.equal(dflt.layer.stats().udpKernelDrops, 0);
});
