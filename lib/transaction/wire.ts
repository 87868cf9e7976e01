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
 * A fresh sequential copy of `s`. V8 keeps substrings (≥ 13 chars) and concatenations as views
 * onto their source strings, so a branch or a table key cut from a parsed header would keep the
 * whole message text alive for as long as the transaction lives.
 */
export function flatCopy(s: string): string {
  return s.length === 0 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/**
 * Holds a message strongly until {@link release}, then as its wire form plus a weak reference, so
 * whoever still holds the object (the TU, a test) keeps getting that very object, and a message
 * nobody else holds is parsed again only if someone asks (a retransmission, the API).
 */
export class WireHeld<M extends SipMessage> {
  private strong: M | undefined;
  private wire: string | undefined;
  private weak: WeakRef<M> | undefined;

  constructor(msg: M) {
    this.strong = msg;
  }

  /**
   * The message (the same object while anyone holds it).
   * @throws SipError(InvalidState) once {@link forget} dropped it and nobody holds it any more.
   */
  get(): M {
    if (this.strong !== undefined) return this.strong;
    let m = this.weak?.deref();
    if (m === undefined) {
      if (this.wire === undefined) throw new SipError(SipErrorCode.InvalidState, 'the message is no longer kept (the transaction only absorbs retransmissions now)');
      m = fromWire(this.wire) as M;
      this.weak = new WeakRef(m);
    }
    return m;
  }

  /** Drops the strong reference, keeping the wire form. Idempotent. */
  release(): void {
    if (this.strong === undefined) return;
    this.wire = toWire(this.strong);
    this.weak = new WeakRef(this.strong);
    this.strong = undefined;
  }

  /**
   * Drops even the wire form: from now on the message is there only while someone else still
   * holds the object. For a machine that will never need it again (RFC 6026 Accepted).
   * Idempotent.
   */
  forget(): void {
    if (this.strong !== undefined) this.weak = new WeakRef(this.strong);
    this.strong = undefined;
    this.wire = undefined;
  }

  /** The message if it is still to be had without parsing, else undefined. */
  peek(): M | undefined {
    return this.strong ?? this.weak?.deref();
  }

  /**
   * @internal Test seam: replaces the wire form and drops every reference to the object, as if
   * nobody held it any more, so the next {@link get} parses `wire`. Tests pass a corrupted one to
   * prove a failed re-parse is survived; nothing else may call it.
   */
  replaceWireForTest(wire: string): void {
    this.strong = undefined;
    this.weak = undefined;
    this.wire = wire;
  }

  /** True once released. */
  get released(): boolean {
    return this.strong === undefined;
  }

  /** True while the message can still be returned (held, as wire text, or still referenced). */
  get available(): boolean {
    return this.strong !== undefined || this.wire !== undefined || this.weak?.deref() !== undefined;
  }
}

/**
 * A message as a transaction holds it, in the cheapest form each stage allows: the message itself
 * until released (no wrapper while it is in use), a {@link WireHeld} once only its wire form is
 * needed, a bare `WeakRef` once not even that is (RFC 6026 Accepted; a request matched by the
 * layer's key alone). ~10^5 answered transactions wait out Timers J and L, each holding two.
 */
export type Held<M extends SipMessage> = M | WireHeld<M> | WeakRef<M>;

/**
 * The message (see {@link WireHeld.get}).
 * @throws SipError(InvalidState) once forgotten and nobody holds it any more.
 */
export function heldGet<M extends SipMessage>(h: Held<M>): M {
  if (h instanceof WireHeld) return h.get();
  if (h instanceof WeakRef) {
    const m = h.deref();
    if (m === undefined || m === GONE) throw new SipError(SipErrorCode.InvalidState, 'the message is no longer kept (the transaction only absorbs retransmissions now)');
    return m;
  }
  return h;
}

/** Keeps only the wire form (plus a weak reference) from now on; see {@link WireHeld.release}. */
export function heldRelease<M extends SipMessage>(h: Held<M>): Held<M> {
  if (h instanceof WireHeld || h instanceof WeakRef) return h;
  const w = new WireHeld(h);
  w.release();
  return w;
}

/** Keeps only a weak reference from now on; see {@link WireHeld.forget}. */
export function heldForget<M extends SipMessage>(h: Held<M>): WeakRef<M> {
  if (h instanceof WeakRef) return h;
  if (h instanceof WireHeld) {
    const m = h.peek();
    h.forget();
    return m === undefined ? (GONE_REF as WeakRef<M>) : new WeakRef(m);
  }
  return new WeakRef(h);
}

/** True while the message can still be returned. */
export function heldAvailable<M extends SipMessage>(h: Held<M>): boolean {
  if (h instanceof WireHeld) return h.available;
  if (h instanceof WeakRef) {
    const m = h.deref();
    return m !== undefined && m !== GONE;
  }
  return true;
}

/**
 * What a forgotten message nobody held any more points to (a WeakRef needs a target; this one
 * is never collected, so test it with {@link heldAvailable}/{@link heldGet}, which treat it as gone).
 */
const GONE = Object.freeze({}) as unknown as SipMessage;
const GONE_REF = new WeakRef(GONE);
