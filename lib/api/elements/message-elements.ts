/**
 * CSIPMessageElements: the header fields an app may set and the body. A value: the app builds it,
 * hands it over, and the stack copies what it needs (DESIGN §3).
 * @module
 */
import type { HeaderField, MessageElementsView } from '../../../include-types/api.js';
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import { LIST_HEADERS, type SipMessage, hasLineBreak, headerKey, splitList } from '../../message/index.js';
import { ownBuffer, ownUtf8, viewsMostOfItsBlock } from '../../message/own-copy.js';

/** What a {@link MessageElements} is built from. */
export interface MessageElementsInit {
  /** Header fields as `[name, value]` pairs or `{ name, value }` objects, in order. */
  headers?: ReadonlyArray<readonly [string, string] | HeaderField>;
  /** The body; a string is encoded as UTF-8. */
  content?: Buffer | string;
  /** The body's Content-Type; required with `content`. */
  contentType?: string;
}

/** Headers never shown among `userHeaders` of a received message (the stack owns them). */
const HIDDEN = new Set(['content-length', 'content-type']);

/** A field with its lookup key (lower case, compact form expanded), resolved once. */
interface KeyedField extends HeaderField {
  readonly key: string;
}

/** The headers and body of a request or response the app sends or received. */
export class MessageElements implements MessageElementsView {
  private readonly fields: KeyedField[] = [];
  private body: Buffer | undefined;
  private type: string | undefined;

  /** @throws SipError(InvalidArgument) for content without a content type, or a bad header name. */
  constructor(init: MessageElementsInit = {}) {
    for (const h of init.headers ?? []) {
      if (Array.isArray(h)) this.addHeader(h[0] as string, h[1] as string);
      else this.addHeader((h as HeaderField).name, (h as HeaderField).value);
    }
    if (init.content !== undefined || init.contentType !== undefined) this.setContent(init.content ?? Buffer.alloc(0), init.contentType ?? '');
  }

  /** A copy of a received message's headers (except Content-Length/Type) and body. @internal */
  static fromMessage(msg: SipMessage): MessageElements {
    const me = new MessageElements();
    const h = msg.headers;
    // by index, the resolved name's key kept: no [name, value] pair and no second lookup per field
    for (let i = 0; i < h.size; i++) {
      const hn = h._nameAt(i);
      if (!HIDDEN.has(hn.key)) me.fields.push({ name: hn.name, value: h._valueAt(i), key: hn.key });
    }
    if (msg.body.length > 0 || h.has('Content-Type')) {
      // its own allocation: the elements of a received request live as long as its transaction
      // (Timer L, or as long as the app keeps it), and a pooled slice would pin an 8 KB slab. A
      // body that is at least half of the block it views (a large body the framer copied out
      // with its message, never a pooled slice: the pool serves < 4 KB) is taken as it is: the
      // message holds that block for as long anyway, and no one changes a body in place
      // (transport/inbound.ts ownBody, same rule; issue 15: a 3.5 KB SIPREC INVITE body each).
      const b = msg.body;
      me.body = b.length > 0 && viewsMostOfItsBlock(b) ? b : ownBuffer(b);
      me.type = msg.headers.get('Content-Type');
    }
    return me;
  }

  /** Adds a header field at the end. Returns `this`. @throws SipError(InvalidArgument) for an empty or invalid name. */
  addHeader(name: string, value: string): this {
    if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name)) throw new SipError(SipErrorCode.InvalidArgument, `invalid header name "${name}"`);
    if (hasLineBreak(value)) throw new SipError(SipErrorCode.InvalidArgument, `header ${name} value holds a line break`);
    this.fields.push({ name, value, key: headerKey(name) });
    return this;
  }

  /** Removes every field of a header. Returns `this`. */
  removeHeader(name: string): this {
    const key = headerKey(name);
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i].key === key) this.fields.splice(i, 1);
    return this;
  }

  /** Sets the body and its Content-Type. Returns `this`. @throws SipError(InvalidArgument) without a type. */
  setContent(content: Buffer | string, contentType: string): this {
    if (contentType.trim() === '') throw new SipError(SipErrorCode.InvalidArgument, 'content needs a content type');
    // its own allocation (never a slice of the shared pool), never changed in place: a message
    // sent from these elements takes it as its body without another copy (applyElements)
    this.body = typeof content === 'string' ? ownUtf8(content) : ownBuffer(content);
    this.type = contentType;
    return this;
  }

  /** Header fields in order. */
  get userHeaders(): readonly HeaderField[] {
    return this.fields.map((f) => ({ name: f.name, value: f.value }));
  }

  /** The body, if any. */
  get content(): Buffer | undefined {
    return this.body === undefined ? undefined : Buffer.from(this.body);
  }

  /** The body as UTF-8 text ('' without a body). */
  get contentText(): string {
    return this.body?.toString('utf8') ?? '';
  }

  /** The body's Content-Type. */
  get contentType(): string | undefined {
    return this.type;
  }

  /** First value of a header (case-insensitive; compact forms understood). */
  header(name: string): string | undefined {
    return this.headerValues(name)[0];
  }

  /** Every value of a header, list headers split on their commas. */
  headerValues(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const f of this.fields) {
      if (f.key !== key) continue;
      if (LIST_HEADERS.has(key)) out.push(...splitList(f.value).map((s) => s.trim()).filter((s) => s.length > 0));
      else out.push(f.value);
    }
    return out;
  }

  /** @internal The header fields without copies, for the stack to read (never to keep or change). */
  static fieldsOf(elements: MessageElements): readonly HeaderField[] {
    return elements.fields;
  }

  /** @internal The body without a copy: its own allocation, never changed in place (the stack may share it). */
  static bodyOf(elements: MessageElements): Buffer | undefined {
    return elements.body;
  }

  /** A deep copy. */
  clone(): MessageElements {
    const c = new MessageElements();
    c.fields.push(...this.fields);
    c.body = this.body; // never changed in place: shared, not copied
    c.type = this.type;
    return c;
  }
}

/** Copies a view's headers and body into a message (the caller checked the names). @internal */
export function applyElements(msg: SipMessage, elements: MessageElementsView | undefined): void {
  if (elements === undefined) return;
  // an own MessageElements is read in place: `userHeaders` copies every field (issue 15)
  const fields = elements instanceof MessageElements ? MessageElements.fieldsOf(elements) : elements.userHeaders;
  for (const f of fields) msg.headers.append(f.name, f.value);
  // in its own allocation: the stack may keep the message for Timer L (a 2xx until its ACK), and
  // a pooled slice would pin an 8 KB slab. An own MessageElements' body is one already and is
  // never changed in place, so the message shares it (one copy of a body, not two; issue 15);
  // `content` of another view is a copy, maybe pooled.
  const body = elements instanceof MessageElements ? MessageElements.bodyOf(elements) : elements.content;
  if (body !== undefined) {
    msg.body = elements instanceof MessageElements ? body : ownBuffer(body);
    if (elements.contentType !== undefined) msg.headers.set('Content-Type', elements.contentType);
  }
}

/** Names of the headers in a view. @internal */
export function headerNames(elements: MessageElementsView | undefined): string[] {
  if (elements === undefined) return [];
  return (elements instanceof MessageElements ? MessageElements.fieldsOf(elements) : elements.userHeaders).map((h) => h.name);
}
