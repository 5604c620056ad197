// Peak memory of the CLI on a 1,000,000-row CSV (RELIABILITY C5): train one epoch, then evaluate,
// each in its own process through the bin (as a user runs it, TypeScript through tsx) and through
// an esbuild bundle (as the published package runs). Prints peak RSS as a multiple of the file size,
// whole and above an idle node process. Run: npx tsx bench/reliability-memory.ts [rows]
import './sources.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { writeBigCsv } from '../test/helpers/data.js';

const root = resolve(import.meta.dirname, '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'backprop-memory-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'big.csv');


const probe = "data:text/javascript,process.on('exit',()=>process.stderr.write('maxRSS='+process.resourceUsage().maxRSS*1024+'\\n'))";

function peakRss(entry: string, args: string[]): number {
  const r = spawnSync(process.execPath, ['--import', probe, entry, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
  return Number(/maxRSS=(\d+)/.exec(r.stderr)![1]);
}

const size = await writeBigCsv(file, rows);
// Bundled inside the repository (as test/cli/harness does) so its packages resolve from node_modules.
const bundleDir = join(root, 'test-output', `memory-${process.pid}`);
process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));
const bundle = join(bundleDir, 'backprop.mjs');
await build({ entryPoints: [join(root, 'cli', 'main.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });

console.log(`${rows} rows, ${(size / 1e6).toFixed(1)} MB CSV`);
for (const [label, entry] of [['bin (tsx)', join(root, 'cli', 'backprop.mjs')], ['bundle', bundle]] as const) {
  const idle = peakRss(entry, ['--version']);
  const train = peakRss(entry, ['train', file, '--epochs', '1', '--layers', '8', '--batch-size', '1024', '--json', '--out', join(dir, 'big.bpm')]);
  const evaluate = peakRss(entry, ['evaluate', join(dir, 'big.bpm'), file, '--json']);
  const show = (what: string, rss: number) =>
    `  ${label.padEnd(10)} ${what.padEnd(9)} peak RSS ${(rss / 1e6).toFixed(0)} MB = ${(rss / size).toFixed(2)} × the file; above idle node (${(idle / 1e6).toFixed(0)} MB): ${((rss - idle) / size).toFixed(2)} ×`;
  console.log(show('train', train));
  console.log(show('evaluate', evaluate));
}
