/**
 * Routes in-dialog requests, ACKs and stray responses to the {@link DialogEndpoint} that owns
 * the dialog, keyed by Call-ID and tags (RFC 3261 §12.2.2). A dialog set registered without a
 * remote tag catches every remote tag of that Call-ID and local tag (forked early dialogs,
 * RFC 6665 §4.1.2.4 NOTIFY before the 2xx to SUBSCRIBE).
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { DialogEndpoint, DialogKey } from './stack-user.js';

const fullKey = (callId: string, local: string, remote: string): string => `${callId}\u0000${local}\u0000${remote}`;
const setKey = (callId: string, local: string): string => `${callId}\u0000${local}`;

/** The table of dialogs the stack routes to. */
export class DialogRouter {
  private readonly dialogs = new Map<string, DialogEndpoint>();
  private readonly sets = new Map<string, DialogEndpoint>();

  /** @param maxDialogs most dialogs plus dialog sets filed at once (StackLimits.maxDialogs). */
  constructor(private readonly maxDialogs = 20_000) {}

  /**
   * Files a dialog (or a dialog set when `remoteTag` is undefined). Replaces a previous owner.
   * @throws SipError(LimitExceeded) when a new entry would pass `maxDialogs`.
   */
  register(key: DialogKey, endpoint: DialogEndpoint): void {
    const map = key.remoteTag === undefined ? this.sets : this.dialogs;
    const k = key.remoteTag === undefined ? setKey(key.callId, key.localTag) : fullKey(key.callId, key.localTag, key.remoteTag);
    if (!map.has(k) && this.dialogs.size + this.sets.size >= this.maxDialogs) {
      throw new SipError(SipErrorCode.LimitExceeded, `dialog limit ${this.maxDialogs} reached`);
    }
    map.set(k, endpoint);
  }

  /** Removes a dialog or dialog set; true if it was there. */
  unregister(key: DialogKey): boolean {
    return key.remoteTag === undefined
      ? this.sets.delete(setKey(key.callId, key.localTag))
      : this.dialogs.delete(fullKey(key.callId, key.localTag, key.remoteTag));
  }

  /** The endpoint for a Call-ID and our tag and theirs: the dialog first, then its set. */
  find(callId: string, localTag: string | undefined, remoteTag: string | undefined): DialogEndpoint | undefined {
    if (localTag === undefined) return undefined;
    if (remoteTag !== undefined) {
      const d = this.dialogs.get(fullKey(callId, localTag, remoteTag));
      if (d !== undefined) return d;
    }
    return this.sets.get(setKey(callId, localTag));
  }

  /** Drops every dialog of a user (the user went away). */
  removeUser(user: DialogEndpoint['user']): void {
    for (const [k, e] of this.dialogs) if (e.user === user) this.dialogs.delete(k);
    for (const [k, e] of this.sets) if (e.user === user) this.sets.delete(k);
  }

  /** Live dialogs and dialog sets. */
  get size(): { dialogs: number; dialogSets: number } {
    return { dialogs: this.dialogs.size, dialogSets: this.sets.size };
  }

  /** Forgets everything. */
  clear(): void {
    this.dialogs.clear();
    this.sets.clear();
  }
}
