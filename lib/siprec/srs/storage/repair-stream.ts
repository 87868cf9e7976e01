/**
 * Repairs of the stream files a crash left (recover.ts, rebuild-index.ts): WAV sizes from the
 * file length, a torn last rtpdump or message-log record cut off; the counts found go into the
 * index entry.
 */
import { existsSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { repairWav } from '../../media/index.js';
import type { IndexStream } from './index-file.js';
import { parseMessageLog } from './message-log.js';
import { readRtpdump, repairRtpdump } from './rtpdump.js';

/** Repairs a WAV's sizes after a crash; its seconds of audio (0 when missing or cut short in its header). */
export function repairedWavSeconds(p: string): number {
  if (!existsSync(p)) return 0;
  try {
    return repairWav(p).durationSeconds;
  } catch {
    return 0;
  }
}

/** Repairs one stream's main file after a crash and updates its counts in `s`. */
export function repairStream(dir: string, s: IndexStream): void {
  const p = join(dir, s.file);
  if (!existsSync(p)) return;
  const format = s.format ?? 'wav';
  if (format === 'wav') {
    try {
      s.durationSeconds = repairWav(p).durationSeconds;
    } catch {
      s.durationSeconds = 0; // a header cut short by the crash: nothing to play
    }
    return;
  }
  if (format === 'msrp') {
    const buf = readFileSync(p);
    const msgs = parseMessageLog(buf);
    const keep = msgs.length === 0 ? 0 : msgs.at(-1)!.body.byteOffset - buf.byteOffset + msgs.at(-1)!.body.length + 1;
    if (keep < buf.length) truncateSync(p, keep);
    s.packets = s.messages = msgs.length;
    s.bytes = msgs.reduce((n, m) => n + m.body.length, 0);
    return;
  }
  const fixed = repairRtpdump(p);
  s.packets = fixed.packets;
  s.rtcpPackets = fixed.rtcpPackets;
  try {
    const recs = readRtpdump(p).records.filter((x) => !x.rtcp);
    s.bytes = recs.reduce((n, x) => n + x.data.length, 0);
    s.durationSeconds = recs.length ? (recs.at(-1)!.offsetMs - recs[0].offsetMs) / 1000 : 0;
  } catch {
    s.durationSeconds = 0; // headers cut short by the crash
  }
  if (s.transcript !== undefined && existsSync(join(dir, s.transcript))) s.textBytes = statSync(join(dir, s.transcript)).size;
}
