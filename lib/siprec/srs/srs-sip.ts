/**
 * The SRS's SIP side on the API: its own SipClient with one IAP (UDP and TCP on one port by
 * default), the connection observer that hands requests and in-dialog outcomes to the Srs, and
 * the wait until the connection is Active.
 */
import type { Dialog, DialogAssoc, Transaction } from '../../../include-types/api.js';
import type { TransportProtocol } from '../../../include-types/settings.js';
import type { SipError } from '../../../include-types/errors.js';
import { ConnectionState } from '../../../include-types/states.js';
import type { SrsSettings } from '../../../include-types/siprec.js';
import { SipClient, SipConnection, type ClientTransaction, type ServerTransaction } from '../common/api.js';
import { ObserverBase } from '../common/observer.js';
import { freeSipPort } from '../common/ports.js';

/** What the Srs is told. */
export interface SrsSipHandlers {
  /** A request outside any dialog. */
  request(tx: ServerTransaction): void;
  /** A request in a dialog. */
  inDialog(tx: ServerTransaction, dialog: Dialog): void;
  /** A request of ours in a dialog (BYE, re-INVITE) got its final response, or failed. */
  finalInDialog(tx: ClientTransaction): void;
  /** RFC 3261 §13.3.1.4: no ACK came for our 2xx (the API has sent the BYE). */
  ackTimedOut(dialog: Dialog): void;
  /** RFC 4028: the session timer expired (the API has sent the BYE), or a session refresh failed. */
  refreshFailed(error: SipError, dialog: Dialog): void;
}

/**
 * Binds the SRS's sockets; resolves once the connection is Active. `made` gets the client as
 * soon as it exists (so a failed start can still be closed).
 */
export async function openSrsSip(settings: SrsSettings, iap: string, on: SrsSipHandlers, made: (client: SipClient) => void): Promise<{ client: SipClient; connection: SipConnection }> {
  const transports: TransportProtocol[] = settings.transports ?? ['udp', 'tcp'];
  const port = settings.port === 0 && transports.length > 1 ? await freeSipPort(settings.host) : settings.port;
  const client = new SipClient({
    uid: `tsip-srs-${process.pid}-${Math.random().toString(36).slice(2)}`,
    observer: { incomingRequest: (_iap, tx) => tx.dispose(), timedOut: () => undefined },
    settings: {
      iaps: [{ id: iap, listen: transports.map((protocol) => ({ protocol, address: settings.host, port })) }],
      userAgent: settings.userAgent ?? 'tsip-srs',
      ...(settings.t1 !== undefined ? { timers: { t1: settings.t1 } } : {}),
      transportLimits: { maxConnections: 20000, ...settings.transportLimits },
      limits: { maxServerTransactions: 50000, maxClientTransactions: 50000, maxDialogs: 50000, ...settings.limits },
      ...(settings.logger ? { logger: settings.logger } : {}),
      ...(settings.clock ? { clock: settings.clock } : {}),
    },
  });
  made(client);
  let connection!: SipConnection;
  await new Promise<void>((resolve, reject) => {
    class SrsObserver extends ObserverBase {
      override incomingRequest(tx: ServerTransaction): void { on.request(tx); }
      override incomingRequestInDialog(tx: ServerTransaction, dialog: Dialog): void { on.inDialog(tx, dialog); }
      override incomingResponseInDialog(tx: ClientTransaction): void {
        if ((tx.responseElements?.statusCode ?? 0) >= 200) on.finalInDialog(tx);
      }
      override errorOccurredInDialog(_e: unknown, tx: Transaction, assoc: DialogAssoc): void {
        // A BYE of ours that failed is done too.
        if (tx.isClientTransaction) return on.finalInDialog(tx as ClientTransaction);
        if (tx.type === 'INVITE') on.ackTimedOut(assoc.dialog);
      }
      override errorOccurredInDialogRefresh(e: SipError, assoc: DialogAssoc): void { on.refreshFailed(e, assoc.dialog); }
      override connectionStateChanged(s: ConnectionState): void {
        if (s === ConnectionState.Active) resolve();
        else if (s === ConnectionState.Unavailable) reject(new Error('SRS could not bind its SIP sockets'));
      }
    }
    connection = new SipConnection(client, iap, new SrsObserver());
  });
  return { client, connection };
}
