/**
 * RTCP transmission interval (RFC 3550 §6.3.1 and Appendix A.7): how long to
 * wait before the next compound RTCP packet, given the session's members,
 * senders and bandwidth, randomised to avoid synchronised bursts.
 */

/** Inputs of {@link rtcpIntervalMs}. */
export interface RtcpIntervalInput {
  /** Members of the session (including us). */
  members: number;
  /** Members that sent RTP recently (including us if we did). */
  senders: number;
  /** RTCP bandwidth in octets per second (RFC 3550: 5 % of the session bandwidth). */
  rtcpBandwidth: number;
  /** True when we sent RTP since the last report. */
  weSent: boolean;
  /** Average compound RTCP packet size in octets, including UDP/IP headers. */
  avgRtcpSize: number;
  /** True before the first RTCP packet (the minimum is halved). */
  initial: boolean;
  /** Random number in [0, 1) (default Math.random), injectable for tests. */
  random?: () => number;
}

/** RFC 3550 §6.2: minimum interval. */
const RTCP_MIN_TIME_S = 5;
/** Share of RTCP bandwidth for senders when they are few. */
const SENDER_FRACTION = 0.25;
/** e - 3/2: compensates "timer reconsideration" converging low (A.7). */
const COMPENSATION = Math.E - 1.5;

/** The next RTCP interval in milliseconds (RFC 3550 A.7 `rtcp_interval`). */
export function rtcpIntervalMs(i: RtcpIntervalInput): number {
  const minTime = i.initial ? RTCP_MIN_TIME_S / 2 : RTCP_MIN_TIME_S;
  let n = Math.max(1, i.members);
  let bandwidth = i.rtcpBandwidth;
  // Senders get a quarter of the RTCP bandwidth when they are at most a quarter of the members.
  if (i.senders > 0 && i.senders <= i.members * SENDER_FRACTION) {
    if (i.weSent) {
      bandwidth *= SENDER_FRACTION;
      n = i.senders;
    } else {
      bandwidth *= 1 - SENDER_FRACTION;
      n -= i.senders;
    }
  }
  let t = bandwidth > 0 ? (i.avgRtcpSize * n) / bandwidth : minTime;
  if (t < minTime) t = minTime;
  // Randomise to [0.5, 1.5] × t, then compensate.
  const r = (i.random ?? Math.random)();
  return ((t * (r + 0.5)) / COMPENSATION) * 1000;
}
