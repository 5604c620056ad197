// A local redis-server for the queue tests: on a free loopback port, no persistence unless asked,
// stopped (and restartable on the same port) by the test. Waits are on events (a line printed),
// never on clocks, so a slow machine only waits longer.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../cli/harness.js';

export const BIN = join(ROOT, 'cli', 'backprop.mjs');
export const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
// In CI a missing server is a failure, never a silent skip (.ci/run installs it).
if (REDIS === undefined && process.env.CI === 'true') throw new Error("redis-server not found: install Debian's redis-server package (.ci/run does)");
export const SKIP_NO_REDIS = REDIS === undefined ? 'redis-server is not installed (apt-get install redis-server)' : false;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A child's output so far (stdout and stderr). */
export interface Log {
  text: string;
}

/**
 * Resolves with the first match of `pattern` in the log (from offset `from`); rejects if the
 * child exits first.
 */
export function waitFor(child: ChildProcess, log: Log, pattern: RegExp, from = 0): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = log.text.slice(from).match(pattern);
      if (m) {
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        resolve(m);
      }
      return m !== null;
    };
    if (check()) return;
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      // Let the last output arrive first.
      setImmediate(() => {
        if (!check()) reject(new Error(`exited (code ${code}) before ${pattern}; log: ${log.text.slice(-2000)}`));
      });
    });
  });
}

/** Spawns a process whose stdout and stderr go to one log; `detached` makes it a group leader (kill -pid kills its children too). */
export function spawnLogged(command: string, args: readonly string[], options: { cwd?: string; detached?: boolean } = {}): { child: ChildProcess; log: Log } {
  const child = spawn(command, args, { cwd: options.cwd, detached: options.detached ?? false, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const log: Log = { text: '' };
  child.stdout!.on('data', (d: Buffer) => (log.text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log.text += d.toString()));
  return { child, log };
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A redis-server on a port; `stop` ends it (SIGKILL: a crash) and `start` brings it back on the same port. */
export class LocalRedis {
  private server: { child: ChildProcess; log: Log } | undefined;

  private constructor(readonly port: number, private readonly dir: string | undefined) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `dir` given: the server saves its data there (RDB on shutdown), so a restart keeps it. */
  static async start(dir?: string): Promise<LocalRedis> {
    const r = new LocalRedis(await freePort(), dir);
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    const persist = this.dir !== undefined ? ['--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'] : ['--save', '', '--appendonly', 'no'];
    this.server = spawnLogged(REDIS!, ['--port', String(this.port), '--bind', '127.0.0.1', ...persist]);
    await waitFor(this.server.child, this.server.log, /Ready to accept connections/);
  }

  /** Kills the server (SIGKILL: without persistence its data is gone). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s === undefined || s.child.exitCode !== null) return;
    s.child.kill('SIGKILL');
    await exited(s.child);
  }
}

/** Kills a detached child's whole process group, ignoring one that is gone already. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}
