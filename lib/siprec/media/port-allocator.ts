/**
 * Even RTP ports from a configured range, RTCP on port + 1 (RFC 3550 §11).
 * Exhaustion is a typed error (MediaError PortsExhausted) the SRS maps to 503.
 */
import { MediaError, MediaErrorCode } from './errors.js';

/** Options of {@link PortAllocator}. */
export interface PortAllocatorOptions {
  /** Lowest RTP port (rounded up to even; default 20000). */
  min?: number;
  /** Highest port usable for RTCP (default 29999); the last RTP port is the even one below it. */
  max?: number;
}

/** Hands out even RTP ports round-robin, so a just-freed port is not reused at once. */
export class PortAllocator {
  /** First RTP port. */
  readonly min: number;
  /** Last RTP port. */
  readonly maxRtp: number;
  private readonly used = new Set<number>();
  private next: number;

  /** @param opts - see {@link PortAllocatorOptions} */
  constructor(opts: PortAllocatorOptions = {}) {
    const min = opts.min ?? 20000;
    const max = opts.max ?? 29999;
    this.min = min + (min & 1);
    this.maxRtp = (max - 1) - ((max - 1) & 1);
    if (this.min < 1024 || this.maxRtp > 65534 || this.min > this.maxRtp) {
      throw new RangeError(`invalid RTP port range ${min}-${max}`);
    }
    this.next = this.min;
  }

  /** Pairs in the range. */
  get capacity(): number {
    return (this.maxRtp - this.min) / 2 + 1;
  }

  /** Pairs handed out and not released. */
  get inUse(): number {
    return this.used.size;
  }

  /** Pairs still free. */
  get available(): number {
    return this.capacity - this.used.size;
  }

  /** Reserves an even RTP port (RTCP = port + 1). Throws MediaError(PortsExhausted). */
  allocate(): number {
    for (let i = 0; i < this.capacity; i++) {
      const port = this.next;
      this.next = port + 2 > this.maxRtp ? this.min : port + 2;
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
    throw new MediaError(MediaErrorCode.PortsExhausted, `no free RTP port in ${this.min}-${this.maxRtp + 1}`);
  }

  /** Gives a port back; unknown ports are ignored. */
  release(port: number): void {
    this.used.delete(port);
  }

  /** True when `port` is handed out. */
  isAllocated(port: number): boolean {
    return this.used.has(port);
  }
}
