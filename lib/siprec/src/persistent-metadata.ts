/**
 * The metadata of a persistent recording session (RFC 7866 §10): an RS that outlives its calls.
 * Each attached call (CS) keeps its own {@link SessionMetadata} (its session_id, participants,
 * streams and associations, with the entry's extensions); the RS's documents are made from them:
 *
 * - the complete snapshot (initial INVITE, failover, an SRS's snapshot request, RFC 7866 §9.1)
 *   holds the calls attached now. With none it holds no CS at all: RFC 7865 lets an RS have zero
 *   CSs (persistent recording), so the RS is set up before any call. Calls already detached are
 *   left out (choice: the SRS saw their disassociation; a complete snapshot describes what the RS
 *   records now, and keeping every past call would grow it without bound over a day of calls);
 * - attaching a call is a partial update (RFC 7865 `datamode` partial) carrying the new CS: its
 *   `session` with start-time, `sessionrecordingassoc` with associate-time, its participants,
 *   `participantsessionassoc`, its `stream`s and `participantstreamassoc`s;
 * - the call's `stream` elements get new stream_ids with `session_id` of the new CS and the
 *   `label` of the RS m-line they use (RFC 7865: the label ties a stream element to the RS's
 *   SDP). Reusing an m-line for another CS is thus told by a new stream element with the same
 *   label, never by changing an old one (choice where the RFC is loose: ids stay stable and
 *   immutable; the SRS sees which CS owns a label from the latest associated stream element);
 * - detaching it is a partial update with the CS's `stop-time` and the `sessionrecordingassoc`
 *   `disassociate-time` (MetadataBuilder.sessionEnded), or the disassociation alone when the call
 *   goes on unrecorded (MetadataBuilder.recordingDisassociated).
 */
import type { RecordingChanges, SrcMetadataExtensions } from '../../../include-types/siprec.js';
import type { PersistentCallParams } from '../../../include-types/siprec-persistent.js';
import { buildMetadata, parseMetadata } from '../metadata/index.js';
import { merge, SessionMetadata, type SessionMetadataLike } from './session-metadata.js';

/** The metadata of one persistent RS over the calls attached to it in turn. */
export class PersistentMetadata implements SessionMetadataLike {
  private readonly calls = new Map<string, SessionMetadata>();

  /** @param ext - the entry's metadata extensions, added to each call's CS */
  constructor(private readonly ext: SrcMetadataExtensions = {}) {}

  /** Call-IDs attached now, in attach order. */
  get attached(): string[] {
    return [...this.calls.keys()];
  }

  /** The session_id of the call attached most recently ('' before the first): what events report. */
  get eventSessionId(): string {
    const ids = [...this.calls.values()];
    return ids.length === 0 ? '' : ids[ids.length - 1].sessionId;
  }

  /** The metadata session_id of an attached call. */
  sessionId(callId: string): string | undefined {
    return this.calls.get(callId)?.sessionId;
  }

  /** Attaches a call; returns the partial update that associates its CS with the RS. */
  attach(call: PersistentCallParams): string {
    if (this.calls.has(call.callId)) throw new RangeError(`call ${call.callId} is already attached`);
    const meta = new SessionMetadata({ ...call }, this.ext);
    this.calls.set(call.callId, meta);
    return buildMetadata({ ...meta.completeModel(), dataMode: 'partial' });
  }

  /**
   * Detaches a call; returns the partial update that ends its CS (`callEnded`: stop-time and
   * disassociation) or only disassociates it from the RS.
   */
  detach(callId: string, callEnded: boolean, reason: string): string {
    const meta = this.calls.get(callId);
    if (!meta) throw new RangeError(`call ${callId} is not attached`);
    this.calls.delete(callId);
    return callEnded ? meta.endedXml(reason) : meta.disassociatedXml();
  }

  /** A partial update for changes within an attached call (participants, hold, streams on free labels). */
  callChangesXml(callId: string, changes: RecordingChanges): string {
    const meta = this.calls.get(callId);
    if (!meta) throw new RangeError(`call ${callId} is not attached`);
    return meta.changesXml(changes);
  }

  /** The complete snapshot: the calls attached now (none: an RS without CS, RFC 7866 §10). */
  completeXml(): string {
    return buildMetadata(merge([...this.calls.values()].map((m) => m.completeModel()), 'complete'));
  }

  /** Changes go per call ({@link callChangesXml}); the RS itself has none of its own. */
  changesXml(): string {
    throw new RangeError('a persistent recording session takes changes per attached call (updateCall)');
  }

  /**
   * Before the RS's BYE (close): every call still attached ends with it (stop-time and
   * disassociation, in one partial update); with none attached there is nothing to send.
   */
  endedXml(reason: string): string | undefined {
    return this.endAll((m) => m.endedXml(reason));
  }

  /** The recording stops, the calls go on: their disassociation alone. */
  disassociatedXml(): string | undefined {
    return this.endAll((m) => m.disassociatedXml());
  }

  private endAll(part: (m: SessionMetadata) => string): string | undefined {
    if (this.calls.size === 0) return undefined;
    const xml = [...this.calls.values()].map(part);
    this.calls.clear();
    return xml.length === 1 ? xml[0] : joinPartials(xml);
  }
}

/** Several partial documents as one (each parsed back: the builders hand out XML). */
function joinPartials(xml: string[]): string {
  return buildMetadata(merge(xml.map((x) => parseMetadata(Buffer.from(x)))));
}
