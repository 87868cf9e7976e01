/**
 * The contexts the UAS checks (uas-checks.ts) run with, built once rather than per request:
 * Allow is the union of the users' methods plus ACK and CANCEL (RFC 3261 §8.2.1), computed again
 * only when a user came or went or lists another array or count of methods.
 */
import type { StackUser } from './stack-user.js';
import { KNOWN_METHODS, type UasCheckContext } from './uas-checks.js';

/** The check contexts of one stack. */
export class CheckContexts {
  /** In a dialog any known method gets past the Allow check (the dialog's user answers it). */
  readonly inDialog: UasCheckContext;
  private outside: UasCheckContext;
  /** The users' method lists {@link outside} was computed from, and their lengths then. */
  private from: { list: readonly string[]; count: number }[] = [{ list: [], count: -1 }];

  constructor(
    private readonly supported: readonly string[],
    private readonly server: string,
  ) {
    this.inDialog = { allowedMethods: KNOWN_METHODS, supportedExtensions: supported, server };
    this.outside = { allowedMethods: [], supportedExtensions: supported, server };
  }

  /** The context for a request outside a dialog, for these users. */
  outsideDialog(users: readonly StackUser[]): UasCheckContext {
    const seen = this.from;
    let same = seen.length === users.length;
    for (let i = 0; same && i < seen.length; i++) same = seen[i].list === users[i].methods && seen[i].count === seen[i].list.length;
    if (same) return this.outside;
    const set = new Set<string>(['ACK', 'CANCEL']);
    for (const u of users) for (const m of u.methods) set.add(m);
    this.outside = { allowedMethods: [...set], supportedExtensions: this.supported, server: this.server };
    this.from = users.map((u) => ({ list: u.methods, count: u.methods.length }));
    return this.outside;
  }
}
