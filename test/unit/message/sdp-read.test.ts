// parseSdp reads the common line kinds without sdp-transform (issue 15, lib/message/sdp-read.ts):
// for every text it must give exactly what sdp-transform gives (parseSdpFully), or the same error,
// and it must actually take the fast path for what the SRC offers and the SRS answers.
import t from 'tap';
import { readCommonSdp } from '../../../lib/message/sdp-read.js';
import { parseSdp, parseSdpFully } from '../../../lib/message/sdp.js';
import { buildOfferSdp } from '../../../lib/siprec/body/offer.js';
import { buildAnswer, planOffer } from '../../../lib/siprec/srs/media-plan.js';

const offer2 = buildOfferSdp([{ label: '1', port: 30000 }, { label: '2', port: 30002 }], { address: '127.0.0.1', sessionId: 42, version: 1 });
const policy = { wavCodecs: ['PCMU', 'PCMA'], kinds: ['audio', 'video', 'text', 'message'] as const, msrp: false };
const answer2 = buildAnswer(planOffer(offer2, { ...policy, kinds: [...policy.kinds] }), new Map([[0, { port: 20000 }], [1, { port: 20002 }]]), { address: '127.0.0.1', sessionId: 7, version: 1 });

/** Texts the fast path must take (and read exactly as sdp-transform). */
const fast: Record<string, string> = {
  'SRC offer, two labelled audio streams': offer2,
  'SRC offer paused, IPv6, a removed stream': buildOfferSdp([{ label: '1', port: 30000 }, { label: '2', port: 0 }], { address: '::1', sessionId: 9007199254740991, version: 7, paused: true }),
  'SRC offer, text and video': buildOfferSdp([{ label: 't', port: 4000, media: 'text' }, { label: 'v', port: 5000, media: 'video', codecs: [{ payloadType: 96, name: 'H264', clockRate: 90000 }] }], { address: '192.0.2.1', sessionId: 1, version: 2 }),
  'SRS answer': answer2,
  'phone-style offer: ptime, telephone-event fmtp, session direction, LF line ends':
    'v=0\no=- 123456789012345678901 2 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\na=sendrecv\nm=audio 4000 RTP/AVP 0 8 101\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=ptime:20\na=rtcp:4001 IN IP4 10.0.0.2\n',
  'per-media c=, rtpmap with channels, label not a number, leading-zero port':
    'v=0\r\no=alice 1 1 IN IP6 ::1\r\ns=Rec Session\r\nt=0 0\r\nm=audio 030000 RTP/AVP 96\r\nc=IN IP6 ::1\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 minptime=10;useinbandfec=1\r\na=label:caller-leg\r\na=recvonly\r\n',
  'no media': 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n',
};

/** Texts it must hand to sdp-transform (and so read exactly as it does). */
const fallback: Record<string, string> = {
  'a=crypto (SRTP)': offer2.replace('a=sendonly', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\na=sendonly'),
  'b= line': offer2.replace('t=0 0', 'b=AS:64\r\nt=0 0'),
  'multicast c= with TTL': offer2.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 224.2.1.1/127'),
  'repeated a=label': offer2.replace('a=label:1', 'a=label:1\r\na=label:9'),
  'unknown attribute': offer2.replace('a=label:1', 'a=label:1\r\na=mid:audio0'),
  'lone CR line ends': offer2.replace(/\r\n/g, '\r'),
  'tab in fmtp': offer2.replace('a=label:1', 'a=fmtp:0 a=1\tb=2\r\na=label:1'),
  'm= with a port count': offer2.replace('m=audio 30000 RTP/AVP', 'm=audio 30000/2 RTP/AVP'),
  'direction with trailing text': offer2.replace('a=sendonly', 'a=sendonlyx'),
  'leading white space': '  ' + offer2,
};

for (const [name, sdp] of Object.entries(fast)) {
  t.test(`fast: ${name}`, async (t) => {
    const read = readCommonSdp(sdp);
    t.ok(read !== undefined, 'read without sdp-transform');
    t.strictSame(read, parseSdpFully(sdp), 'same object as sdp-transform');
    t.strictSame(parseSdp(Buffer.from(sdp)), parseSdpFully(sdp), 'parseSdp, from a Buffer too');
  });
}

for (const [name, sdp] of Object.entries(fallback)) {
  t.test(`fallback: ${name}`, async (t) => {
    t.equal(readCommonSdp(sdp), undefined, 'left to sdp-transform');
    t.strictSame(parseSdp(sdp), parseSdpFully(sdp), 'parseSdp: same object as sdp-transform');
  });
}

t.test('the same 488 for what does not parse', async (t) => {
  for (const bad of ['not sdp', 'v=0\r\ns=no origin\r\nt=0 0\r\n', '']) {
    let fastErr: unknown;
    let slowErr: unknown;
    try { parseSdp(bad); } catch (e) { fastErr = e; }
    try { parseSdpFully(bad); } catch (e) { slowErr = e; }
    t.ok(slowErr instanceof Error, `sdp-transform's path refuses ${JSON.stringify(bad)}`);
    t.strictSame((fastErr as { message?: string }).message, (slowErr as Error).message);
    t.equal((fastErr as { status?: number }).status, 488);
  }
});
