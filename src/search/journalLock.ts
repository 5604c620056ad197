/**
 * One search per journal at a time. Two searches appending to one journal would each run every
 * trial and interleave their numbers, so a study takes `<journal>.lock` (created with O_EXCL)
 * and a second one is refused, naming the holder. A lock left by a process that died on this
 * machine (kill -9, a crash) is taken over; one from another machine is only named, since its
 * process cannot be checked from here.
 */
import type * as OsModule from 'node:os';
import { processIsAlive } from '../io/file.js';
import { InputError } from '../core/errors.js';
import { nodeBuiltins, nodeModule } from '../core/nodeBuiltins.js';

/** Who holds a journal: what the lock file records. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The journal is in use by another search; `holder` says by whom (undefined when the lock file cannot be read). */
export class JournalLockedError extends InputError {
  constructor(message: string, readonly journal: string, readonly holder: LockHolder | undefined) {
    super(message);
  }
}

const held = new Set<string>();
let exitHook = false;

function hostname(): string {
  return nodeModule<typeof OsModule>('node:os')?.hostname() ?? 'unknown';
}


function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const h = JSON.parse(nodeBuiltins('a search journal').fs.readFileSync(lockPath, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.since === 'string' ? { pid: h.pid, host: h.host, since: h.since } : undefined;
  } catch {
    return undefined;
  }
}

/** The lock file of a journal. */
export function lockPathOf(journal: string): string {
  return `${journal}.lock`;
}

/** Takes the journal's lock or throws JournalLockedError naming the holder; returns the function that releases it. */
export function lockJournal(journal: string): () => void {
  const { fs } = nodeBuiltins('a search journal');
  const lockPath = lockPathOf(journal);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      try {
        fs.writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new InputError(`journal ${JSON.stringify(journal)}: cannot create its lock file ${JSON.stringify(lockPath)} (${code ?? String(e)})`);
      const holder = readHolder(lockPath);
      const stale = holder !== undefined && holder.host === me.host && holder.pid !== process.pid && !processIsAlive(holder.pid);
      if (stale && attempt === 0) {
        // Its process is gone: take the lock over (a racing second search then finds ours).
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      const who = holder === undefined ? 'another search' : holder.pid === process.pid && holder.host === me.host ? `another Study in this process (since ${holder.since}); close it first` : `pid ${holder.pid} on ${holder.host} (since ${holder.since})`;
      throw new JournalLockedError(
        `journal ${JSON.stringify(journal)} is in use by ${who}; two searches on one journal would run every trial twice. Wait for it to end or give another journal file; if that search is gone (its machine went down), remove ${JSON.stringify(lockPath)}`,
        journal,
        holder,
      );
    }
  }
  held.add(lockPath);
  if (!exitHook) {
    exitHook = true;
    // A process that exits without closing (process.exit on a second Ctrl-C) leaves no lock behind.
    process.on('exit', () => {
      for (const p of held) fs.rmSync(p, { force: true });
    });
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(lockPath);
    if (readHolder(lockPath)?.pid === process.pid) fs.rmSync(lockPath, { force: true });
  };
}
