import t from 'tap';
import { rtcpIntervalMs } from '../../../lib/siprec/media/index.js';

const base = { members: 2, senders: 1, rtcpBandwidth: 400, weSent: true, avgRtcpSize: 100, initial: false };

t.test('two-party call: the 5 s minimum, randomised and compensated', async (t) => {
  t.equal(rtcpIntervalMs({ ...base, random: () => 0.5 }), (5 / (Math.E - 1.5)) * 1000);
  const lo = rtcpIntervalMs({ ...base, random: () => 0 });
  const hi = rtcpIntervalMs({ ...base, random: () => 0.999999 });
  t.ok(Math.abs(lo - (2.5 / (Math.E - 1.5)) * 1000) < 1e-6, 'lower bound 0.5 × T');
  t.ok(hi < (7.5 / (Math.E - 1.5)) * 1000 && hi > (7.49 / (Math.E - 1.5)) * 1000, 'upper bound 1.5 × T');
  t.equal(rtcpIntervalMs({ ...base, initial: true, random: () => 0.5 }), (2.5 / (Math.E - 1.5)) * 1000, 'halved before the first report');
});

t.test('large sessions scale with members and bandwidth; senders share a quarter', async (t) => {
  const many = { members: 1000, senders: 10, rtcpBandwidth: 1000, avgRtcpSize: 100, initial: false, random: () => 0.5 };
  const receiver = rtcpIntervalMs({ ...many, weSent: false });
  const sender = rtcpIntervalMs({ ...many, weSent: true });
  t.equal(receiver, ((100 * 990) / 750 / (Math.E - 1.5)) * 1000, 'receivers: 75 % of the bandwidth for 990 members');
  t.equal(sender, 5 / (Math.E - 1.5) * 1000, 'senders: 25 % for 10 members, still at the minimum');
  const noBw = rtcpIntervalMs({ ...base, rtcpBandwidth: 0, random: () => 0.5 });
  t.equal(noBw, (5 / (Math.E - 1.5)) * 1000, 'no bandwidth figure: the minimum');
  const defaultRandom = rtcpIntervalMs(base);
  t.ok(defaultRandom >= 2500 / (Math.E - 1.5) && defaultRandom <= 7500 / (Math.E - 1.5));
});
