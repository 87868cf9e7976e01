/**
 * The start of a recording session the SRC offers (RFC 7866 §6.1): the entry's SRS URIs tried in
 * order, one INVITE dialog each; a URI keep-alive marks down is skipped (attempt `Down`).
 *
 * A final non-2xx, Timer B, a transport error, or no final answer within `inviteTimeoutMs` (then
 * CANCEL) moves to the next URI; a timeout or transport error also marks the URI down. A 422 is
 * tried once more on the same SRS with its Min-SE (RFC 4028 §7.4). A code `skipFailoverCodes`
 * matches ends with `Rejected`. A 2xx whose answer refuses every stream gets BYE and fails over
 * (last URI: `NoStreamsAccepted`). None left: `AllSrsFailed`. Every try goes into the attempts.
 * An accepted 2xx is ACKed, its answer read onto the fork, and (RFC 4028 §7.2) the refresh armed.
 */
import { SipErrorCode } from '../../../include-types/errors.js';
import type { TimerHandle } from '../../../include-types/settings.js';
import { RecordingEndReason, SrsAttemptOutcome } from '../../../include-types/siprec.js';
import { InviteDialogAssoc, type ClientTransaction } from '../common/api.js';
import { SessionState, type SessionCore } from './session-core.js';
import { entryTimerPolicy, sessionElements, sessionHeaders } from './session-offer.js';
import { allowsUpdate } from './session-requests.js';

/** What the start uses of its session. */
export type StartingSession = Pick<SessionCore,
  'host' | 'call' | 'meta' | 'log' | 'requests' | 'attempts' | 'state' | 'paused' | 'assoc' | 'stopRequested' | 'lastStatus' | 'srs' |
  'route' | 'enqueue' | 'sdp' | 'readAnswer' | 'ack' | 'established' | 'stop' | 'fail' | 'lost'>;

/** The INVITE attempts of one SRC-initiated recording session. */
export class SessionStart {
  private uriIndex = -1;
  private inviteTx: ClientTransaction | undefined;
  private inviteTimer: TimerHandle | undefined;
  /** The Min-SE a 422 named (RFC 4028 §7.4): the INVITE to the same SRS goes again once with it. */
  private minSe: number | undefined;

  /** @param s - the session */
  constructor(private readonly s: StartingSession) {}

  /** The SRS URI of the current or last attempt (the first before any). */
  get uri(): string | undefined {
    return this.s.host.entry.srsUris[Math.max(0, this.uriIndex)];
  }

  /** Sends the INVITE to the next URI that is not down; a stop meanwhile or none left ends the session. */
  next(): void {
    const uris = this.s.host.entry.srsUris;
    for (;;) {
      this.uriIndex++;
      if (this.s.stopRequested) return void this.s.fail(this.s.stopRequested);
      if (this.uriIndex >= uris.length) return void this.s.fail(RecordingEndReason.AllSrsFailed);
      const uri = uris[this.uriIndex];
      if (this.s.host.isUp(uri)) break;
      this.s.attempts.push({ srs: uri, outcome: SrsAttemptOutcome.Down });
    }
    this.sendInitialInvite(this.s.srs);
  }

  /** Stopped while starting: the INVITE out is CANCELed (its 487 then ends the session). */
  cancel(): void {
    if (this.inviteTx?.cancelAllowed) {
      try { this.inviteTx.cancel().dispose(); } catch { /* already answered */ }
    }
  }

  /** Stops our own wait for the final answer. */
  clearTimer(): void {
    if (this.inviteTimer !== undefined) this.s.host.clock.clearTimer(this.inviteTimer);
    this.inviteTimer = undefined;
  }

  /** A response in the dialog: true when it answers the INVITE out (then handled here). */
  onResponse(tx: ClientTransaction, status: number): boolean {
    if (tx !== this.inviteTx) return false;
    this.inviteResponse(tx, status);
    return true;
  }

  /** A transaction failed (Timer B, transport error): true when it was the INVITE out (next URI). */
  onError(code: string, tx: ClientTransaction, message?: string): boolean {
    if (tx !== this.inviteTx) return false;
    if (this.s.assoc) this.s.host.bind(this.s.assoc, undefined);
    if (code === SipErrorCode.Timeout) this.nextAfter(SrsAttemptOutcome.Timeout, undefined, true);
    else this.nextAfter(SrsAttemptOutcome.TransportError, undefined, true, message);
    return true;
  }

  private sendInitialInvite(uri: string): void {
    const { host, call } = this.s;
    const entry = host.entry;
    try {
      const assoc = InviteDialogAssoc.create(host.connection, {
        to: `<${entry.toUri ?? uri}>`, remoteUri: uri, from: `<${host.fromUri}>`, contact: host.contact,
      });
      this.s.assoc = assoc;
      this.s.route(assoc);
      const headers = sessionHeaders(entry, call, true);
      if (this.minSe !== undefined) {
        for (const h of headers) if (h[0] === 'Min-SE') h[1] = String(this.minSe);
        for (const h of headers) if (h[0] === 'Session-Expires') h[1] = `${Math.max(this.minSe, entryTimerPolicy(entry).sessionExpires)};refresher=uac`;
      }
      const tx = assoc.sendInvite(sessionElements(headers, this.s.sdp(), this.s.meta.completeXml()));
      this.inviteTx = tx;
      this.s.log.sent(tx);
      this.inviteTimer = host.clock.setTimer(() => this.inviteTimedOut(tx), host.inviteTimeoutMs);
    } catch (e) {
      this.nextAfter(SrsAttemptOutcome.TransportError, undefined, true, e instanceof Error ? e.message : undefined);
    }
  }

  private inviteTimedOut(tx: ClientTransaction): void {
    this.inviteTimer = undefined;
    if (tx !== this.inviteTx) return;
    // Our own bound on the wait (OpenSIPS#2772: a silent SRS must fail over too).
    try { if (tx.cancelAllowed) tx.cancel().dispose(); } catch { /* answered meanwhile */ }
    if (this.s.assoc) this.s.host.bind(this.s.assoc, undefined);
    this.nextAfter(SrsAttemptOutcome.Timeout, undefined, true);
  }

  private inviteResponse(tx: ClientTransaction, status: number): void {
    if (status < 200) return;
    const s = this.s;
    this.clearTimer();
    this.inviteTx = undefined;
    s.lastStatus = status;
    if (status >= 300) {
      try { tx.dispose(); } catch { /* kept by the API */ }
      if (s.assoc) s.host.bind(s.assoc, undefined);
      // RFC 4028 §7.4: 422 names the Min-SE to use; try the same SRS once more with it.
      const minSe = Number(tx.responseElements?.messageElements.header('Min-SE'));
      if (status === 422 && this.minSe === undefined && minSe > 0) {
        this.minSe = minSe;
        s.assoc?.dispose();
        return this.sendInitialInvite(s.srs);
      }
      if (s.host.skip(status)) {
        s.attempts.push({ srs: s.srs, outcome: SrsAttemptOutcome.Response, statusCode: status });
        return void s.fail(RecordingEndReason.Rejected, status);
      }
      return this.nextAfter(SrsAttemptOutcome.Response, status, false);
    }
    s.host.holdInvite(tx);
    s.ack(tx);
    s.requests.srsAllowsUpdate = allowsUpdate(tx.responseElements?.messageElements.headerValues('Allow') ?? []);
    const answered = s.readAnswer(tx.responseElements?.messageElements);
    if (s.stopRequested) {
      s.state = SessionState.Active;
      void s.stop(s.stopRequested);
      return;
    }
    if (!answered.some((a) => a.accepted)) {
      // Every stream refused: this SRS does not record; end the RS and fail over.
      try { s.assoc?.sendBye().dispose(); } catch { /* gone */ }
      if (s.assoc) s.host.bind(s.assoc, undefined);
      s.attempts.push({ srs: s.srs, outcome: SrsAttemptOutcome.Response, statusCode: status });
      s.assoc?.dispose();
      s.assoc = undefined;
      return this.uriIndex + 1 < s.host.entry.srsUris.length ? this.next() : void s.fail(RecordingEndReason.NoStreamsAccepted, status);
    }
    // RFC 4028: refresh by re-INVITE at half the interval when we are the refresher.
    s.requests.armRefresh(tx, () => void s.enqueue(async () => {
      if (s.state !== SessionState.Active) return;
      const ok = await s.requests.send(s.paused, undefined, false);
      if (!ok && s.state === SessionState.Active) await s.lost(RecordingEndReason.SessionRefreshFailed);
    }));
    s.established(answered, status, tx.responseElements?.messageElements.contentText ?? '');
  }

  /** This URI failed: the attempt is recorded (a timeout or transport error marks it down), then the next. */
  private nextAfter(outcome: SrsAttemptOutcome, status: number | undefined, down: boolean, message?: string): void {
    const s = this.s;
    this.clearTimer();
    s.attempts.push({ srs: s.srs, outcome, ...(status !== undefined ? { statusCode: status } : {}), ...(message !== undefined ? { message } : {}) });
    if (down) s.host.markDown(s.srs);
    const tx = this.inviteTx;
    this.inviteTx = undefined;
    if (tx) { try { tx.dispose(); } catch { /* kept until the API lets go */ } }
    try { s.assoc?.dispose(); } catch { /* already gone */ }
    s.assoc = undefined;
    this.next();
  }
}
