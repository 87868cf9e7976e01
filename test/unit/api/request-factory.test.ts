// Call-IDs come from the pooled random bytes (lib/message/random-pool.ts, issue 15): still globally unique
// (RFC 3261 §8.1.1.4), 128 random bits in hex.
import t from 'tap';
import { newCallId } from '../../../lib/api/internal/request-factory.js';

t.test('newCallId: 32 hex digits @tsip, never twice', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const id = newCallId();
    if (!/^[0-9a-f]{32}@tsip$/.test(id)) t.fail(`bad Call-ID ${id}`);
    seen.add(id);
  }
  t.equal(seen.size, 2000, 'all distinct');
});
