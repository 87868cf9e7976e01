/**
 * Is an incoming INVITE a recording session? RFC 7866 §6.2: the SRS treats an INVITE as a
 * recording session only when it has BOTH `Require: siprec` and the `+sip.src` feature tag on the
 * Contact; anything else is an ordinary call, which this SRS does not take.
 */
import { parseNameAddr } from '../../message/index.js';

/** The header access classification needs (a MessageElementsView has it). */
export interface HeaderSource {
  /** Every value of a header, list headers split on commas. */
  headerValues(name: string): string[];
}

/** Outcome of {@link classifyRecordingInvite}. */
export type InviteClass =
  | { siprec: true }
  | { siprec: false; status: number; reason: string; missing: 'require' | 'src-feature-tag' };

/** True when a Contact value carries the media feature tag `tag` (e.g. `+sip.src`). */
export function contactHasFeatureTag(values: readonly string[], tag: string): boolean {
  const want = tag.toLowerCase();
  for (const v of values) {
    try {
      if (parseNameAddr(v).params.has(want)) return true;
    } catch {
      // A Contact we cannot parse carries no usable feature tag.
    }
  }
  return false;
}

/** Classifies an INVITE per RFC 7866 §6.2. */
export function classifyRecordingInvite(h: HeaderSource): InviteClass {
  const require = h.headerValues('Require').map((t) => t.trim().toLowerCase());
  const src = contactHasFeatureTag(h.headerValues('Contact'), '+sip.src');
  // NOTE (deviation): RFC 7866 §6.2 only says a non-SIPREC INVITE is handled as a normal call; an
  // SRS has no normal calls, so it refuses it with 488 (the body is not a recording session).
  if (!require.includes('siprec')) {
    return { siprec: false, status: 488, reason: 'Not a recording session (Require: siprec missing)', missing: 'require' };
  }
  if (!src) {
    return { siprec: false, status: 488, reason: 'Not a recording session (+sip.src missing)', missing: 'src-feature-tag' };
  }
  return { siprec: true };
}
