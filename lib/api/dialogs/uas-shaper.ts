/**
 * The responses of a dialog-creating request the app answers (RFC 3261 §12.1.1): our tag, our
 * Contact and the request's Record-Route in 101–299, and the dialog's state following them.
 * @module
 */
import { EndReason } from '../../../include-types/states.js';
import type { DialogCore } from '../../dialog/dialog.js';
import type { NameAddr, SipRequest, SipResponse } from '../../message/index.js';
import type { ResponseShaper } from '../transactions/server-transaction.js';

/** Hooks the association adds to the shaping. */
export interface UasShaperHooks {
  /** Extra changes to a response before it goes (session timer); undefined if it sent it (100rel). */
  shape?(res: SipResponse): SipResponse | undefined;
  /** After the response went. */
  sent?(res: SipResponse): void;
  ackTimedOut?(): void;
  /** The ACK for the 2xx came. */
  acked?(): void;
  canceled?(): void;
}

/** A shaper for the request that created (or refreshes) `core`. */
export function uasShaper(core: DialogCore, request: SipRequest, contact: NameAddr, hooks: UasShaperHooks = {}): ResponseShaper {
  const creating = request.to.tag === undefined;
  // only what shaping needs, not the request: the shaper lives as long as the 2xx is retransmitted
  const recordRoute = creating ? request.headers.getAll('Record-Route') : [];
  return {
    localTag: core.id.localTag,
    shape(res) {
      if (res.status > 100 && res.status < 300) {
        // RFC 3261 §12.1.1: Record-Route copied into dialog-creating responses; Contact required
        if (creating && !res.headers.has('Record-Route')) for (const rr of recordRoute) res.headers.append('Record-Route', rr);
        if (!res.headers.has('Contact')) res.headers.set('Contact', contact.toString());
      }
      return hooks.shape !== undefined ? hooks.shape(res) : res;
    },
    sent(res) {
      if (creating) core.responseSent(res);
      hooks.sent?.(res);
    },
    ackTimedOut() {
      hooks.ackTimedOut?.();
    },
    acked() {
      hooks.acked?.();
    },
    canceled() {
      if (creating) core.terminate(EndReason.Canceled, 487);
      hooks.canceled?.();
    },
  };
}
