/**
 * The SRC's NG9-1-1 logger: builds the recording log events of a call and hands each to every
 * configured Logging Service, and to a listener (SrcManager turns it into its `logEvent` event).
 */
import type { Clock } from '../../../include-types/settings.js';
import type { LogEventEmitted, Ng911Settings } from '../../../include-types/siprec.js';
import { LogEventClient, type DeliveryReport } from './client.js';
import {
  recCallEvent, recMediaEnd, recMediaStart, signalingEvent, type CallContext, type SrcLogEvent,
} from './log-events.js';

/** What a call's events need besides the settings. */
export interface LoggedCall {
  callIdSip: string;
  callId?: string;
  incidentId?: string;
  direction: 'incoming' | 'outgoing';
  ipAddressPort?: string;
}

/** Builds and sends the SRC's log events. */
export class Ng911Logger {
  /** One client per server. */
  readonly clients: LogEventClient[];

  /**
   * @param settings - element/agency ids, servers, signing key
   * @param onEvent - told of every event built
   * @param onReport - told of every delivery outcome
   * @param clock - time source of the retries and request timeouts (default: real time)
   */
  constructor(
    private readonly settings: Ng911Settings,
    private readonly onEvent: (e: LogEventEmitted) => void,
    onReport?: (r: DeliveryReport) => void,
    clock?: Clock,
  ) {
    this.clients = settings.servers.map((s) => new LogEventClient(s, settings.signing, clock ? { clock } : {}));
    if (onReport) for (const c of this.clients) { c.on('delivered', onReport); c.on('failed', onReport); }
  }

  /** True when SIP messages are logged. */
  get logsSignaling(): boolean {
    return this.settings.logSignaling ?? true;
  }

  private ctx(call: LoggedCall): CallContext {
    return {
      elementId: this.settings.elementId, agencyId: this.settings.agencyId, callIdSip: call.callIdSip,
      ...(call.callId !== undefined ? { callId: call.callId } : {}),
      ...(call.incidentId !== undefined ? { incidentId: call.incidentId } : {}),
      ...(call.ipAddressPort !== undefined ? { ipAddressPort: call.ipAddressPort } : {}),
    };
  }

  private emitEvent(e: SrcLogEvent, callId: string): void {
    for (const c of this.clients) c.send(e);
    this.onEvent({ logEventType: e.logEventType, event: e as unknown as Record<string, unknown>, callId });
  }

  /** RecCallStartLogEvent. */
  callStart(call: LoggedCall): void {
    this.emitEvent(recCallEvent('start', this.ctx(call), call.direction), call.callIdSip);
  }

  /** RecCallEndLogEvent. */
  callEnd(call: LoggedCall): void {
    this.emitEvent(recCallEvent('end', this.ctx(call), call.direction), call.callIdSip);
  }

  /** RecMediaStartLogEvent for each label, with its SDP. */
  mediaStart(call: LoggedCall, labels: string[], sdp: string): void {
    this.emitEvent(recMediaStart(this.ctx(call), labels, sdp), call.callIdSip);
  }

  /** RecMediaEndLogEvent. */
  mediaEnd(call: LoggedCall, labels: string[]): void {
    this.emitEvent(recMediaEnd(this.ctx(call), labels), call.callIdSip);
  }

  /** CallSignalingMessageLogEvent (when enabled). */
  signaling(call: LoggedCall, text: string, direction: 'incoming' | 'outgoing'): void {
    if (!this.logsSignaling) return;
    this.emitEvent(signalingEvent(this.ctx(call), text, direction), call.callIdSip);
  }

  /** Waits for the queues to empty (bounded). */
  async drain(timeoutMs = 5000): Promise<void> {
    await Promise.all(this.clients.map((c) => c.drain(timeoutMs)));
  }

  /** Stops every client. */
  close(): void {
    for (const c of this.clients) c.close();
  }
}
