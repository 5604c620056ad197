import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildCli, buildEntry, events, runCli, tempDir, ROOT } from './harness.js';
import { writeBigCsv } from '../helpers/data.js';

const ROWS = 1_000_000;
const dir = tempDir('bigcsv');
const file = join(dir, 'big.csv');
let bin = '';
let probe = '';
let size = 0;
/** Peak RSS of an idle node process: what any run costs before it reads a byte. */
let baseline = 0;
const peak = "data:text/javascript,process.on('exit',()=>process.stderr.write('maxRSS='+process.resourceUsage().maxRSS*1024+'\\n'))";

before(async () => {
  [bin, probe] = await Promise.all([buildCli(), buildEntry(join(ROOT, 'test', 'cli', 'fixtures', 'readProbe.ts'), 'read-probe.mjs')]);
  size = await writeBigCsv(file, ROWS);
  const idle = runCli(probe.replace(/read-probe\.mjs$/, 'backprop.mjs'), ['--version'], dir, ['--import', peak]);
  baseline = Number(/maxRSS=(\d+)/.exec(idle.stderr)![1]);
});

test('a 1,000,000-row CSV is read streaming, holding about twice its size (RELIABILITY C5)', () => {
  const r = runCli(probe, [file], dir);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { rows: number; features: number; ms: number; maxRSS: number; xBytes: number; bufferBytes: number };
  assert.equal(m.rows, ROWS);
  assert.equal(m.features, 5);
  // x is the buffer the numbers were read into, sized by the line count: the values are held once.
  assert.equal(m.xBytes, ROWS * 5 * 4);
  assert.ok(m.bufferBytes <= (ROWS + 2) * 5 * 4, `x sits in a buffer of ${m.bufferBytes} bytes`);
  const ratio = (m.maxRSS - baseline) / size;
  console.log(`read ${ROWS} rows, ${(size / 1e6).toFixed(1)} MB, in ${(m.ms / 1000).toFixed(1)} s; peak RSS ${(m.maxRSS / 1e6).toFixed(0)} MB = node's ${(baseline / 1e6).toFixed(0)} MB + ${ratio.toFixed(2)} × the file`);
  assert.ok(ratio < 3, `reading holds ${ratio.toFixed(2)} × the file size`);
});

test('training one epoch on it through the CLI stays within a few times its size', () => {
  const r = runCli(bin, ['train', file, '--epochs', '1', '--layers', '8', '--batch-size', '1024', '--json', '--out', 'big.bpm'], dir, ['--import', peak]);
  assert.equal(r.code, 0, r.stderr);
  const maxRSS = Number(/maxRSS=(\d+)/.exec(r.stderr)![1]);
  const all = events(r.stdout);
  const done = all[all.length - 1] as { metrics: { validation: { rows: number; accuracy: number } } };
  assert.equal(done.metrics.validation.rows, ROWS / 5);
  assert.ok(done.metrics.validation.accuracy > 0.9);
  const ratio = (maxRSS - baseline) / size;
  console.log(`train: peak RSS ${(maxRSS / 1e6).toFixed(0)} MB = node's ${(baseline / 1e6).toFixed(0)} MB + ${ratio.toFixed(2)} × the file`);
  assert.ok(ratio < 6, `training holds ${ratio.toFixed(2)} × the file size`);
});
