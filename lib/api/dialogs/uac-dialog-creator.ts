/**
 * What the SUBSCRIBE and REFER associations share as the side that creates the dialog with a
 * non-INVITE request: building the request from the dialog's origin, the dialog made by the 2xx
 * (RFC 3261 §12.1.2) or by a NOTIFY that comes first (RFC 6665 §4.1.2.4), and ending a dialog that
 * never came to be.
 * @module
 */
import { SipError, SipErrorCode } from '../../../include-types/errors.js';
import type { MessageElementsView, RegistrationContext } from '../../../include-types/api.js';
import { createUacDialog } from '../../dialog/dialog-factory.js';
import type { DialogCore } from '../../dialog/dialog.js';
import { createDialogFromNotify } from '../../dialog/dialog-factory.js';
import { type NameAddr, type SipRequest, type SipResponse, SipUri, newTag } from '../../message/index.js';
import { checkUserHeaders } from '../elements/header-rules.js';
import { headerNames } from '../elements/message-elements.js';
import type { ConnectionContext } from '../internal/contexts.js';
import { hasRegistrationInfo } from '../internal/registration-info.js';
import { buildOutOfDialogRequest, nameAddr, newCallId } from '../internal/request-factory.js';
import { ClientTransaction, type ClientTxOwner } from '../transactions/client-transaction.js';
import { nextAttempt } from '../transactions/digest-retry.js';
import { Dialog } from './dialog.js';

/** Addresses of a dialog the app starts (the NewL(connection, from, remoteUri, to, contact) family). */
export interface DialogStartOptions {
  /** The peer as To (name-addr). */
  to: string;
  /** The Request-URI (default: To's URI). */
  remoteUri?: string;
  /** From without tag (default: the context's AOR, else an address of the IAP). */
  from?: string;
  /** Our Contact (default: the IAP's address with From's user part). */
  contact?: string;
  /** A registration to tie the dialog to. */
  context?: RegistrationContext;
}

/** A new dialog in state Init for the options, and the Route to preload. */
export function startDialog(conn: ConnectionContext, o: DialogStartOptions): { dialog: Dialog; route: readonly string[] } {
  conn.client.assertAlive();
  let from: NameAddr;
  let to: NameAddr;
  let route: readonly string[] = [];
  try {
    to = nameAddr(o.to);
    from = o.from !== undefined ? nameAddr(o.from) : conn.defaultFrom();
    if (o.context !== undefined && hasRegistrationInfo(o.context)) {
      if (o.from === undefined) from = nameAddr(o.context.aor);
      route = o.context.serviceRoute;
    }
    from.tag = undefined;
    to.tag = undefined;
    const dialog = new Dialog(conn, { callId: newCallId(), localTag: newTag(), local: from, remote: to, remoteUri: o.remoteUri ?? to.uri.toString() });
    const user = from.uri instanceof SipUri ? from.uri.user : undefined;
    dialog.localContactOverride = o.contact !== undefined ? nameAddr(o.contact) : conn.localContact(user);
    return { dialog, route };
  } catch (e) {
    if (e instanceof SipError) throw e;
    throw new SipError(SipErrorCode.InvalidArgument, `bad address: ${String(e)}`, { cause: e });
  }
}

/** The dialog-creating request of one association and its outcome. */
export class UacDialogCreator {
  private request: SipRequest | undefined;

  constructor(
    private readonly conn: ConnectionContext,
    private readonly dialog: Dialog,
    private readonly route: readonly string[],
  ) {}

  /** True once the request went out. */
  get sent(): boolean {
    return this.request !== undefined;
  }

  /**
   * Sends the dialog-creating request. `owner.onResponse` runs after the dialog took the response.
   * @throws SipError(MalformedMessage) for headers the stack owns.
   */
  send(method: string, elements: MessageElementsView | undefined, extra: ReadonlyArray<readonly [string, string]>, owner: ClientTxOwner): ClientTransaction {
    checkUserHeaders(headerNames(elements), 'dialog-creating');
    const o = this.dialog.originInfo;
    const from = o.local.clone();
    from.tag = o.localTag;
    const req = buildOutOfDialogRequest({
      method,
      remoteUri: o.remoteUri,
      from,
      to: o.remote,
      callId: o.callId,
      route: this.route,
      contact: this.dialog.localContactOverride,
      elements,
      userAgent: this.conn.client.stack.userAgent,
    });
    for (const [n, v] of extra) req.headers.set(n, v);
    this.request = req;
    const wrapped: ClientTxOwner = {
      onResponse: (tx, res) => {
        this.took(tx.request, res);
        owner.onResponse(tx, res);
      },
      onError: (tx, err) => {
        if (this.dialog.core === undefined) this.dialog.markTerminated();
        owner.onError(tx, err);
      },
      rebuild: (_tx, previous) => {
        const next = nextAttempt(previous);
        this.request = next;
        return next;
      },
    };
    return new ClientTransaction(this.conn, wrapped, req).start();
  }

  /** RFC 6665 §4.1.2.4: a NOTIFY before the 2xx creates the dialog. */
  adopt(req: SipRequest): DialogCore | undefined {
    if (req.method !== 'NOTIFY' || this.request === undefined) return undefined;
    try {
      return createDialogFromNotify(this.request, req, this.dialog.localContactOverride === undefined ? {} : { localContact: this.dialog.localContactOverride });
    } catch {
      return undefined;
    }
  }

  private took(req: SipRequest, res: SipResponse): void {
    if (res.status < 200) return;
    const core = this.dialog.core;
    if (res.status < 300) {
      if (core === undefined && res.to.tag !== undefined) this.dialog.bind(createUacDialog(req, res, { localContact: this.dialog.localContactOverride }));
      else core?.receiveResponse(res);
    } else if (core === undefined) this.dialog.markTerminated();
  }
}
