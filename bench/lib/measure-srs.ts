/**
 * How many SIPREC recording sessions per second an SRS sustains, measured like a UAS
 * ({@link measureUas}) but with SIPp playing the SRC: test/interop/scenarios/src-uac.xml sends the
 * RFC 7866 INVITE (multipart/mixed: two labelled sendonly streams + RFC 7865 metadata), expects
 * 200 with +sip.srs and recvonly streams, ACKs, holds the session 1 s, sends BYE.
 *
 * Because each session is held for a second, the offered rate is also the number of sessions in
 * progress at once, so the figure covers session set-up and the SRS's per-session state. No RTP is
 * sent (SIPp's src-uac carries signalling only); media load is a separate question.
 */
import { scenarioPath } from '../../test/interop/lib/paths.js';
import { measureUas, type MeasureUasOptions, type UasMeasurement } from './measure-uas.js';
import type { UasTarget } from './sipp-load.js';

/** Default ladder for an SRS: recording sessions are heavier than plain calls. */
export const DEFAULT_SRS_RATES: readonly number[] = [50, 100, 200, 400, 800];

/** Runs the SIPREC load ladder against the SRS at `target`. */
export async function measureSrs(target: UasTarget, opts: MeasureUasOptions): Promise<UasMeasurement> {
  return measureUas(target, {
    rates: DEFAULT_SRS_RATES,
    ...opts,
    scenario: opts.scenario ?? scenarioPath('src-uac.xml'),
  });
}
