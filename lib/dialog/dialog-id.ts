/**
 * Dialog identifiers (RFC 3261 §12): Call-ID, local tag and remote tag, seen from this side.
 * @module
 */
import type { SipRequest, SipResponse } from '../message/index.js';

/** A dialog's identity from this UA's point of view (RFC 3261 §12). */
export interface DialogId {
  /** The Call-ID. */
  readonly callId: string;
  /** Our tag: the From tag of our requests, the To tag of theirs. */
  readonly localTag: string;
  /** The peer's tag; '' when an RFC 2543 peer sent none. */
  readonly remoteTag: string;
}

/** A string key for maps; equal ids give equal keys. */
export function dialogKey(id: DialogId): string {
  // Call-ID and tags cannot hold LF, so it separates them unambiguously.
  return id.callId + '\n' + id.localTag + '\n' + id.remoteTag;
}

/**
 * The id of the dialog an incoming request belongs to (RFC 3261 §12.2.2): local tag = To tag,
 * remote tag = From tag. Undefined when the To has no tag (the request is outside any dialog).
 * A From without a tag (RFC 2543 peers) gives remote tag ''.
 */
export function dialogIdOfIncomingRequest(req: SipRequest): DialogId | undefined {
  const localTag = req.to.tag;
  if (localTag === undefined) return undefined;
  return { callId: req.callId, localTag, remoteTag: req.from.tag ?? '' };
}

/**
 * The id of the dialog a response to our request belongs to (RFC 3261 §12.1.2): local tag = From
 * tag, remote tag = To tag. Undefined when the To has no tag.
 */
export function dialogIdOfIncomingResponse(res: SipResponse): DialogId | undefined {
  const remoteTag = res.to.tag;
  if (remoteTag === undefined) return undefined;
  return { callId: res.callId, localTag: res.from.tag ?? '', remoteTag };
}
