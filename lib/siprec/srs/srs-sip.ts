/**
 * The SRS's SIP side on the API: its own SipClient with one IAP (UDP and TCP on one port by
 * default, TLS on its own port with `SrsSettings.tls`), the connection observer that hands requests and in-dialog outcomes to the Srs, and
 * the wait until the connection is Active.
 */
import type { Dialog, DialogAssoc, Transaction } from '../../../include-types/api.js';
import type { AdmissionRefusal, ListenSettings, NewRequestInfo, TransportProtocol } from '../../../include-types/settings.js';
import type { SipError } from '../../../include-types/errors.js';
import { ConnectionState } from '../../../include-types/states.js';
import type { SrsSettings } from '../../../include-types/siprec.js';
import { SipClient, SipConnection, type ClientTransaction, type ServerTransaction } from '../common/api.js';
import { ObserverBase } from '../common/observer.js';
import { freeSipPort } from '../common/ports.js';
import { srsTlsPlan } from '../common/tls-settings.js';

/**
 * The SRS's TLS port: `SrsTlsSettings.port` if set; else beside TCP on `port` + 1 (5061 next to
 * 5060, RFC 3261 §19.1.2's pair), any free one for port 0; TLS alone takes `port` itself.
 */
function tlsPort(port: number, plain: readonly TransportProtocol[], asked: number | undefined): number {
  if (asked !== undefined) return asked;
  if (!plain.includes('tcp')) return port;
  return port === 0 || port >= 65535 ? 0 : port + 1;
}

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
  /** The stack's admission of a new request outside a dialog (`SipStackSettings.admission`). */
  admission(info: NewRequestInfo): AdmissionRefusal | undefined;
}

/**
 * Binds the SRS's sockets; resolves once the connection is Active. `made` gets the client as
 * soon as it exists (so a failed start can still be closed).
 */
export async function openSrsSip(settings: SrsSettings, iap: string, on: SrsSipHandlers, made: (client: SipClient) => void): Promise<{ client: SipClient; connection: SipConnection }> {
  const tls = srsTlsPlan(settings);
  const transports: TransportProtocol[] = settings.transports ?? (tls ? ['udp', 'tcp', 'tls'] : ['udp', 'tcp']);
  // UDP and TCP (and WebSocket) share one port; TLS needs its own (TCP holds that one).
  const plain = transports.filter((p) => p !== 'tls');
  const port = settings.port === 0 && plain.length > 1 ? await freeSipPort(settings.host) : settings.port;
  const listen: ListenSettings[] = plain.map((protocol) => ({ protocol, address: settings.host, port }));
  if (tls) listen.push({ protocol: 'tls', address: settings.host, port: tlsPort(settings.port, plain, tls.port), tls: tls.listener });
  const client = new SipClient({
    uid: `tsip-srs-${process.pid}-${Math.random().toString(36).slice(2)}`,
    observer: { incomingRequest: (_iap, tx) => tx.dispose(), timedOut: () => undefined },
    settings: {
      iaps: [{ id: iap, listen }],
      userAgent: settings.userAgent ?? 'tsip-srs',
      ...(settings.t1 !== undefined ? { timers: { t1: settings.t1 } } : {}),
      transportLimits: { maxConnections: 20000, ...settings.transportLimits },
      limits: { maxServerTransactions: 50000, maxClientTransactions: 50000, maxDialogs: 50000, ...settings.limits },
      ...(settings.logger ? { logger: settings.logger } : {}),
      ...(settings.clock ? { clock: settings.clock } : {}),
      admission: (info) => on.admission(info),
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
        else if (s === ConnectionState.Unavailable) reject(new Error(`SRS could not bind its SIP sockets${connection?.startFailure ? `: ${connection.startFailure.message}` : ''}`));
      }
    }
    connection = new SipConnection(client, iap, new SrsObserver());
  });
  return { client, connection };
}
