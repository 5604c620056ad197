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
