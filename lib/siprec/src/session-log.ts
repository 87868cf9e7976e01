/**
 * The NG9-1-1 side of one recording session (NENA-STA-010.3, seed 000): a
 * CallSignalingMessageLogEvent for each SIP message of the RS, and the recording call and media
 * start/end events. Every call is a no-op without a logger.
 */
import type { RequestElementsView, ResponseElementsView } from '../../../include-types/api.js';
import type { CallParams } from '../../../include-types/siprec.js';
import type { ClientTransaction } from '../common/api.js';
import type { LoggedCall, Ng911Logger } from '../ng911/index.js';
import { requestText, responseText } from './sip-text.js';

/** Log events of one recording session. */
export class SessionLog {
  private readonly logged: LoggedCall;

  constructor(private readonly ng911: Ng911Logger | undefined, call: CallParams) {
    this.logged = { callIdSip: call.callId, direction: call.direction ?? 'incoming',
      ...(call.emergencyCallId ? { callId: call.emergencyCallId } : {}), ...(call.emergencyIncidentId ? { incidentId: call.emergencyIncidentId } : {}) };
  }

  /** A request we sent. */
  sent(tx: ClientTransaction): void {
    this.ng911?.signaling(this.logged, requestText(tx.requestElements), 'outgoing');
  }

  /** The final response to a request we sent. */
  answered(tx: ClientTransaction): void {
    const r = tx.responseElements;
    if (r) this.ng911?.signaling(this.logged, responseText(r), 'incoming');
  }

  /** A request the SRS sent. */
  got(r: RequestElementsView & { callId?: string; cseq?: { seq: number; method: string } }): void {
    this.ng911?.signaling(this.logged, requestText(r), 'incoming');
  }

  /** A response we sent. */
  replied(r: ResponseElementsView): void {
    this.ng911?.signaling(this.logged, responseText(r), 'outgoing');
  }

  /** The RS was established with these streams recorded (answer text for RecMediaStart). */
  started(labels: string[], answerText: string): void {
    if (!this.ng911) return;
    this.ng911.callStart(this.logged);
    this.ng911.mediaStart(this.logged, labels, answerText);
  }

  /** The RS ended. */
  ended(labels: string[]): void {
    if (!this.ng911) return;
    this.ng911.mediaEnd(this.logged, labels);
    this.ng911.callEnd(this.logged);
  }
}
