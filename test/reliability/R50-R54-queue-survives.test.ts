// R50-R54: a search on many machines that survives its faults, against a local redis-server the test
// starts, kills and restarts: pruning across workers, Redis restarted with and without its data,
// the coordinator killed and started again with the same command, a worker stopped by SIGTERM.
// Every wait is on an event (a line printed, a process exiting), never on a clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../cli/harness.js';
import { BIN, exited, killGroup, LocalRedis, SKIP_NO_REDIS, spawnLogged, waitFor, type Log } from '../helpers/redis.js';
import type { ChildProcess } from 'node:child_process';

interface Line {
  type: string;
  number?: number;
  state?: string;
  value?: number;
}

function journal(path: string): Line[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
}

/** number → [state, value] of the finished trials. */
function outcomes(path: string): Map<number, [string, number | undefined]> {
  const m = new Map<number, [string, number | undefined]>();
  for (const l of journal(path)) if (l.type === 'trial' && l.state !== 'running') m.set(l.number!, [l.state!, l.value]);
  return m;
}

/** Each trial finished exactly once in the journal. */
function finishedOnce(path: string, total: number): void {
  const finished = journal(path).filter((l) => l.type === 'trial' && l.state !== 'running').map((l) => l.number!);
  assert.deepEqual(finished.slice().sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i), `each of the ${total} trials finished once: ${finished.join(',')}`);
}

function startWorker(url: string, dir: string): { child: ChildProcess; log: Log } {
  return spawnLogged(process.execPath, [BIN, 'worker', '--queue', url, '--lock-seconds', '3'], { cwd: dir, detached: true });
}

function search(dir: string, args: readonly string[]): { child: ChildProcess; log: Log } {
  return spawnLogged(process.execPath, [BIN, 'search', ...args], { cwd: dir, detached: true });
}

async function finish(p: { child: ChildProcess; log: Log }): Promise<string> {
  const code = await exited(p.child);
  assert.equal(code, 0, p.log.text.slice(-3000));
  return p.log.text;
}

const SEARCH = ['--dataset', 'iris', '--method', 'random', '--seed', '4', '--jobs', '1'];

test('R50 queue: pruning across workers decides as a local search does (halving and median)', { skip: SKIP_NO_REDIS }, async () => {
  const dir = tempDir('queue-prune');
  const redis = await LocalRedis.start();
  const worker = startWorker(redis.url, dir);
  try {
    await waitFor(worker.child, worker.log, /worker ready/);
    for (const [pruner, trials] of [['halving', '6'], ['median', '12']] as const) {
      const args = [...SEARCH, '--trials', trials, '--epochs', '12', '--pruner', pruner];
      await finish(search(dir, [...args, '--journal', join(dir, `local-${pruner}.jsonl`), '--out', join(dir, 'l.bpm')]));
      await finish(search(dir, [...args, '--queue', redis.url, '--journal', join(dir, `queue-${pruner}.jsonl`), '--out', join(dir, 'q.bpm')]));
      const local = outcomes(join(dir, `local-${pruner}.jsonl`));
      const queued = outcomes(join(dir, `queue-${pruner}.jsonl`));
      assert.deepEqual(queued, local, `${pruner}: the same trials pruned and the same values through the queue`);
      assert.ok([...local.values()].some(([s]) => s === 'pruned'), `${pruner} pruned some trial`);
      assert.ok([...local.values()].some(([s]) => s === 'complete'));
      // The per-epoch reports reached the coordinator's journal.
      assert.ok(journal(join(dir, `queue-${pruner}.jsonl`)).some((l) => l.type === 'report'));
    }
    assert.match(worker.log.text, /finished job \w+: trial \d+ pruned at epoch \d+/);
  } finally {
    killGroup(worker.child);
    await redis.stop();
  }
});

for (const persist of [false, true]) {
  test(`R51/R52 queue: Redis killed mid-trial and restarted ${persist ? 'with its data (append-only file)' : 'empty'}: the search ends with every trial once, scores as run locally`, { skip: SKIP_NO_REDIS }, async () => {
    const dir = tempDir('queue-redis');
    const redis = await LocalRedis.start(persist ? dir : undefined);
    const workers = [startWorker(redis.url, dir), startWorker(redis.url, dir)];
    try {
      const args = [...SEARCH, '--trials', '4', '--epochs', '150'];
      await finish(search(dir, [...args, '--journal', join(dir, 'local.jsonl'), '--out', join(dir, 'l.bpm')]));
      await Promise.all(workers.map((w) => waitFor(w.child, w.log, /worker ready/)));
      const coordinator = search(dir, [...args, '--jobs', '2', '--queue', redis.url, '--journal', join(dir, 'queue.jsonl'), '--out', join(dir, 'q.bpm')]);
      const [, inFlight] = await waitFor(workers[0]!.child, workers[0]!.log, /started job (\w+)/);
      await redis.stop();
      await redis.start();
      const out = await finish(coordinator);
      assert.match(out, /Queue {3}lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+; reconnecting/);
      assert.match(out, /Queue {3}reconnected: \d+ trials in flight looked up again/);
      if (!persist) {
        // Redis lost the trial in flight: the coordinator added it again and a worker ran it again.
        assert.match(out, /added again \(Redis had lost them\)/);
        const starts = workers.map((w) => w.log.text.match(new RegExp(`started job ${inFlight}`, 'g'))?.length ?? 0);
        assert.ok(starts[0]! + starts[1]! >= 2, `the lost trial ran again: ${starts.join(', ')}`);
      }
      finishedOnce(join(dir, 'queue.jsonl'), 4);
      assert.deepEqual(outcomes(join(dir, 'queue.jsonl')), outcomes(join(dir, 'local.jsonl')));
    } finally {
      for (const w of workers) killGroup(w.child);
      await redis.stop();
    }
  });
}

test('R53 queue: the coordinator killed and started again with the same command resumes from its journal; the workers keep serving', { skip: SKIP_NO_REDIS }, async () => {
  const dir = tempDir('queue-coordinator');
  const redis = await LocalRedis.start();
  const worker = startWorker(redis.url, dir);
  try {
    const args = [...SEARCH, '--trials', '5', '--epochs', '120', '--queue', redis.url, '--journal', join(dir, 'queue.jsonl'), '--out', join(dir, 'q.bpm'), '--json'];
    await waitFor(worker.child, worker.log, /worker ready/);
    const first = search(dir, args);
    await waitFor(first.child, first.log, /"state":"complete"/);
    await waitFor(worker.child, worker.log, /started job \w+: trial 1\b/);
    killGroup(first.child);
    await exited(first.child);
    const again = search(dir, args);
    const out = await finish(again);
    assert.match(out, /"event":"resume"/);
    finishedOnce(join(dir, 'queue.jsonl'), 5);
    assert.equal(worker.child.exitCode, null, 'the worker kept serving');
    // The trial in flight when the coordinator died was run once: its job id was found again.
    const [, job] = worker.log.text.match(/started job (\w+): trial 1\b/)!;
    assert.equal(worker.log.text.match(new RegExp(`finished job ${job}`, 'g'))?.length, 1);
  } finally {
    killGroup(worker.child);
    await redis.stop();
  }
});

test('R54 queue: a worker stopped by SIGTERM finishes its trial, says so and exits 0', { skip: SKIP_NO_REDIS }, async () => {
  const dir = tempDir('queue-sigterm');
  const redis = await LocalRedis.start();
  const worker = startWorker(redis.url, dir);
  try {
    await waitFor(worker.child, worker.log, /worker ready/);
    const coordinator = search(dir, [...SEARCH, '--trials', '1', '--epochs', '150', '--queue', redis.url, '--journal', join(dir, 'q.jsonl'), '--out', join(dir, 'q.bpm')]);
    const [, job] = await waitFor(worker.child, worker.log, /started job (\w+): trial 0 \(/);
    worker.child.kill('SIGTERM');
    assert.equal(await exited(worker.child), 0);
    const log = worker.log.text;
    assert.ok(log.indexOf('stopping after the running trials') < log.indexOf(`finished job ${job}: trial 0, loss`), log);
    assert.match(log, /stopped\n$/);
    await finish(coordinator);
    finishedOnce(join(dir, 'q.jsonl'), 1);
  } finally {
    killGroup(worker.child);
    await redis.stop();
  }
});
