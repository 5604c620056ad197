import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadModel } from '../../src/index.js';
import { ROOT, buildCli, runCli, startCli, tempDir } from './harness.js';

let bin = '';
const dir = tempDir('interrupt');
before(async () => {
  bin = await buildCli();
});

/**
 * Starts a long run (early stopping off, so only the signal can end it) and resolves once stdout
 * holds `epochs` epoch lines: an event, not a clock. Rejects if the child exits first.
 */
function startUntilEpoch(args: readonly string[], epochs: number) {
  const child = startCli(bin, args, dir);
  const out = { stdout: '', stderr: '' };
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  const reached = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out.stdout += d.toString();
      const seen = out.stdout.match(/^Epoch \d+\//gm)?.length ?? 0;
      if (seen >= epochs) resolve(seen);
    });
    void exited.then(([code]) => reject(new Error(`the run ended (code ${code}) before epoch line ${epochs}; stdout: ${out.stdout}; stderr: ${out.stderr}`)));
  });
  return { child, out, exited, reached };
}

test('Ctrl-C stops after the current batch, writes a checkpoint atomically, says where, exits 130; the checkpoint resumes (RELIABILITY T4)', async () => {
  const run = startUntilEpoch(['train', '--dataset', 'digits', '--epochs', '100000', '--no-early-stopping', '--batch-size', '8', '--out', 'ckpt.bpm'], 2);
  const seen = await run.reached;
  run.child.kill('SIGINT');
  const [code, signal] = await run.exited;
  const { stderr } = run.out;
  assert.equal(signal, null);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /Interrupted: stopping after the current batch/);
  const m = /Interrupted at epoch (\d+)\/100000: checkpoint saved to ckpt\.bpm\. Resume with: backprop train --dataset digits --resume ckpt\.bpm --epochs 100000/.exec(stderr);
  assert.ok(m, stderr);
  // Stopped at an epoch boundary of its own output, not at the end of the run: the checkpoint holds
  // exactly the epochs it printed (the partial one discarded). How many epochs pass between the
  // parent's kill and the child's handling depends on the machine's speed, so it is not asserted.
  const printed = run.out.stdout.match(/^Epoch \d+\//gm)?.length ?? 0;
  assert.ok(Number(m[1]) >= seen && Number(m[1]) <= printed && Number(m[1]) < 100000, `stopped at epoch ${m[1]}; ${seen} epoch lines seen when the signal was sent, ${printed} printed in all`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('ckpt')), ['ckpt.bpm'], 'no temporary file left');
  const saved = loadModel(join(dir, 'ckpt.bpm'));
  assert.equal(saved.training!.epoch, Number(m[1]));
  assert.equal(saved.training!.history!.epoch.length, Number(m[1]));

  const resumed = runCli(bin, ['train', '--resume', 'ckpt.bpm', '--epochs', String(Number(m[1]) + 2), '--out', 'after.bpm'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`Resume  from epoch ${m[1]}`));
  assert.equal(loadModel(join(dir, 'after.bpm')).training!.epoch, Number(m[1]) + 2);
});

/** Node's flag that preloads fixtures/ctrlCMidEpoch.mjs: Ctrl-C once the progress bar shows an epoch from the second on part-way. */
const CTRL_C_MID_EPOCH = ['--import', pathToFileURL(join(ROOT, 'test', 'cli', 'fixtures', 'ctrlCMidEpoch.mjs')).href];

/** Runs the CLI with Ctrl-C inside an epoch from the second on, on an event (the bar's k of n batches), never a clock. */
async function interruptMidEpoch(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...CTRL_C_MID_EPOCH, bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stderr };
}

/**
 * 50,000 rows (40,000 training rows: an epoch of 40,000 steps at batch size 1), early stopping off;
 * noisy moons, so that no batch's loss is near 0 (the divergence guard compares with the first).
 */
const DATA = ['train', '--dataset', 'moons', '--samples', '50000', '--noise', '0.4', '--batch-size', '1', '--seed', '4', '--no-early-stopping'];

test('Ctrl-C mid-epoch discards the partial epoch and says so; --resume then equals the uninterrupted run bit for bit (RELIABILITY R7)', async () => {
  const run = await interruptMidEpoch([...DATA, '--epochs', '100000', '--out', 'cut.bpm', '--checkpoint', 'every.bpm']);
  assert.equal(run.code, 130, run.stderr);
  const m = /Epoch (\d+) was interrupted part-way and discarded: the model and checkpoint hold (\d+) complete epochs?/.exec(run.stderr);
  assert.ok(m, run.stderr);
  const done = Number(m[2]);
  assert.ok(done >= 1, run.stderr);
  assert.equal(Number(m[1]), done + 1);
  for (const file of ['cut.bpm', 'every.bpm']) {
    const t = loadModel(join(dir, file)).training!;
    assert.equal(t.epoch, done, file);
    assert.deepEqual(t.history!.epoch, Array.from({ length: done }, (_, i) => i), `${file} holds no partial epoch`);
  }

  const resumed = runCli(bin, ['train', '--resume', 'cut.bpm', '--epochs', String(done + 1), '--out', 'resumed.bpm'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  const straight = runCli(bin, [...DATA, '--epochs', String(done + 1), '--out', 'straight.bpm'], dir);
  assert.equal(straight.code, 0, straight.stderr);
  const a = loadModel(join(dir, 'resumed.bpm'));
  const b = loadModel(join(dir, 'straight.bpm'));
  const wa = a.network.getWeights().flat(2);
  const wb = b.network.getWeights().flat(2);
  assert.equal(wa.length, wb.length);
  assert.equal(Math.max(...wa.map((v, i) => Math.abs(v - wb[i]!))), 0, 'max |Δw|');
  assert.deepEqual(a.training!.history!.history.loss, b.training!.history!.history.loss);
});
