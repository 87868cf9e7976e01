import t from 'tap';
import { newTag } from '../../../lib/message/index.js';
import { randomToken, randomUuid } from '../../../lib/message/random-pool.js';
import { newBranch } from '../../../lib/transaction/index.js';

t.test('tags are 12 hex digits (48 random bits, RFC 3261 §19.3) and never repeat across pool refills', async (t) => {
  const seen = new Set<string>();
  // 5000 tags draw 30 000 bytes: several refills of the 4 kB pool
  const malformed: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const tag = newTag();
    if (!/^[0-9a-f]{12}$/.test(tag)) malformed.push(tag);
    seen.add(tag);
  }
  t.same(malformed, []);
  t.equal(seen.size, 5000);
});

t.test('branches carry the magic cookie and 96 random bits as 16 base64url characters, unique', async (t) => {
  const seen = new Set<string>();
  const malformed: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const branch = newBranch();
    if (!/^z9hG4bK[A-Za-z0-9_-]{16}$/.test(branch)) malformed.push(branch);
    seen.add(branch);
  }
  t.same(malformed, []);
  t.equal(seen.size, 3000);
});

t.test('tokens of mixed sizes share the pool without overlapping bytes, and look random', async (t) => {
  const bytes: number[] = [];
  let wrongLength = 0;
  for (let i = 0; i < 2000; i++) {
    const n = 1 + (i % 13);
    const hex = randomToken(n, 'hex');
    if (hex.length !== 2 * n) wrongLength++;
    for (let j = 0; j < hex.length; j += 2) bytes.push(parseInt(hex.slice(j, j + 2), 16));
  }
  t.equal(wrongLength, 0);
  // ~14 000 bytes: each of the 256 values appears about 55 times; a stuck or reused pool would not
  const counts = new Array<number>(256).fill(0);
  for (const b of bytes) counts[b]++;
  t.ok(Math.min(...counts) > 15, `every byte value appears (min ${Math.min(...counts)})`);
  t.ok(Math.max(...counts) < 110, `no byte value dominates (max ${Math.max(...counts)})`);
  // consecutive tokens are different bytes, not a repeat of the previous draw
  const a = randomToken(8, 'hex');
  const b = randomToken(8, 'hex');
  t.not(a, b);
});

t.test('UUIDs from the pool are version 4 with the RFC 9562 variant, unique across refills', async (t) => {
  const seen = new Set<string>();
  const malformed: string[] = [];
  // 600 UUIDs draw 9 600 bytes: two refills of the 4 kB pool
  for (let i = 0; i < 600; i++) {
    const hex = randomUuid('hex');
    if (!/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/.test(hex)) malformed.push(hex);
    seen.add(hex);
  }
  t.same(malformed, []);
  t.equal(seen.size, 600);
  t.match(randomUuid('base64'), /^[A-Za-z0-9+/]{22}==$/);
});
