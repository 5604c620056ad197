// backprop search --queue with two `backprop worker`s on a local Debian redis-server; one worker
// (with its sandboxed trial process) is killed mid-trial and the trial is finished by the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';

const BIN = join(ROOT, 'cli', 'backprop.mjs');
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
// In CI a missing server is a failure, never a silent skip (.ci/run installs it).
if (REDIS === undefined && process.env.CI === 'true') throw new Error("redis-server not found: install Debian's redis-server package (.ci/run does)");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

function scores(path: string): [number, number][] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { state?: string; number: number; value: number })
    .filter((l) => l.state === 'complete').map((l): [number, number] => [l.number, l.value]).sort((a, b) => a[0] - b[0]);
}

/**
 * Resolves with the first match of `pattern` in the child's stdout; rejects if the child exits
 * first (an event: no clock, so a slow machine only waits longer).
 */
function waitFor(child: ChildProcess, log: { text: string }, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = log.text.match(pattern);
      if (m) resolve(m);
      return m !== null;
    };
    if (check()) return;
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      if (!check()) reject(new Error(`exited (code ${code}) before ${pattern}; log: ${log.text}`));
    });
  });
}

test('trials through Redis with two workers, one killed mid-trial: every trial counted once, scores as run locally', { skip: REDIS === undefined ? 'redis-server is not installed (apt-get install redis-server)' : false }, async () => {
  const dir = tempDir('search-queue');
  const port = await freePort();
  const redis = spawn(REDIS!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const redisLog = { text: '' };
  redis.stdout!.on('data', (d: Buffer) => (redisLog.text += d.toString()));
  const workers: ChildProcess[] = [];
  try {
    await waitFor(redis, redisLog, /Ready to accept connections/);
    const url = `redis://127.0.0.1:${port}`;
    const args = ['--dataset', 'iris', '--method', 'random', '--trials', '4', '--epochs', '150', '--seed', '5'];
    const local = await cli(['search', ...args, '--jobs', '1', '--journal', join(dir, 'local.jsonl'), '--out', join(dir, 'local.bpm')]);
    assert.equal(local.code, 0, local.stderr);

    // Each worker leads its own process group, so killing the group also kills its trial process (a machine going down).
    const logs = [{ text: '' }, { text: '' }];
    for (const log of logs) {
      const w = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--lock-seconds', '2'], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      w.stdout!.on('data', (d: Buffer) => (log.text += d.toString()));
      w.stderr!.on('data', (d: Buffer) => (log.text += d.toString()));
      workers.push(w);
    }
    await Promise.all(workers.map((w, i) => waitFor(w, logs[i]!, /worker ready/)));

    const searching = cli(['search', ...args, '--jobs', '2', '--queue', url, '--journal', join(dir, 'queue.jsonl'), '--out', join(dir, 'queue.bpm')]);
    const [, killedJob] = await waitFor(workers[0]!, logs[0]!, /started job (\w+)/);
    process.kill(-workers[0]!.pid!, 'SIGKILL');
    const result = await searching;
    assert.equal(result.code, 0, result.stderr);

    assert.deepEqual(scores(join(dir, 'queue.jsonl')), scores(join(dir, 'local.jsonl')));
    const lines = readFileSync(join(dir, 'queue.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { state?: string; number: number });
    for (let n = 0; n < 4; n++) assert.equal(lines.filter((l) => l.number === n && l.state === 'complete').length, 1, `trial ${n} counted once`);
    assert.match(logs[1]!.text, new RegExp(`finished job ${killedJob}`), 'the surviving worker finished the killed worker\'s trial');
    assert.doesNotMatch(logs[0]!.text, new RegExp(`finished job ${killedJob}`));
  } finally {
    for (const w of workers) {
      try {
        process.kill(-w.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    redis.kill('SIGTERM');
    await new Promise((resolve) => redis.on('exit', resolve));
  }
});
