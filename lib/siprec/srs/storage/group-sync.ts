/**
 * Group commit of directory fsyncs: what the set-ups of a burst share is synced once for all.
 *
 * A directory fsync makes durable every entry created, renamed or removed in it *before the
 * fsync started*. So callers that ask while an fsync of the same directory is still running
 * cannot join it (their entry may be newer than its start), but they can all share the next
 * one: while one runs, every request for that directory waits for a single queued fsync that
 * starts when the running one ends. No timer: under load the groups grow by themselves (the
 * longer an fsync takes, the more requests the next one covers); at rest each request costs one
 * fsync started at once, as before.
 *
 * What it is used for (recording-dir.ts, index-file.ts): the recordings root, once per group of
 * new recording directories (a burst of N set-ups: a handful of root fsyncs instead of N), and
 * each recording directory after its index is renamed in place.
 * @module
 */
import { open } from 'node:fs/promises';

/** fsyncs of one directory: the one running and the one the requests made meanwhile share. */
interface DirState {
  running: Promise<void> | undefined;
  next: Promise<void> | undefined;
}

/** fsync of a directory, off the event loop; a platform that cannot fsync a directory is not an error. */
async function fsyncDir(dir: string): Promise<void> {
  let dh;
  try {
    dh = await open(dir, 'r');
  } catch {
    return; // gone, or not openable here: nothing this process can make durable
  }
  try {
    await dh.sync();
  } catch {
    // Some platforms (and file systems) cannot fsync a directory: the renames are still atomic.
  } finally {
    await dh.close().catch(() => undefined);
  }
}

/** Group-committed directory fsyncs; see the module comment. */
export class DirSyncs {
  private readonly dirs = new Map<string, DirState>();
  /** Directory fsyncs issued so far (the group commit's effect shows as few of them per request). */
  issued = 0;

  /**
   * Resolves once `dir` was fsynced by an fsync that started after this call (so every entry
   * changed in it before the call is durable). Never rejects (see {@link fsyncDir}).
   */
  sync(dir: string): Promise<void> {
    let st = this.dirs.get(dir);
    if (!st) {
      st = { running: undefined, next: undefined };
      this.dirs.set(dir, st);
    }
    if (!st.running) return this.start(dir, st);
    // One is running: it may have started before the caller's change. Share the next one.
    st.next ??= st.running.then(() => {
      st.next = undefined;
      return this.start(dir, st);
    });
    return st.next;
  }

  private start(dir: string, st: DirState): Promise<void> {
    this.issued++;
    const p: Promise<void> = fsyncDir(dir).finally(() => {
      if (st.running !== p) return;
      st.running = undefined;
      if (!st.next) this.dirs.delete(dir);
    });
    st.running = p;
    return p;
  }
}

/** The process's group commit of directory fsyncs (every recording of every Srs shares it). */
export const dirSyncs = new DirSyncs();

/** Set-ups waiting for their turn of the event loop (see {@link nextTurn}). */
const turnQueue: (() => void)[] = [];
let turnsRunning = false;

function releaseOne(): void {
  turnQueue.shift()?.();
  if (turnQueue.length > 0) setImmediate(releaseOne);
  else turnsRunning = false;
}

/**
 * Resolves in a turn of the event loop of its own: one caller per turn, in order. The other side
 * of group commit: the fsyncs of a group end together, and the set-ups waiting for them would
 * all go on (200 OK, ACK, the answer's work) in one turn, stalling the RTP of the live sessions
 * for the whole group's CPU time. Released one per turn, the timers and socket reads of the live
 * sessions run between two set-ups. Costs nothing measurable when set-ups come one by one.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    turnQueue.push(resolve);
    if (!turnsRunning) {
      turnsRunning = true;
      setImmediate(releaseOne);
    }
  });
}
