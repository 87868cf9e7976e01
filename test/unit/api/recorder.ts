/**
 * Test helpers: an observer that records every callback of SipObserver, SipConnectionObserver and
 * HttpDigestChallengeObserver, and waits for them.
 */
import type { HttpDigestChallengeObserver, SipConnectionObserver, SipObserver } from '../../../include-types/observers.js';

/** One recorded callback. */
export interface Recorded {
  name: string;
  args: unknown[];
}

type Handler = (...args: never[]) => void;

/** Records callbacks; `on(name, fn)` adds reactions (e.g. answer an incoming request). */
export class Recorder {
  readonly events: Recorded[] = [];
  private readonly handlers = new Map<string, Handler[]>();
  private readonly waiters: Array<{ pred: (e: Recorded) => boolean; resolve: (e: Recorded) => void; from: number }> = [];

  private record(name: string, args: unknown[]): void {
    const e = { name, args };
    this.events.push(e);
    for (const h of this.handlers.get(name) ?? []) (h as (...a: unknown[]) => void)(...args);
    for (const w of [...this.waiters]) {
      if (w.pred(e)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  }

  /** Reacts to a callback. */
  on(name: string, fn: (...args: any[]) => void): this {
    const list = this.handlers.get(name) ?? [];
    list.push(fn as Handler);
    this.handlers.set(name, list);
    return this;
  }

  /** Names recorded so far. */
  names(): string[] {
    return this.events.map((e) => e.name);
  }

  /** Resolves with the next callback called `name` (or an already recorded one after index `from`) matching `pred`. */
  wait(name: string, pred: (...args: any[]) => boolean = () => true, timeoutMs = 5000): Promise<Recorded> {
    const test = (e: Recorded): boolean => e.name === name && pred(...e.args);
    const seen = this.events.find((e) => test(e) && !this.consumed.has(e));
    if (seen !== undefined) {
      this.consumed.add(seen);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${name}; got ${this.names().join(', ')}`)), timeoutMs);
      this.waiters.push({
        pred: test,
        from: this.events.length,
        resolve: (e) => {
          clearTimeout(timer);
          this.consumed.add(e);
          resolve(e);
        },
      });
    });
  }

  private readonly consumed = new Set<Recorded>();

  /** A SipObserver. */
  sipObserver(): SipObserver {
    return {
      incomingRequest: (...a) => this.record('sip.incomingRequest', a),
      timedOut: (...a) => this.record('timedOut', a),
    };
  }

  /** A SipConnectionObserver recording all 15 callbacks. */
  connectionObserver(): SipConnectionObserver {
    return {
      incomingRequest: (...a) => this.record('incomingRequest', a),
      incomingRequestInDialog: (...a) => this.record('incomingRequestInDialog', a),
      incomingResponse: (...a) => this.record('incomingResponse', a),
      incomingResponseInDialog: (...a) => this.record('incomingResponseInDialog', a),
      incomingResponseForkedInvite: (...a) => this.record('incomingResponseForkedInvite', a),
      incomingResponseForRegistration: (...a) => this.record('incomingResponseForRegistration', a),
      errorOccurred: (...a) => this.record('errorOccurred', a),
      errorOccurredInRegistration: (...a) => this.record('errorOccurredInRegistration', a),
      errorOccurredInDialog: (...a) => this.record('errorOccurredInDialog', a),
      errorOccurredInRefresh: (...a) => this.record('errorOccurredInRefresh', a),
      errorOccurredInRegistrationRefresh: (...a) => this.record('errorOccurredInRegistrationRefresh', a),
      errorOccurredInDialogRefresh: (...a) => this.record('errorOccurredInDialogRefresh', a),
      inviteCompleted: (...a) => this.record('inviteCompleted', a),
      inviteCanceled: (...a) => this.record('inviteCanceled', a),
      connectionStateChanged: (...a) => this.record('connectionStateChanged', a),
    };
  }

  /** An HttpDigestChallengeObserver. */
  digestObserver(): HttpDigestChallengeObserver {
    return {
      challengeReceived: (...a) => this.record('challengeReceived', a),
      challengeReceivedInRefresh: (...a) => this.record('challengeReceivedInRefresh', a),
    };
  }
}
