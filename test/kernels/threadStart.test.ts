// Kernel threads start without blocking the calling thread. Their modules may load through loader
// hooks that need the caller's event loop (tsx registered at run time): a caller that waited in
// Atomics.wait for them never returned. The fixture's threads load only after the caller answers
// on a BroadcastChannel (test/helpers/gatedPreload.mjs), so a blocking start hangs it for ever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/gatedStart.ts', import.meta.url));
const preload = (name: string) => pathToFileURL(fileURLToPath(new URL(`../helpers/${name}`, import.meta.url))).href;
const run = (gated: boolean): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, BACKPROP_THREAD_PRELOAD: preload(gated ? 'gatedPreload.mjs' : 'threadPreload.mjs') }, stdio: ['ignore', 'pipe', 'pipe'] });

/** Guard without a clock: the same script with ungated threads, run again and again beside the tested one; if it ends GUARD_RUNS times first, the tested one hung. */
const GUARD_RUNS = 20;

test('a synchronous predict does not wait for kernel threads to start; once started they cut the product with the same bits', async () => {
  const child = run(true);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit');
  let finished = false;
  let reference: ChildProcess | undefined;
  let referenceRuns = 0;
  const guard = (async () => {
    while (!finished && referenceRuns < GUARD_RUNS) {
      reference = run(false);
      await once(reference, 'exit');
      referenceRuns++;
    }
    if (!finished) child.kill('SIGKILL');
  })();
  const [code] = await exited;
  finished = true;
  reference?.kill('SIGKILL');
  await guard;
  assert.ok(referenceRuns < GUARD_RUNS, `hung: the ungated script ran ${referenceRuns} times while the gated one did not end`);
  assert.equal(code, 0, err.split('\n').slice(-5).join('\n'));
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | boolean>;
  assert.equal(r.knocks, 1, 'the one kernel thread knocked once and was let in by the event loop');
  assert.equal(r.startedDuringFirst, 1, 'the first predict ran on the calling thread alone');
  assert.equal(r.firstSame, true, 'uncut first predict: the bits of one thread');
  assert.equal(r.threads, 2);
  assert.equal(r.starts, 1, 'the background start and the awaited one were the same start');
  assert.ok((r.cut as number) >= 2, `the second predict was cut over the threads (${r.cut} commands)`);
  assert.equal(r.secondSame, true, 'cut predict: the bits of one thread');
});
