/**
 * The API objects a `SipClient` made and that are not disposed yet, by kind. Tests prove every
 * count returns to zero; `SipClient.dispose()` disposes whatever is left, newest first.
 * @module
 */

/** Something the registry can dispose when its client goes away. */
export interface Releasable {
  /** The kind counted (class name). */
  readonly kind: string;
  /** Disposes without the ownership checks (the client is going away). */
  forceDispose(): void;
}

/** Live API objects of one client. */
export class LiveObjects {
  private readonly objects = new Set<Releasable>();

  /** Files an object. */
  add(o: Releasable): void {
    this.objects.add(o);
  }

  /** Forgets an object. */
  remove(o: Releasable): void {
    this.objects.delete(o);
  }

  /** Count per kind (kinds with no live object are left out). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const o of this.objects) out[o.kind] = (out[o.kind] ?? 0) + 1;
    return out;
  }

  /** Number of live objects. */
  get size(): number {
    return this.objects.size;
  }

  /** Disposes everything, newest first. */
  releaseAll(): void {
    for (const o of [...this.objects].reverse()) o.forceDispose();
    this.objects.clear();
  }
}
