// The bin run from the TypeScript sources (a clone without a current build) starts the library's
// kernel threads with the same loader: no "failed to start" fallback to one thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { ROOT, tempDir } from '../cli/harness.js';

test('the bin through tsx gives its kernel threads the tsx loader (BACKPROP_THREAD_PRELOAD not set by the caller)', () => {
  const dir = tempDir('bin-threads');
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.BACKPROP_THREAD_PRELOAD;
  // 'auto' cuts a 128 × 256 × 256 product (2^23 multiply-adds) over the threads whenever the machine has 2 cores or more.
  const r = spawnSync(process.execPath, [join(ROOT, 'cli', 'backprop.mjs'), 'train', '--dataset', 'digits', '--layers', '256,256', '--batch-size', '128', '--epochs', '1', '--out', join(dir, 'm.bpm')], { cwd: dir, encoding: 'utf8', env, timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr + r.stdout, /failed to start/);
  if (availableParallelism() >= 2) assert.match(r.stdout, /kernels on \d+ threads \(auto: \d+ cores; products up to 128×256×256 cut over them\)/);
});
