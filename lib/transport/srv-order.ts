/**
 * RFC 2782 ordering of SRV records: by priority, then a weighted random choice within each priority.
 */
import type { SrvRecord } from './dns-lookup.js';

/**
 * Orders SRV records the way a client should try them. `random` returns a number in [0, 1)
 * (injectable so tests are deterministic). Records whose target is "." (service not offered,
 * RFC 2782) are left out.
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const usable = records.filter((r) => r.name !== '.' && r.name !== '');
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const out: SrvRecord[] = [];
  for (const priority of priorities) {
    // RFC 2782: weight-0 records first, then repeatedly pick by running sum of weights.
    const pool = usable
      .filter((r) => r.priority === priority)
      .sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (pool.length > 0) {
      const total = pool.reduce((sum, r) => sum + r.weight, 0);
      const pick = Math.floor(random() * (total + 1));
      let running = 0;
      let index = pool.length - 1;
      for (let i = 0; i < pool.length; i++) {
        running += pool[i].weight;
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(pool[index]);
      pool.splice(index, 1);
    }
  }
  return out;
}
