/** samples/parse-siprec-invite.ts reads the SIPREC INVITE the way an SRS must. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

const run = (...args: string[]) => spawnSync(process.execPath, [...nodeArgsFor('samples/parse-siprec-invite.ts'), ...args], { encoding: 'utf8', timeout: 30_000 });

t.test('prints the recording indications, the labelled streams and who sends which', async (t) => {
  const r = run();
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /Require: siprec\s+\(siprec: true\)/);
  t.match(r.stdout, /\+sip\.src: true/);
  t.match(r.stdout, /m=audio port 12240 codecs PCMU\/PCMA label 1 sendonly/);
  t.match(r.stdout, /disposition recording-session/);
  t.match(r.stdout, /Alice <sip:alice@atlanta\.example\.com> sends label 1, receives label 2/);
});

t.test('a broken message is reported with the parse reason and exit code 1', async (t) => {
  const bad = join(t.testdir(), 'bad.sip');
  writeFileSync(bad, 'INVITE sip:x@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nCSeq: abc INVITE\nContent-Length: 0\n\n');
  const r = run(bad);
  t.equal(r.status, 1);
  t.match(r.stderr, /cannot read .*bad\.sip: /);
});
