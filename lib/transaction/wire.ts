/**
 * Keeping a message as its wire form while nothing but retransmission needs it.
 *
 * A server transaction in Accepted/Completed lives 64*T1 (32 s, UDP) after its final response,
 * so at a few thousand calls/s a UAS holds ~10^5 of them. A parsed SipMessage with its header
 * arrays, parsed-value caches, URIs and body slices costs several kB, and its strings are often
 * slices that pin the whole text they were cut from; its serialized form is one flat string of
 * the message's length. Latin1 maps each octet to one char, so the round trip is exact for any
 * octets (UTF-8 included) and V8 stores it as a one-byte string: no ArrayBuffer, no backing store,
 * and no slice of Node's shared 8 KB Buffer pool, which a long-lived pooled Buffer would pin whole.
 * @module
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { type SipMessage, parseMessage, serializeMessage } from '../message/index.js';

/** The message as one flat latin1 string of its octets. */
export function toWire(msg: SipMessage): string {
  return serializeMessage(msg).toString('latin1');
}

/**
 * The message back from {@link toWire}. It parsed once and we wrote it, so it parses again.
 * @throws SipParseError only if the serializer and parser disagree (a bug).
 */
export function fromWire(wire: string): SipMessage {
  return parseMessage(Buffer.from(wire, 'latin1'));
}

/**
 * Holds a message strongly until {@link release}, then as its wire form only: a later
 * {@link get} parses it again (a new object each time; whoever needs the very object keeps it).
 * No WeakRef to the released object: V8's young-generation collections keep the targets of
 * WeakRefs alive, so every released message (a hostile request's 60 kB head included) was moved
 * into the old generation and stayed there until the next full collection, which a busy server
 * may not run for minutes (bench/fuzz-soak.bench.ts: ~200 MB of them after 30 000 datagrams).
 */
export class WireHeld<M extends SipMessage> {
  private strong: M | undefined;
  private wire: string | undefined;

  constructor(msg: M) {
    this.strong = msg;
  }

  /**
   * The message: the held object until {@link release}, then parsed again from its wire form.
   * @throws SipError(InvalidState) once {@link forget} dropped it.
   */
  get(): M {
    if (this.strong !== undefined) return this.strong;
    if (this.wire === undefined) throw new SipError(SipErrorCode.InvalidState, 'the message is no longer kept (the transaction only absorbs retransmissions now)');
    return fromWire(this.wire) as M;
  }

  /** Drops the strong reference, keeping the wire form. Idempotent. */
  release(): void {
    if (this.strong === undefined) return;
    this.wire = toWire(this.strong);
    this.strong = undefined;
  }

  /**
   * Drops even the wire form: the message is not to be had from here any more. For a machine
   * that will never need it again (RFC 6026 Accepted). Idempotent.
   */
  forget(): void {
    this.strong = undefined;
    this.wire = undefined;
  }

  /**
   * @internal Test seam: replaces the wire form and drops the object, so the next {@link get}
   * parses `wire`. Tests pass a corrupted one to prove a failed re-parse is survived; nothing
   * else may call it.
   */
  replaceWireForTest(wire: string): void {
    this.strong = undefined;
    this.wire = wire;
  }

  /** True while the message can still be returned (held, or as wire text). */
  get available(): boolean {
    return this.strong !== undefined || this.wire !== undefined;
  }
}

/** What a transaction holds once it forgot a message: nothing to parse, nothing to point to. */
export const FORGOTTEN: unique symbol = Symbol('forgotten message');

/**
 * A message as a transaction holds it, in the cheapest form each stage allows: the message itself
 * until released (no wrapper while it is in use), a {@link WireHeld} once only its wire form is
 * needed, {@link FORGOTTEN} once not even that is (RFC 6026 Accepted; a request matched by the
 * layer's key alone). ~10^5 answered transactions wait out Timers J and L, each holding two.
 */
export type Held<M extends SipMessage> = M | WireHeld<M> | typeof FORGOTTEN;

/**
 * The message (see {@link WireHeld.get}).
 * @throws SipError(InvalidState) once forgotten.
 */
export function heldGet<M extends SipMessage>(h: Held<M>): M {
  if (h === FORGOTTEN) throw new SipError(SipErrorCode.InvalidState, 'the message is no longer kept (the transaction only absorbs retransmissions now)');
  return h instanceof WireHeld ? h.get() : h;
}

/** Keeps only the wire form from now on; see {@link WireHeld.release}. */
export function heldRelease<M extends SipMessage>(h: Held<M>): Held<M> {
  if (h === FORGOTTEN || h instanceof WireHeld) return h;
  const w = new WireHeld(h);
  w.release();
  return w;
}

/** Keeps nothing from now on; see {@link WireHeld.forget}. */
export function heldForget<M extends SipMessage>(h: Held<M>): typeof FORGOTTEN {
  if (h instanceof WireHeld) h.forget();
  return FORGOTTEN;
}

/** True while the message can still be returned. */
export function heldAvailable<M extends SipMessage>(h: Held<M>): boolean {
  if (h === FORGOTTEN) return false;
  return h instanceof WireHeld ? h.available : true;
}
