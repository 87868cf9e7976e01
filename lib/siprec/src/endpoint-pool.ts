/**
 * A pool of bound RTP/RTCP endpoints for the forks of one user agent: binding and closing four
 * UDP sockets per recorded call cost more CPU than the SIP of the call, so a recording that ends
 * gives its endpoints back and the next one takes them (bounded; the rest are closed).
 */
import { RtpEndpoint, type PortAllocator } from '../media/index.js';

/** Bound endpoints kept for reuse. */
export class EndpointPool {
  private readonly idle: RtpEndpoint[] = [];
  private closed = false;

  /**
   * @param address - local address to bind
   * @param allocator - port range
   * @param max - most idle endpoints kept (default 256)
   */
  constructor(private readonly address: string, private readonly allocator: PortAllocator, private readonly max = 256) {}

  /** Idle endpoints. */
  get size(): number {
    return this.idle.length;
  }

  /** An endpoint: a pooled one, else a newly bound pair. */
  async acquire(): Promise<RtpEndpoint> {
    const ep = this.idle.pop();
    if (ep) return ep;
    return RtpEndpoint.bindFromAllocator(this.allocator, this.address);
  }

  /** Gives an endpoint back (handlers cleared), or closes it when the pool is full or closed. */
  async release(ep: RtpEndpoint): Promise<void> {
    ep.onPacket(() => undefined);
    ep.onRtcp(() => undefined);
    if (this.closed || this.idle.length >= this.max) await ep.close();
    else this.idle.push(ep);
  }

  /** Closes every idle endpoint; later releases close theirs. */
  async close(): Promise<void> {
    this.closed = true;
    const all = this.idle.splice(0);
    await Promise.all(all.map((e) => e.close()));
  }
}
