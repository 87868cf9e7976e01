// The SRC's offer is written directly for plain RTP streams (issue 15, set-up CPU): it must be
// the very text sdp-transform writes for the same model, in every variant the SRC offers.
import t from 'tap';
import { buildOfferSdp, offerSession, type OfferOptions, type OfferStream } from '../../../../lib/siprec/body/offer.js';
import { parseSdp, writeSdp } from '../../../../lib/message/index.js';

const cases: { name: string; streams: OfferStream[]; opts: OfferOptions }[] = [
  { name: 'two audio streams', streams: [{ label: '1', port: 30000 }, { label: '2', port: 30002 }], opts: { address: '127.0.0.1', sessionId: 42, version: 1 } },
  { name: 'paused, IPv6, removed stream', streams: [{ label: '1', port: 30000 }, { label: '2', port: 0 }], opts: { address: '::1', sessionId: 9007199254740991, version: 7, paused: true } },
  { name: 'text and video', streams: [{ label: 't', port: 4000, media: 'text' }, { label: 'v', port: 5000, media: 'video', codecs: [{ payloadType: 96, name: 'H264', clockRate: 90000 }] }], opts: { address: '192.0.2.1', sessionId: 1, version: 2 } },
  { name: 'custom audio codecs', streams: [{ label: 'a', port: 6000, codecs: [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }, { payloadType: 101, name: 'telephone-event', clockRate: 8000 }] }], opts: { address: '10.0.0.1', sessionId: 3, version: 3 } },
  { name: 'no stream', streams: [], opts: { address: '127.0.0.1', sessionId: 5, version: 1 } },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const fast = buildOfferSdp(c.streams, c.opts);
    t.equal(fast, writeSdp(offerSession(c.streams, c.opts)), 'same text as the sdp-transform writer');
    const parsed = parseSdp(fast);
    t.equal(parsed.media.length, c.streams.length);
    parsed.media.forEach((m, i) => {
      t.equal(String(m.label), c.streams[i]!.label);
      t.equal(m.direction, c.opts.paused ? 'inactive' : 'sendonly');
      t.equal(m.port, c.streams[i]!.port);
    });
  });
}
