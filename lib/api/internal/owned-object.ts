/**
 * The ownership rules every app-owned API object shares (DESIGN §3, "handles that fail safely"):
 * counted while alive, `dispose()` idempotent, `using` supported, use after dispose throws
 * `SipError(ObjectDisposed)`.
 * @module
 */
import type { Owned } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { LiveObjects } from './live-objects.js';

/** Base of every object the app owns. */
// NOTE: no `implements Releasable` (forceDispose is marked internal, see stripInternal); track() checks it.
export abstract class OwnedObject implements Owned {
  /** The class name, as counted in `SipClient.liveObjects()`. */
  abstract readonly kind: string;
  private disposed = false;
  private readonly registry: LiveObjects;

  protected constructor(registry: LiveObjects) {
    this.registry = registry;
    // filed after the subclass set `kind` (a microtask would be too late for counts): see track()
  }

  /** Files the object in its client's registry; subclasses call it at the end of their constructor. */
  protected track(): void {
    this.registry.add(this);
  }

  /** True once disposed. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Releases the object. Idempotent.
   * @throws SipError(InviteTransactionInUse) for an INVITE client transaction still needed for its ACK.
   */
  dispose(): void {
    if (this.disposed) return;
    this.checkDisposable();
    this.release();
  }

  /** Same as `dispose()`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** @internal Disposes without {@link checkDisposable} (the client or connection is going away). */
  forceDispose(): void {
    if (this.disposed) return;
    this.release();
  }

  /** Throws if the object may not be disposed now. Default: it always may. */
  protected checkDisposable(): void {}

  /** Frees timers, listeners and table entries. Called once. */
  protected abstract onDispose(): void;

  /** @throws SipError(ObjectDisposed) once disposed. */
  protected assertAlive(): void {
    if (this.disposed) throw new SipError(SipErrorCode.ObjectDisposed, `${this.kind} was disposed`);
  }

  private release(): void {
    this.disposed = true;
    this.registry.remove(this);
    this.onDispose();
  }
}
