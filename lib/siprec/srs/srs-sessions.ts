/**
 * The Srs's live sessions, keyed by dialog, and how one ends: from the SRC's BYE, or from our
 * side with BYE (`byeAndEnd`); the end closes the files, counts, tells a drain and emits
 * `sessionEnded`. Also the INVITEs being set up (`pending`), the sessions whose files are
 * being closed (`ending`), and our in-dialog requests waiting for their final response.
 */
import type { EventEmitter } from 'eventemitter3';
import type { Dialog } from '../../../include-types/api.js';
import { SrsEndReason, type SrsEvents, type SrsLimitName, type SrsSessionInfo } from '../../../include-types/siprec.js';
import type { ClientTransaction } from '../common/api.js';
import type { SrsSession } from './srs-session.js';
import type { SrsCounters } from './srs-stats.js';
import type { DrainRun } from './srs-drain.js';

/** What the table needs of its Srs. */
export interface SrsSessionsHost {
  readonly counters: SrsCounters;
  readonly events: EventEmitter<SrsEvents>;
  drainRun(): DrainRun | undefined;
}

/** The live-session table of one Srs. */
export class SrsSessions {
  /** Sessions answered 2xx and not ended, by dialog. */
  readonly byDialog = new Map<Dialog, SrsSession>();
  /** Our own requests in dialogs (BYE, snapshot re-INVITE) waiting for their final response. */
  readonly byeWaiters = new Map<ClientTransaction, () => void>();
  /** INVITEs being checked or set up. */
  pending = 0;
  /**
   * Sessions answered 2xx whose ACK has not come (RFC 3261 §13.3.1.4): with `pending`, what
   * `maxUnconfirmedSessions` limits. Left at the ACK or at the session's end (Timer H: no ACK).
   */
  readonly awaitingAck = new Set<SrsSession>();
  /**
   * Sessions ending (their recordings' files being written out and closed): still live for a
   * drain, and shutdown waits for them.
   */
  readonly ending = new Set<Promise<void>>();

  constructor(private readonly host: SrsSessionsHost) {}

  /** Sessions in progress. */
  get size(): number {
    return this.byDialog.size;
  }

  /** Set-ups in progress plus sessions answered 2xx and not yet ACKed. */
  get unconfirmed(): number {
    return this.pending + this.awaitingAck.size;
  }

  /** The 2xx is sent: the session waits for its ACK. */
  answered(s: SrsSession): void {
    this.awaitingAck.add(s);
  }

  /** The ACK of the session's 2xx came (RFC 3261 §13.2.2.4). */
  confirmed(s: SrsSession): void {
    this.awaitingAck.delete(s);
  }

  /** Live sessions, set-ups and sessions still closing their files (what a drain waits for). */
  liveForDrain(): number {
    return this.byDialog.size + this.pending + this.ending.size;
  }

  info(s: SrsSession): SrsSessionInfo {
    return { recordingId: s.recordingId, dir: s.rec?.dir ?? '', labels: s.labels };
  }

  started(s: SrsSession): void {
    this.host.counters.start();
    this.host.events.emit('sessionStarted', this.info(s));
  }

  /** Ends a session from our side: BYE, files closed; the dialog is released once the BYE is answered. */
  byeAndEnd(
    dialog: Dialog, s: SrsSession, reason: Exclude<SrsEndReason, typeof SrsEndReason.Bye>, failure?: string,
    limit?: SrsLimitName, state?: 'partial',
  ): { answered: Promise<void>; ended: Promise<void> } {
    let answered: Promise<void> = Promise.resolve();
    try {
      const tx = s.assoc.sendBye();
      answered = new Promise<void>((resolve) => this.byeWaiters.set(tx, () => {
        tx.dispose();
        s.assoc.dispose();
        resolve();
      }));
    } catch {
      // the dialog is gone already
    }
    return { answered, ended: this.endSession(dialog, s, reason, false, failure, limit, state) };
  }

  /** A request of ours in a dialog got its final response (or failed). */
  byeDone(tx: ClientTransaction): void {
    const w = this.byeWaiters.get(tx);
    if (!w) return;
    this.byeWaiters.delete(tx);
    w();
  }

  /**
   * Ends a session: files closed (index `endReason` = `reason`, `endDetail` = `failure` or, for
   * the SRC's BYE, `remoteDetail`), counted, `sessionEnded`. `failure`: the SRS's own words when
   * it ends the session (a limit, a failure, the drain).
   */
  async endSession(
    dialog: Dialog, s: SrsSession, reason: SrsEndReason, disposeDialog = true, failure?: string,
    limit?: SrsLimitName, state?: 'partial', remoteDetail?: string,
  ): Promise<void> {
    this.awaitingAck.delete(s);
    if (!this.byDialog.delete(dialog) && s.isEnded) return;
    const info = this.info(s);
    const failed = state ?? reason === SrsEndReason.Failed;
    const endDetail = failure ?? remoteDetail;
    const ending = s.end(reason, disposeDialog, failed, endDetail);
    this.ending.add(ending);
    try { await ending; } finally { this.ending.delete(ending); }
    this.host.counters.end(reason, failed === false);
    this.host.drainRun()?.ended(reason);
    this.host.events.emit('sessionEnded', {
      ...info, reason, ...(endDetail !== undefined ? { endDetail } : {}), ...(failure !== undefined ? { failure } : {}), ...(limit ? { limit } : {}),
    });
    this.host.drainRun()?.check();
  }
}
