// Peak memory of the CLI on a 1,000,000-row CSV (RELIABILITY C5): train one epoch, then evaluate,
// each in its own process through the bin (as a user runs it, TypeScript through tsx) and through
// an esbuild bundle (as the published package runs). Prints peak RSS as a multiple of the file size,
// whole and above an idle node process. Run: npx tsx bench/reliability-memory.ts [rows]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'backprop-memory-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'big.csv');

/** Six columns (five numeric, a text label) from a seeded LCG: about 36 MB for 1e6 rows (as test/cli/bigcsv). */
async function writeCsv(): Promise<number> {
  const out = createWriteStream(file);
  out.write('a,b,c,d,e,label\n');
  let s = 1;
  const r = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
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
  return statSync(file).size;
}

const probe = "data:text/javascript,process.on('exit',()=>process.stderr.write('maxRSS='+process.resourceUsage().maxRSS*1024+'\\n'))";

function peakRss(entry: string, args: string[]): number {
  const r = spawnSync(process.execPath, ['--import', probe, entry, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
  return Number(/maxRSS=(\d+)/.exec(r.stderr)![1]);
}

const size = await writeCsv();
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
