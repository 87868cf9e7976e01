/**
 * The requests a recording session sends in its dialog and waits on: re-INVITE or UPDATE for an
 * offer or a metadata update (RFC 3311 when the SRS allows it and no SDP changes; 405/501 sends it
 * again as re-INVITE and no UPDATE follows), the retry of a 491 (RFC 3261 §14.1, the dialog
 * layer's delay through `InviteDialogAssoc.glareRetryDelayMs`), the end of the session on 408/481
 * (§12.2.1.2), the one transaction awaited at a time (BYE included), and the RFC 4028 session
 * timer (lib/dialog's `SessionTimer`: refresh at half the interval when we refresh, expiry before
 * the end either way, and the §9 answer to a refresh the SRS sends), all on the session's clock.
 */
import { SipErrorCode } from '../../../include-types/errors.js';
import type { Clock } from '../../../include-types/settings.js';
import { RecordingEndReason } from '../../../include-types/siprec.js';
import { parseSessionExpires } from '../../dialog/session-expires.js';
import { SessionTimer, type SessionTimerSettings } from '../../dialog/session-timer.js';
import { negotiateRefreshAsUas, type HeaderPairs, type SessionTimerPolicy } from '../../dialog/session-timer-negotiation.js';
import type { MessageElementsView, ResponseElementsView } from '../../../include-types/api.js';
import type { ClientTransaction, InviteDialogAssoc, MessageElements } from '../common/api.js';
import { wait } from '../common/timers.js';

/** What the requests need from their session. */
export interface SessionRequestHost {
  /** The RS dialog, once there is one. */
  readonly assoc: InviteDialogAssoc | undefined;
  /** How metadata-only updates go (SrcSettings.metadataUpdateMethod). */
  readonly updateMethod: 'reinvite' | 'update' | 'auto';
  /** Time source of the refresh timer and the 491 retry. */
  readonly clock: Clock;
  /** The session may send now (Active, or Stopping for the stop-time update). */
  usable(stopping: boolean): boolean;
  /** True when the offer's direction would change (paused vs. the state now). */
  pausedChanges(paused: boolean): boolean;
  /** A new SDP version (RFC 3264 §8: each new offer). */
  bumpVersion(): void;
  /** The request body: SDP (or none) and metadata, with the session's headers. */
  elements(sdpPaused: boolean | undefined, metadataXml: string | undefined): MessageElements;
  /** Logs a sent request (NG9-1-1). */
  sent(tx: ClientTransaction): void;
  /** Applies the SDP answer of a 2xx to a re-INVITE. */
  readAnswer(tx: ClientTransaction): void;
  /** ACKs a 2xx to a re-INVITE. */
  ack(tx: ClientTransaction): void;
  /** Keeps an INVITE transaction until the API is done with it. */
  holdInvite(tx: ClientTransaction): void;
  /** The dialog is gone (408/481), or no session refresh came in time: end the session (BYE). */
  lost(reason: RecordingEndReason): void;
  /** Our session interval and Min-SE (the entry's `sessionExpires`, `minSe`), for a refresh the SRS sends. */
  readonly timerPolicy: SessionTimerPolicy;
}

/** How we answer a session refresh request of the SRS (RFC 4028 §9). */
export type SrsRefreshAnswer =
  /** Its interval is below our Min-SE: 422 with these headers. */
  | { status: 422; headers: HeaderPairs }
  /** 2xx, with these headers (none when the request carried no Session-Expires). */
  | { status: 200; headers: HeaderPairs };

interface Pending {
  tx: ClientTransaction;
  resolve: (status: number) => void;
}

/** True when an Allow header lists UPDATE. */
export function allowsUpdate(allow: readonly string[]): boolean {
  return allow.some((m) => m.trim().toUpperCase() === 'UPDATE');
}

/** In-dialog requests of one recording session. */
export class SessionRequests {
  /** The SRS listed UPDATE in its Allow (RFC 3311 §5.1): undefined until known. */
  srsAllowsUpdate: boolean | undefined;
  /** The SRS answered an UPDATE 405/501: no more UPDATEs, whatever the setting. */
  private updateRefused = false;
  private pending: Pending | undefined;
  private timer: SessionTimer | undefined;
  /** What a due refresh runs, once {@link armRefresh} set it. */
  private refresh: (() => void) | undefined;

  /** @param host - the session */
  constructor(private readonly host: SessionRequestHost) {}

  /** A metadata update that changes no SDP goes by UPDATE (RFC 3311) when set or allowed. */
  private byUpdate(metadataXml: string | undefined, sdpChange: boolean): boolean {
    if (metadataXml === undefined || sdpChange || this.updateRefused) return false;
    const how = this.host.updateMethod;
    return how === 'update' || (how === 'auto' && this.srsAllowsUpdate === true);
  }

  /**
   * Sends a re-INVITE (or, for metadata alone, an UPDATE: {@link byUpdate}); true on 2xx. A 491
   * is retried (RFC 3261 §14.1); 408/481 end the session; an UPDATE refused with 405/501 goes
   * again as re-INVITE.
   */
  async send(paused: boolean, metadataXml: string | undefined, changed = true, stopping = false): Promise<boolean> {
    const assoc = this.host.assoc;
    if (!this.host.usable(stopping) || !assoc) return false;
    const sdpChange = changed || this.host.pausedChanges(paused);
    let update = this.byUpdate(metadataXml, sdpChange);
    if (sdpChange) this.host.bumpVersion();
    for (let attempt = 0; attempt < 4; attempt++) {
      let status: number;
      try {
        // RFC 3311 §5.1: an UPDATE without an offer carries the metadata part alone.
        const tx = update
          ? assoc.sendUpdate(this.host.elements(undefined, metadataXml))
          : assoc.sendInvite(this.host.elements(paused, metadataXml));
        this.host.sent(tx);
        status = await this.await(tx);
        if (status >= 200 && status < 300 && !update) this.host.readAnswer(tx);
        // RFC 4028 §7.2, §10: every 2xx carrying Session-Expires (the refresh's own included)
        // starts the session interval again
        if (status >= 200 && status < 300) this.rearm(tx);
      } catch {
        return false;
      }
      if (status >= 200 && status < 300) return true;
      if (update && (status === 405 || status === 501)) {
        this.updateRefused = true;
        update = false;
        continue;
      }
      if (status === 491) {
        // RFC 3261 §14.1: 2.1–4 s when we sent the dialog-creating INVITE, else 0–2 s
        await wait(this.host.clock, assoc.glareRetryDelayMs()).done;
        continue;
      }
      // RFC 3261 §12.2.1.2: 408/481 to a request in the dialog end it.
      if (status === 408 || status === 481) this.host.lost(RecordingEndReason.SessionRefreshFailed);
      return false;
    }
    return false;
  }

  /** Waits for the final response of a request in the dialog (one at a time). */
  await(tx: ClientTransaction): Promise<number> {
    const host = this.host;
    return new Promise((done) => {
      // a method, not a named arrow: under tsx a named closure costs an Object.defineProperty per request
      this.pending = { tx, resolve(s) { if (tx.type !== 'INVITE') tx.dispose(); else host.holdInvite(tx); done(s); } };
    });
  }

  /**
   * Like {@link await}, with the final response itself (read before the transaction is let go);
   * `response` is undefined when the transaction failed (status 408 timeout, 503 transport).
   */
  awaitResponse(tx: ClientTransaction): Promise<{ status: number; response: ResponseElementsView | undefined }> {
    return new Promise((done) => {
      this.pending = {
        tx,
        resolve(status) {
          const response = tx.responseElements !== undefined && tx.responseElements.statusCode === status ? tx.responseElements : undefined;
          tx.dispose();
          done({ status, response });
        },
      };
    });
  }

  /** A response in the dialog: true when it was the awaited one's final response. */
  onResponse(tx: ClientTransaction): boolean {
    const res = tx.responseElements;
    if (!res || this.pending?.tx !== tx || res.statusCode < 200) return false;
    if (tx.type === 'INVITE' && res.isSuccess) this.host.ack(tx);
    const p = this.pending;
    this.pending = undefined;
    p.resolve(res.statusCode);
    return true;
  }

  /** A transaction of the dialog failed: the awaited one gets 408 (timeout) or 503. */
  onError(code: string, tx: ClientTransaction): boolean {
    if (this.pending?.tx !== tx) return false;
    const p = this.pending;
    this.pending = undefined;
    p.resolve(code === SipErrorCode.Timeout ? 408 : 503);
    return true;
  }

  /**
   * RFC 4028 §7.2: when the 2xx in `tx` makes us (uac) the refresher, `refresh` runs at half the
   * session interval (a re-INVITE); every later 2xx in the dialog with Session-Expires arms it
   * again from its own interval (see {@link send}). Replaces any earlier timer. No successful
   * refresh by the session's end (RFC 4028 §10: interval − min(32 s, interval/3)) ends it
   * ({@link SessionRequestHost.lost}, `SessionRefreshFailed`).
   */
  armRefresh(tx: ClientTransaction, refresh: () => void): void {
    this.refresh = refresh;
    this.disarm();
    this.rearm(tx);
  }

  /**
   * A 2xx in the dialog: with Session-Expires it sets the timer anew (RFC 4028 §7.2: refresher=uac,
   * we refresh at half the interval; uas, the SRS refreshes and we only watch for the session's
   * end); without, the timer runs on as it was (a metadata UPDATE need not carry the session timer
   * headers).
   */
  private rearm(tx: ClientTransaction): void {
    const value = tx.responseElements?.messageElements.header('Session-Expires');
    const se = value === undefined ? undefined : parseSessionExpires(value);
    if (!se || this.refresh === undefined) return;
    this.apply({ interval: se.interval, localRefreshes: se.refresher !== 'uas' });
  }

  /**
   * A session refresh request of the SRS (a re-INVITE or UPDATE in the dialog; RFC 4028 roles are
   * per transaction, so there the SRS is the uac): the status and headers of our answer (§9: 422
   * below our Min-SE; else Session-Expires with the refresher, Require: timer), and the session
   * timer restarted from what the answer says (§10: each successful refresh starts the interval
   * again; `refresher=uas` makes us the refresher from now on). Sessions the SRS started leave
   * RFC 4028 to the API's dialog (no {@link armRefresh}): nothing is added for them here.
   */
  srsRefresh(request: Pick<MessageElementsView, 'header' | 'headerValues'>): SrsRefreshAnswer {
    if (this.refresh === undefined) return { status: 200, headers: [] };
    // headerValues gives a list header's option tags one by one, trimmed
    const supported = request.headerValues('Supported').map((tag) => tag.toLowerCase());
    const decision = negotiateRefreshAsUas({ supported, header: (n) => request.header(n) }, this.host.timerPolicy);
    if (decision.kind === 'reject') return { status: 422, headers: decision.headers };
    if (decision.timer !== undefined) this.apply({ interval: decision.timer.interval, localRefreshes: decision.timer.localRefreshes });
    return { status: 200, headers: decision.headers };
  }

  /**
   * Runs the session timer with `settings` (RFC 4028 §10): the refresh due at half the interval
   * when we refresh, and either way the session ended (BYE, `SessionRefreshFailed`) when no
   * refresh succeeded by interval − min(32 s, interval/3). A running timer restarts.
   */
  private apply(settings: SessionTimerSettings): void {
    if (this.timer?.running === true) return this.timer.refreshed(settings);
    this.disarm();
    this.timer = new SessionTimer(this.host.clock, settings, {
      onRefreshDue: () => this.refresh?.(),
      onExpired: () => {
        this.timer = undefined;
        if (this.refresh !== undefined) this.host.lost(RecordingEndReason.SessionRefreshFailed);
      },
    });
  }

  /** Stops the session timer (a later 2xx with Session-Expires may arm it again). */
  disarm(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  /** The session ended: no timer now, and none armed by a late 2xx. */
  stopRefreshing(): void {
    this.refresh = undefined;
    this.disarm();
  }

  /** Lets go of the awaited transaction (the session ends without waiting). */
  drop(): void {
    if (!this.pending) return;
    const p = this.pending;
    this.pending = undefined;
    try { p.tx.dispose(); } catch { /* kept by the API until the client closes */ }
  }
}
