/**
 * The SRS's recvonly answer written directly when every m-line is plain (issue 15, set-up CPU):
 * recorded RTP streams without SRTP or fmtp, and refused m-lines. The text is line for line what
 * the general path (sdp-transform's writer over {@link answerSession}'s model) writes; anything
 * else (MSRP, SRTP, fmtp) returns undefined and takes the general path.
 */
import type { LocalMedia, MediaPlan, SdpOptions } from './media-plan.js';

/** The answer text, or undefined when an m-line needs the general writer. */
export function writePlainAnswer(plan: MediaPlan, local: ReadonlyMap<number, LocalMedia>, o: SdpOptions): string | undefined {
  const v = o.address.includes(':') ? 6 : 4;
  let text = `v=0\r\no=tsip-srs ${o.sessionId} ${o.version} IN IP${v} ${o.address}\r\ns=SIP Recording\r\nc=IN IP${v} ${o.address}\r\nt=0 0\r\n`;
  for (let i = 0; i < plan.streams.length; i++) {
    const s = plan.streams[i]!;
    const om = plan.session.media[i]!;
    if (typeof om.type !== 'string' || typeof om.protocol !== 'string' || om.type === '' || om.protocol === '') return undefined;
    const at = local.get(i);
    if (at === undefined || s.store === undefined) {
      // RFC 3264 §6: a refused stream keeps its m-line with port 0 and the offered formats.
      const payloads = String(om.payloads ?? '0');
      if (payloads === '') return undefined;
      text += `m=${om.type} 0 ${om.protocol} ${payloads}\r\n`;
      continue;
    }
    if (s.store === 'msrp' || s.srtp !== undefined || s.fmtp.length > 0 || s.formats.length === 0) return undefined;
    let pts = '';
    let maps = '';
    for (const f of s.formats) {
      pts += ` ${f.payloadType}`;
      maps += `a=rtpmap:${f.payloadType} ${f.name}/${f.clockRate}\r\n`;
    }
    // RFC 7866 §7.2: the SRS only receives; while the SRC pauses (inactive) it answers inactive.
    const direction = s.direction === 'inactive' ? 'inactive' : 'recvonly';
    text += `m=${om.type} ${at.port} ${om.protocol}${pts}\r\n${maps}a=rtcp:${at.port + 1}\r\na=${direction}\r\n${s.labelled ? `a=label:${s.label}\r\n` : ''}`;
  }
  return text;
}
