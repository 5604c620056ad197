// The jobs' queue (src/training/jobQueue.ts): this thread's runner starts at once, a worker that
// joins later takes what is still queued, one task per runner, tasks in the order asked; a
// runner that leaves takes no more; stop rejects what has not started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue, type JobRunner } from '../../src/training/jobQueue.js';

/** A runner whose tasks end when the test says so. */
function manual(name: string, log: string[]): JobRunner<number, string> & { finish(): void; running: number[] } {
  const ends: (() => void)[] = [];
  const running: number[] = [];
  return {
    running,
    run(task) {
      log.push(`${name}:${task}`);
      running.push(task);
      return new Promise((resolve) => ends.push(() => resolve(`${task}@${name}`)));
    },
    finish() {
      running.shift();
      ends.shift()!();
    },
  };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

test('this thread starts at once; a worker that joins takes the queued tasks; results in order asked', async () => {
  const log: string[] = [];
  const q = new JobQueue<number, string>();
  const here = manual('here', log);
  const worker = manual('worker', log);
  q.join(here);
  const results = [0, 1, 2, 3].map((t) => q.run(t));
  await tick();
  assert.deepEqual(log, ['here:0'], 'one task per runner: the rest wait');
  assert.equal(q.queued, 3);
  q.join(worker);
  await tick();
  assert.deepEqual(log, ['here:0', 'worker:1']);
  here.finish();
  await tick();
  assert.deepEqual(log, ['here:0', 'worker:1', 'here:2'], 'the freed runner takes the next task');
  worker.finish();
  await tick();
  here.finish();
  await tick();
  worker.finish();
  assert.deepEqual(await Promise.all(results), ['0@here', '1@worker', '2@here', '3@worker']);
  assert.deepEqual([...q.started.values()], [2, 2]);
});

test('a task asked when its caller hears of the last result goes to the runner just freed', async () => {
  const log: string[] = [];
  const q = new JobQueue<number, string>();
  const here = manual('here', log);
  q.join(here);
  const second = q.run(0).then(() => q.run(1));
  here.finish();
  await tick();
  assert.deepEqual(log, ['here:0', 'here:1']);
  here.finish();
  assert.equal(await second, '1@here');
});

test('a runner that leaves takes no more tasks; stop rejects the tasks not started', async () => {
  const log: string[] = [];
  const q = new JobQueue<number, string>();
  const a = manual('a', log);
  const b = manual('b', log);
  q.join(a);
  q.join(b);
  const first = [q.run(0), q.run(1)];
  await tick();
  assert.deepEqual(log, ['b:0', 'a:1'], 'the runner that joined last is taken first');
  q.leave(b);
  const later = [q.run(2), q.run(3)];
  b.finish();
  await tick();
  assert.deepEqual(log, ['b:0', 'a:1'], 'b left: it takes nothing more');
  a.finish();
  await tick();
  assert.deepEqual(log, ['b:0', 'a:1', 'a:2']);
  assert.deepEqual(await Promise.all(first), ['0@b', '1@a']);
  q.stop(new Error('stopped'));
  await assert.rejects(later[1]!, /stopped/);
  a.finish();
  assert.equal(await later[0]!, '2@a');
  await assert.rejects(q.run(4), /stopped/);
});
