// The CLI as the bin runs it: one esbuild bundle of cli/main.ts at dist/bin/backprop.js (the library
// inside, npm packages left external) and, beside it, one bundle per worker module it can start.
// Node then opens, resolves and compiles one file per thread instead of ~250 (the per-file ES module
// graph costs about 0.15 s of start-up in the main thread and again in every worker).
//
// Inside a bundle import.meta.url is the bundle's own URL, so a worker the sources start as
// workerEntry(import.meta.url, 'name') or new URL('./name.js', import.meta.url) must be a file
// name.js in this folder. The workers are found from the sources, not listed here: every module a
// bundle contains is searched for those two forms, each reference names <name>.ts beside the module
// that makes it, and that worker is bundled in turn (the fold worker starts kernel threads too).
// Two different modules that would both become <name>.js fail the build. The other
// import.meta.url lookups (the data/ folder, the playground's dist/, uPlot through createRequire)
// walk up from the bundle's folder and find what they find from dist/src or cli/.
// `node scripts/build-cli.mjs [--out <folder>]` (npm run build runs it; the tests build elsewhere).
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = values.out !== undefined ? resolve(values.out) : join(root, 'dist', 'bin');
/** The CLI bundle's name (dist/bin/backprop.js): no worker may take it. */
const CLI_NAME = 'backprop';

const WORKER_REFERENCES = [/workerEntry\(\s*import\.meta\.url,\s*'([\w.-]+)'\s*\)/g, /new URL\(\s*'\.\/([\w.-]+)\.js',\s*import\.meta\.url\s*\)/g];

/** The worker modules (paths relative to the root) that `file` (relative to the root) starts. */
function workersStartedBy(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const found = [];
  for (const pattern of WORKER_REFERENCES) {
    for (const m of text.matchAll(pattern)) found.push(join(dirname(file), `${m[1]}.ts`));
  }
  return found;
}

/** Bundles `entry` (relative to the root) as dist/bin/<name>.js; returns the modules it contains. */
async function bundle(entry, name) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: join(outDir, `${name}.js`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    sourcesContent: true,
    metafile: true,
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.inputs).filter((f) => f.endsWith('.ts') && !f.startsWith('node_modules/'));
}

rmSync(outDir, { recursive: true, force: true });
/** Output name → the module bundled under it, and who asked for it. */
const taken = new Map([[CLI_NAME, { entry: 'cli/main.ts', by: 'the bin' }]]);
const pending = [{ entry: 'cli/main.ts', name: CLI_NAME }];
while (pending.length > 0) {
  const { entry, name } = pending.shift();
  for (const module of await bundle(entry, name)) {
    for (const worker of workersStartedBy(module)) {
      const workerName = worker.replace(/^.*\//, '').replace(/\.ts$/, '');
      const holder = taken.get(workerName);
      if (holder !== undefined) {
        if (holder.entry === worker) continue;
        throw new Error(`build-cli: two modules would be ${workerName}.js in ${relative(root, outDir)}: ${holder.entry} (started by ${holder.by}) and ${worker} (started by ${module}); rename one of them`);
      }
      if (!existsSync(join(root, worker))) throw new Error(`build-cli: ${module} starts the worker '${workerName}', but ${worker} does not exist`);
      taken.set(workerName, { entry: worker, by: module });
      pending.push({ entry: worker, name: workerName });
    }
  }
}
const workers = [...taken].filter(([name]) => name !== CLI_NAME).map(([name, { entry }]) => `${name} (${entry})`);
console.log(`build-cli: ${relative(root, outDir)}/${CLI_NAME}.js and its workers ${workers.join(', ')}`);
