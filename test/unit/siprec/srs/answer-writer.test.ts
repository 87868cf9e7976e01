// The SRS's plain answer is written directly (issue 15, set-up CPU): it must be the very text the
// general sdp-transform path writes for the same plan, and the general path must still serve
// MSRP, SRTP and fmtp.
import t from 'tap';
import { parseSdp, writeSdp } from '../../../../lib/message/index.js';
import { answerSession, buildAnswer, planOffer, type LocalMedia, type MediaPolicy } from '../../../../lib/siprec/srs/media-plan.js';
import { writePlainAnswer } from '../../../../lib/siprec/srs/answer-writer.js';

const all: MediaPolicy = { wavCodecs: ['PCMU', 'PCMA'], kinds: ['audio', 'video', 'text', 'message'], msrp: true };
const head = ['v=0', 'o=src 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
const sdp = (lines: string[]) => [...head, ...lines, ''].join('\r\n');

const plain: { name: string; offer: string; local: Map<number, LocalMedia>; address: string; policy?: MediaPolicy }[] = [
  {
    name: 'two G.711 streams (the set-up bench)',
    offer: sdp(['m=audio 30000 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtcp:30001', 'a=sendonly', 'a=label:1',
      'm=audio 30002 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtcp:30003', 'a=sendonly', 'a=label:2']),
    local: new Map([[0, { port: 40000 }], [1, { port: 40002 }]]), address: '127.0.0.1',
  },
  {
    name: 'paused, unlabelled, a removed and an unknown m-line, IPv6',
    offer: sdp(['m=audio 30000 RTP/AVP 8', 'a=inactive', 'm=audio 0 RTP/AVP 0', 'a=label:2', 'm=application 30012 UDP/BFCP *', 'a=label:7', 'a=sendonly']),
    local: new Map([[0, { port: 40000 }]]), address: '::1',
  },
  {
    name: 'raw video without fmtp',
    offer: sdp(['m=video 30004 RTP/AVPF 96 97', 'a=rtpmap:96 H264/90000', 'a=rtpmap:97 VP8/90000', 'a=label:3', 'a=sendonly']),
    local: new Map([[0, { port: 40004 }]]), address: '192.0.2.7',
  },
  {
    name: 'a stream with no local port',
    offer: sdp(['m=audio 30000 RTP/AVP 0', 'a=label:1', 'a=sendonly', 'm=audio 30002 RTP/AVP 0', 'a=label:2', 'a=sendonly']),
    local: new Map([[1, { port: 40002 }]]), address: '127.0.0.1',
  },
];

for (const c of plain) {
  t.test(c.name, async (t) => {
    const plan = planOffer(c.offer, c.policy ?? all);
    const o = { address: c.address, sessionId: 77, version: 3 };
    const direct = writePlainAnswer(plan, c.local, o);
    t.type(direct, 'string', 'written directly');
    t.equal(direct, writeSdp(answerSession(plan, c.local, o)), 'same text as the general path');
    t.equal(buildAnswer(plan, c.local, o), direct);
    t.equal(parseSdp(direct!).media.length, plan.streams.length, 'one m-line per offered m-line');
  });
}

t.test('MSRP, SRTP and fmtp take the general path', async (t) => {
  const cases = [
    sdp(['m=message 30008 TCP/MSRP *', 'a=accept-types:text/plain', 'a=path:msrp://127.0.0.1:30008/abc;tcp', 'a=label:5', 'a=sendonly']),
    sdp(['m=audio 30002 RTP/AVP 111', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 useinbandfec=1', 'a=label:2', 'a=sendonly']),
  ];
  for (const offer of cases) {
    const plan = planOffer(offer, all);
    const local = new Map([[0, { port: 40008, msrpPath: 'msrp://127.0.0.1:40008/xyz;tcp' }]]);
    const o = { address: '127.0.0.1', sessionId: 1, version: 1 };
    t.equal(writePlainAnswer(plan, local, o), undefined);
    t.equal(buildAnswer(plan, local, o), writeSdp(answerSession(plan, local, o)));
  }
});
