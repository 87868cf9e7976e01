/**
 * CSIPTransactionBase: what client and server transactions share: the method, the state and the
 * ownership rules.
 * @module
 */
import type { Transaction as TransactionView } from '../../../include-types/api.js';
import type { TransactionState } from '../../../include-types/states.js';
import { OwnedObject } from '../internal/owned-object.js';
import type { LiveObjects } from '../internal/live-objects.js';

/** Base of {@link ClientTransaction} and {@link ServerTransaction}. */
export abstract class Transaction extends OwnedObject implements TransactionView {
  /** The request method (CSIPTransactionBase::Type). */
  readonly type: string;

  protected constructor(registry: LiveObjects, method: string) {
    super(registry);
    this.type = method;
  }

  /** The RFC 3261 §17 state as the API shows it (see `TransactionState`). */
  abstract get state(): TransactionState;

  /** True for a {@link ClientTransaction}. */
  abstract get isClientTransaction(): boolean;
}
