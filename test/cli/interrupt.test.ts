import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../src/index.js';
import { buildCli, runCli, startCli, tempDir } from './harness.js';

let bin = '';
const dir = tempDir('interrupt');
before(async () => {
  bin = await buildCli();
});

test('Ctrl-C stops after the current batch, writes a checkpoint atomically, says where, exits 130; the checkpoint resumes (RELIABILITY T4)', async () => {
  const child = startCli(bin, ['train', '--dataset', 'digits', '--epochs', '100000', '--batch-size', '8', '--out', 'ckpt.bpm'], dir);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no epoch line within 30 s; stdout: ${stdout}; stderr: ${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/Epoch 2\/100000/.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const sent = performance.now();
  child.kill('SIGINT');
  const [code, signal] = await exited;
  const ms = performance.now() - sent;
  assert.equal(signal, null);
  assert.equal(code, 130, stderr);
  assert.ok(ms < 5000, `stopped ${ms.toFixed(0)} ms after the signal`);
  assert.match(stderr, /Interrupted: stopping after the current batch/);
  const m = /Interrupted at epoch (\d+)\/100000: checkpoint saved to ckpt\.bpm\. Resume with: backprop train --dataset digits --resume ckpt\.bpm --epochs 100000/.exec(stderr);
  assert.ok(m, stderr);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('ckpt')), ['ckpt.bpm'], 'no temporary file left');
  const saved = loadModel(join(dir, 'ckpt.bpm'));
  assert.equal(saved.training!.epoch, Number(m[1]));
  assert.equal(saved.training!.history!.epoch.length, Number(m[1]));

  const resumed = runCli(bin, ['train', '--resume', 'ckpt.bpm', '--epochs', String(Number(m[1]) + 2), '--out', 'after.bpm'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`Resume  from epoch ${m[1]}`));
  assert.equal(loadModel(join(dir, 'after.bpm')).training!.epoch, Number(m[1]) + 2);
});

/**
 * Starts a long run and sends SIGINT half an epoch after an epoch line (the time between two
 * epoch lines measured), so that it lands mid-epoch; returns stderr and the exit code.
 */
async function interruptMidEpoch(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = startCli(bin, args, dir);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const times: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no epoch lines within 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      while (times.length < 2 && new RegExp(`Epoch ${times.length + 1}/`).test(stdout)) times.push(performance.now());
      if (times.length === 2) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, (times[1]! - times[0]!) / 2));
  child.kill('SIGINT');
  return { code: await exited, stderr };
}

test('Ctrl-C mid-epoch discards the partial epoch and says so; --resume then equals the uninterrupted run bit for bit (RELIABILITY R7)', async () => {
  const message = /Epoch (\d+) was interrupted part-way and discarded: the model and checkpoint hold (\d+) complete epochs?/;
  let m: RegExpExecArray | null = null;
  // Batch size 1 makes an epoch (1,437 steps) long against the loop's 50 ms yields, so the signal is
  // seen mid-epoch; one that happens to arrive between epochs discards nothing: try again.
  for (let attempt = 0; attempt < 4 && m === null; attempt++) {
    const run = await interruptMidEpoch(['train', '--dataset', 'digits', '--epochs', '100000', '--batch-size', '1', '--seed', '4', '--out', 'cut.bpm', '--checkpoint', 'every.bpm']);
    assert.equal(run.code, 130, run.stderr);
    m = message.exec(run.stderr);
  }
  assert.ok(m, 'no interrupt landed mid-epoch in 4 tries');
  const done = Number(m[2]);
  assert.equal(Number(m[1]), done + 1);
  for (const file of ['cut.bpm', 'every.bpm']) {
    const t = loadModel(join(dir, file)).training!;
    assert.equal(t.epoch, done, file);
    assert.deepEqual(t.history!.epoch, Array.from({ length: done }, (_, i) => i), `${file} holds no partial epoch`);
  }

  const resumed = runCli(bin, ['train', '--resume', 'cut.bpm', '--epochs', String(done + 1), '--out', 'resumed.bpm'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  const straight = runCli(bin, ['train', '--dataset', 'digits', '--epochs', String(done + 1), '--batch-size', '1', '--seed', '4', '--out', 'straight.bpm'], dir);
  assert.equal(straight.code, 0, straight.stderr);
  const a = loadModel(join(dir, 'resumed.bpm'));
  const b = loadModel(join(dir, 'straight.bpm'));
  const wa = a.network.getWeights().flat(2);
  const wb = b.network.getWeights().flat(2);
  assert.equal(wa.length, wb.length);
  assert.equal(Math.max(...wa.map((v, i) => Math.abs(v - wb[i]!))), 0, 'max |Δw|');
  assert.deepEqual(a.training!.history!.history.loss, b.training!.history!.history.loss);
});
