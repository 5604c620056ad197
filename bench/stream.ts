// Streaming benchmark (issue 24): peak RSS of one streamed epoch against the file's size, and the
// rows per second of a streamed epoch against the in-memory path on a file that fits.
//   npm run bench:stream -- [--sizes 100,1000] [--keep]
// Files are generated in $TMPDIR by bench/streamData.ts and deleted afterwards (unless --keep).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const sizes = (argv[argv.indexOf('--sizes') + 1] && argv.includes('--sizes') ? argv[argv.indexOf('--sizes') + 1]! : '100,1000').split(',').map(Number);
const keep = argv.includes('--keep');
const work = join(tmpdir(), 'backprop-bench-stream');
mkdirSync(work, { recursive: true });
const child = join(ROOT, 'test-output', 'bench-stream-child.js');
// The kernel threads' script beside the bundle, where the library looks for it (new URL('./kernelWorker.js', import.meta.url)).
await build({
  entryPoints: { 'bench-stream-child': join(ROOT, 'bench', 'streamChild.ts'), kernelWorker: join(ROOT, 'src', 'kernels', 'pool', 'kernelWorker.ts') },
  outdir: join(ROOT, 'test-output'), bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error',
});

interface Result { readonly maxRssMB: number; readonly rowsPerSecond: number; readonly trainRows: number; readonly seconds: number }

function train(file: string, mode: '--stream' | '--no-stream'): Result {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [child, 'train', file, mode, '--epochs', '1', '--no-early-stopping', '--json', '--out', join(work, 'm.bpm')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const tail = r.stderr.trim().split('\n').at(-1)!;
  const { maxRssMB, code } = JSON.parse(tail) as { maxRssMB: number; code: number };
  if (code !== 0) throw new Error(`train ${mode} failed: ${r.stderr.slice(0, 2000)}`);
  const ev = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const epoch = ev.find((e) => e.event === 'epoch') as { ms: number };
  const trainRows = (ev.find((e) => e.event === 'done') as { trainRows?: number }).trainRows ?? (ev.find((e) => e.event === 'start') as { trainRows: number }).trainRows;
  return { maxRssMB, trainRows, rowsPerSecond: trainRows / (epoch.ms / 1000), seconds };
}

const rows: string[] = [];
for (const mb of sizes) {
  const file = join(work, `d${mb}.csv`);
  if (!existsSync(file)) spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'streamData.ts'), file, String(mb)], { stdio: 'inherit' });
  const size = statSync(file).size / 1e6;
  const load = loadavg()[0]!.toFixed(1);
  const s = train(file, '--stream');
  rows.push(`| ${size.toFixed(0)} MB | streamed | ${s.maxRssMB.toFixed(0)} MB | ${s.trainRows.toLocaleString('en-US')} | ${Math.round(s.rowsPerSecond).toLocaleString('en-US')} | ${s.seconds.toFixed(0)} s | ${load} |`);
  console.log(rows.at(-1));
  if (mb <= 200) {
    const m = train(file, '--no-stream');
    rows.push(`| ${size.toFixed(0)} MB | in memory | ${m.maxRssMB.toFixed(0)} MB | ${m.trainRows.toLocaleString('en-US')} | ${Math.round(m.rowsPerSecond).toLocaleString('en-US')} | ${m.seconds.toFixed(0)} s | ${loadavg()[0]!.toFixed(1)} |`);
    console.log(rows.at(-1));
    console.log(`rows/s streamed / in memory: ${(s.rowsPerSecond / m.rowsPerSecond).toFixed(2)}`);
  }
  if (!keep) rmSync(file, { force: true });
}
console.log(['| file | path | peak RSS | training rows | rows/s (epoch) | wall (both passes) | load avg |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
