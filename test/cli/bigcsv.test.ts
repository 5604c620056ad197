import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, buildEntry, events, runCli, tempDir, ROOT } from './harness.js';

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
  // Six columns (five numeric, a text label), seeded LCG: about 36 MB.
  const out = createWriteStream(file);
  out.write('a,b,c,d,e,label\n');
  let s = 1;
  const r = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const a = r();
    const b = r();
    chunk += `${a.toFixed(6)},${b.toFixed(6)},${r().toFixed(4)},${(r() * 100).toFixed(2)},${Math.floor(r() * 10)},${a + b > 1 ? 'yes' : 'no'}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((res) => out.end(() => res()));
  size = statSync(file).size;
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
