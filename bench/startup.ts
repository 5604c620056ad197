// Start-up of the CLI and of its worker threads: the esbuild bundles of dist/bin (scripts/build-bundles.mjs)
// against the per-file ES module graph they replace (the same sources transpiled file by file, as tsc
// writes dist/src), and the library's two ES entries: dist/src (per file: browsers' bundlers) and
// dist/node (one bundle: Node's "import"), on Node and in a browser bundle.
// `npx tsx bench/startup.ts [--reps 5]` after `npm run build`; writes bench/results/startup.md.
//
// Every figure is the median of `reps` fresh processes, the variants interleaved (a, b, a, b, ...)
// so that they share the machine's load; compare them as ratios within one run.
import './sources.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { build as viteBuild, type Rollup } from 'vite';
import { loadAverage } from './jobs.js';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const reps = Number(values.reps);
const bundle = join(root, 'dist', 'bin');
if (!existsSync(join(bundle, 'backprop.js'))) throw new Error(`${bundle}/backprop.js not found: run npm run build first`);
const newest = (dir: string): number => Math.max(...readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => statSync(join(e.parentPath, e.name)).mtimeMs));
// Else the bin (cli/backprop.mjs) runs the sources through tsx, and its row measures tsx.
if (Math.max(newest(join(root, 'src')), newest(join(root, 'cli'))) > statSync(join(bundle, 'backprop.js')).mtimeMs) throw new Error('dist/bin is older than the sources: run npm run build first');
// One folder below dist/, so that the data/ folder is found from it as from dist/src.
const perFile = join(root, 'dist', 'startup-per-file');
const libBundle = join(root, 'dist', 'node');
const work = join(root, 'dist', 'startup-work');
for (const dir of [perFile, work]) rmSync(dir, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'assembly' ? [] : tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// Before: cli/ and src/ one module per file (what dist/cli/main.js was, tsc's layout).
await build({ entryPoints: [...tsFiles(join(root, 'cli')), ...tsFiles(join(root, 'src'))], outdir: perFile, outbase: root, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** Wall seconds of `node args`, from spawn to exit. */
function wall(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, BACKPROP_THREAD_PRELOAD: '' } });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

/** Seconds a script prints as its last line (a time it measured itself, in a fresh process). */
function reported(script: string): number {
  const file = join(work, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, BACKPROP_THREAD_PRELOAD: '' } });
  rmSync(file);
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  return Number(r.stdout.trim().split('\n').pop());
}

/** From `new Worker` to the fold worker's 'ready' message (it has loaded and kept a table). */
const foldReady = (worker: string) => `import { Worker } from 'node:worker_threads';
import { tableFromRecords } from ${JSON.stringify(join(root, 'dist', 'cjs', 'index.cjs'))};
const table = tableFromRecords([['a', 'b', 'y'], ['1', '2', 'p'], ['3', '4', 'q'], ['5', '6', 'p'], ['7', '8', 'q']]);
const t0 = performance.now();
const w = new Worker(${JSON.stringify(worker)}, { workerData: { table, threads: 1 } });
w.on('message', (m) => { if (m.type === 'ready') { console.log((performance.now() - t0) / 1000); w.terminate(); } });
`;
const importTime = (module: string, how: 'import' | 'require') => `import { createRequire } from 'node:module';
const t0 = performance.now();
${how === 'import' ? `await import(${JSON.stringify(module)});` : `createRequire(import.meta.url)(${JSON.stringify(module)});`}
console.log((performance.now() - t0) / 1000);
`;

interface Row { what: string; variants: [string, () => number][] }
const tmp = join(work, 'run');
mkdirSync(tmp, { recursive: true });
const cliBefore = join(perFile, 'cli', 'main.js');
const cliAfter = join(bundle, 'backprop.js');
const train = ['train', '--dataset', 'iris', '--epochs', '1', '--out', join(tmp, 'm.bpm')];
const rows: Row[] = [
  { what: '`node -e 0` (node itself)', variants: [['node', () => wall(['-e', '0'], tmp)]] },
  { what: '`backprop --version`', variants: [['per-file', () => wall([cliBefore, '--version'], tmp)], ['bundle', () => wall([cliAfter, '--version'], tmp)], ['bin → bundle', () => wall([join(root, 'cli', 'backprop.mjs'), '--version'], tmp)]] },
  { what: '`backprop train --dataset iris --epochs 1`', variants: [['per-file', () => wall([cliBefore, ...train], tmp)], ['bundle', () => wall([cliAfter, ...train], tmp)]] },
  { what: 'a fold worker, new Worker → ready', variants: [['per-file', () => reported(foldReady(join(perFile, 'src', 'training', 'foldWorker.js')))], ['bundle', () => reported(foldReady(join(bundle, 'foldWorker.js')))]] },
  { what: 'the library, import → loaded', variants: [['per-file ESM (dist/src)', () => reported(importTime(join(root, 'dist', 'src', 'index.js'), 'import'))], ['ESM bundle (dist/node)', () => reported(importTime(join(libBundle, 'index.js'), 'import'))], ['CJS bundle (dist/cjs)', () => reported(importTime(join(root, 'dist', 'cjs', 'index.cjs'), 'require'))]] },
];

const load = [loadAverage()];
const results = rows.map((row) => {
  const times = row.variants.map((): number[] => []);
  for (let r = 0; r < reps; r++) row.variants.forEach(([, run], i) => times[i]!.push(run()));
  return { what: row.what, cells: row.variants.map(([name], i) => ({ name, median: median(times[i]!) })) };
});
load.push(loadAverage());

/** Bytes of a browser bundle (Vite's production build, minified) of `code` importing the library from `entry`. */
async function browserBytes(code: string, entry: string): Promise<number> {
  const file = join(work, 'consumer.js');
  writeFileSync(file, code.replace('LIB', JSON.stringify(entry)));
  const built = await viteBuild({ configFile: false, logLevel: 'silent', root: work, build: { write: false, minify: true, rollupOptions: { input: file } } });
  const outputs = (Array.isArray(built) ? built : [built]) as Rollup.RollupOutput[];
  return outputs.flatMap((o) => o.output).reduce((n, o) => n + (o.type === 'chunk' ? Buffer.byteLength(o.code) : 0), 0);
}
const consumers: [string, string][] = [
  ['`Matrix` only', 'import { Matrix } from LIB; console.log(new Matrix(2, 2).rows);'],
  ['a model: `sequential` + `tableFromRecords`', 'import { sequential, tableFromRecords } from LIB; console.log(sequential, tableFromRecords);'],
];
const sizes: { what: string; perFile: number; bundled: number }[] = [];
for (const [what, code] of consumers) sizes.push({ what, perFile: await browserBytes(code, join(root, 'dist', 'src', 'index.js')), bundled: await browserBytes(code, join(libBundle, 'index.js')) });

const s = (x: number) => `${x.toFixed(3)} s`;
const lines = [
  `# Start-up: bundles against the per-file ES module graph`,
  '',
  `Median of ${reps} fresh processes each, variants interleaved; load average ${load.join(' → ')} (1, 5, 15 min); node ${process.version}.`,
  '',
  '| what | variants (median) | ratio (first / others) |',
  '|---|---|---|',
  ...results.map((r) => `| ${r.what} | ${r.cells.map((c) => `${c.name} ${s(c.median)}`).join('; ')} | ${r.cells.slice(1).map((c) => `${(r.cells[0]!.median / c.median).toFixed(2)}×`).join(', ') || '—'} |`),
  '',
  'Browser bundles of a consumer (a Vite production build, minified) importing the library from its per-file ESM entry or from the ES bundle:',
  '',
  '| consumer | from dist/src (per file) | from dist/node (one bundle) |',
  '|---|---|---|',
  ...sizes.map((z) => `| ${z.what} | ${(z.perFile / 1024).toFixed(1)} KiB | ${(z.bundled / 1024).toFixed(1)} KiB |`),
];
console.log(lines.join('\n'));
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'startup.md'), lines.join('\n') + '\n');
for (const dir of [perFile, work]) rmSync(dir, { recursive: true, force: true });
