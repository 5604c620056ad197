// Streaming benchmark (issue 24): peak RSS of a streamed run against the file's size, and the rows
// per second of each streamed epoch against the in-memory path's on a file that fits (200 MB or less).
//   npm run bench:stream -- [--sizes 100,1000] [--presets tabular,small] [--epochs 2] [--keep]
// Files are generated in $TMPDIR by bench/streamData.ts and deleted afterwards (unless --keep).
import './sources.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const option = (name: string, fallback: string) => (argv.includes(name) && argv[argv.indexOf(name) + 1] !== undefined ? argv[argv.indexOf(name) + 1]! : fallback);
const sizes = option('--sizes', '100,1000').split(',').map(Number);
// Both presets: tabular (the default: 2×256, training dominates) and small (32-16, reading dominates).
const presets = option('--presets', 'tabular,small').split(',');
// Epoch 1 parses the CSV (and writes the cache); epoch 2 reads the cache.
const epochs = Number(option('--epochs', '2'));
const work = join(tmpdir(), 'backprop-bench-stream');
mkdirSync(work, { recursive: true });
const child = join(ROOT, 'test-output', 'bench-stream-child.js');
// The kernel threads' script beside the bundle, where the library looks for it (new URL('./kernelWorker.js', import.meta.url)).
await build({
  entryPoints: { 'bench-stream-child': join(ROOT, 'bench', 'streamChild.ts'), kernelWorker: join(ROOT, 'src', 'kernels', 'pool', 'kernelWorker.ts') },
  outdir: join(ROOT, 'test-output'), bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error',
});

interface Result { readonly maxRssMB: number; readonly epochRowsPerSecond: number[]; readonly trainRows: number; readonly seconds: number }

/** One train run in a child process: its epochs' rows per second (from the epoch events) and peak RSS. */
function train(file: string, mode: '--stream' | '--no-stream', preset: string, extra: readonly string[] = []): Result {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [child, 'train', file, mode, '--preset', preset, '--epochs', String(epochs), '--no-early-stopping', ...extra, '--json', '--out', join(work, 'm.bpm')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const tail = r.stderr.trim().split('\n').at(-1)!;
  const { maxRssMB, code } = JSON.parse(tail) as { maxRssMB: number; code: number };
  if (code !== 0) throw new Error(`train ${mode} failed: ${r.stderr.slice(0, 2000)}`);
  const ev = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const trainRows = (ev.find((e) => e.event === 'done') as { trainRows?: number }).trainRows ?? (ev.find((e) => e.event === 'start') as { trainRows: number }).trainRows;
  const epochRowsPerSecond = (ev.filter((e) => e.event === 'epoch') as { ms: number }[]).map((e) => trainRows / (e.ms / 1000));
  return { maxRssMB, trainRows, epochRowsPerSecond, seconds };
}

const fmt = (n: number | undefined) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const rows: string[] = [];
const ratios: string[] = [];
for (const mb of sizes) {
  const file = join(work, `d${mb}.csv`);
  if (!existsSync(file)) spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'streamData.ts'), file, String(mb)], { stdio: 'inherit' });
  const size = statSync(file).size / 1e6;
  // Compared with the in-memory path: no validation rows, so an epoch's time is its training alone
  // (the in-memory run validates on 20 % of the rows, the streamed one on at most 100,000).
  const compared = mb <= 200;
  const extra = compared ? ['--validation-split', '0'] : [];
  for (const preset of compared ? presets : presets.slice(0, 1)) {
    const load = loadavg()[0]!.toFixed(1);
    const s = train(file, '--stream', preset, extra);
    rows.push(`| ${size.toFixed(0)} MB | ${preset} | streamed | ${s.maxRssMB.toFixed(0)} MB | ${s.trainRows.toLocaleString('en-US')} | ${s.epochRowsPerSecond.map(fmt).join(' / ')} | ${s.seconds.toFixed(0)} s | ${load} |`);
    console.log(rows.at(-1));
    if (!compared) continue;
    const load2 = loadavg()[0]!.toFixed(1);
    const m = train(file, '--no-stream', preset, extra);
    rows.push(`| ${size.toFixed(0)} MB | ${preset} | in memory | ${m.maxRssMB.toFixed(0)} MB | ${m.trainRows.toLocaleString('en-US')} | ${m.epochRowsPerSecond.map(fmt).join(' / ')} | ${m.seconds.toFixed(0)} s | ${load2} |`);
    console.log(rows.at(-1));
    ratios.push(`${size.toFixed(0)} MB, preset ${preset}: rows/s streamed / in memory, epoch by epoch: ${s.epochRowsPerSecond.map((v, i) => (v / m.epochRowsPerSecond[i]!).toFixed(2)).join(' / ')}`);
    console.log(ratios.at(-1));
  }
  if (!keep) rmSync(file, { force: true });
}
console.log(['| file | preset | path | peak RSS | training rows | rows/s, epoch 1 / 2 | wall (all passes) | load avg |', '|---|---|---|---|---|---|---|---|', ...rows, '', ...ratios].join('\n'));
