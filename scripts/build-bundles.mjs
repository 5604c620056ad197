// The esbuild bundles Node runs: the CLI as the bin starts it, dist/bin/backprop.js (cli/main.ts with
// the library inside), and the library's ES module for Node, dist/node/index.js (src/index.ts, the
// package's "import" under the "node" condition; browser bundlers keep dist/src, file by file, which
// they tree-shake). npm packages stay external. Beside each, one bundle per worker module it can
// start. Node then opens, resolves and compiles one file per thread instead of ~250 (the per-file
// ES module graph costs ~0.15 s of start-up, in the main thread and again in every worker).
//
// Inside a bundle import.meta.url is the bundle's own URL, so a worker the sources start as
// workerEntry(import.meta.url, 'name') or new URL('./name.js', import.meta.url) must be a file
// name.js in the bundle's folder. The workers are found from the sources, not listed here: every
// module a bundle contains is searched for those two forms, each reference names <name>.ts beside
// the module that makes it, and that worker is bundled in turn (the fold worker starts kernel
// threads too). Two different modules that would both become one <name>.js fail the build. The
// other import.meta.url lookups (the data/ folder, the playground's dist/, uPlot through
// createRequire) walk up from the bundle's folder and find what they find from dist/src or cli/.
//
// `node scripts/build-bundles.mjs [--out <folder>]` writes <folder>/bin and <folder>/node (default
// dist/; npm run build runs it after tsc, the tests build elsewhere). What it wrote goes to stderr
// (stdout is npm pack --json's, which runs the build).
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out !== undefined ? resolve(values.out) : join(root, 'dist');

/** What is bundled: an entry module (relative to the root), its bundle's name and folder (relative to `out`). */
const TARGETS = [
  { entry: 'cli/main.ts', name: 'backprop', folder: 'bin', what: 'the bin' },
  { entry: 'src/index.ts', name: 'index', folder: 'node', what: 'the package\'s "import" on Node' },
];

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

const COMMON = { absWorkingDir: root, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' };

/** The modules of the sources that a bundle of `entry` (relative to the root) would contain. */
async function modulesOf(entry) {
  const result = await build({ ...COMMON, entryPoints: [entry], outdir: 'unused', write: false, metafile: true });
  return Object.keys(result.metafile.inputs).filter((f) => f.endsWith('.ts') && !f.startsWith('node_modules/'));
}

/** Bundles `target` and every worker it starts into one folder; returns the workers' names. */
async function bundleWithWorkers(target) {
  const dir = join(out, target.folder);
  rmSync(dir, { recursive: true, force: true });
  /** Output name → the module bundled under it, and who starts it. */
  const taken = new Map([[target.name, { entry: target.entry, by: target.what }]]);
  const pending = [{ entry: target.entry, name: target.name }];
  while (pending.length > 0) {
    const { entry } = pending.shift();
    for (const module of await modulesOf(entry)) {
      for (const worker of workersStartedBy(module)) {
        const workerName = worker.replace(/^.*\//, '').replace(/\.ts$/, '');
        const holder = taken.get(workerName);
        if (holder !== undefined) {
          if (holder.entry === worker) continue;
          throw new Error(`build-bundles: two modules would be ${workerName}.js in ${relative(root, dir)}: ${holder.entry} (started by ${holder.by}) and ${worker} (started by ${module}); rename one of them`);
        }
        if (!existsSync(join(root, worker))) throw new Error(`build-bundles: ${module} starts the worker '${workerName}', but ${worker} does not exist`);
        taken.set(workerName, { entry: worker, by: module });
        pending.push({ entry: worker, name: workerName });
      }
    }
  }
  // One build of the entry and its workers: the code they share goes into chunks beside them
  // (each thread still opens a handful of files), not into a copy of the library per worker.
  await build({
    ...COMMON,
    entryPoints: Object.fromEntries([...taken].map(([name, { entry }]) => [name, entry])),
    outdir: dir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    sourcemap: true,
    sourcesContent: true,
  });
  return [...taken.keys()].filter((n) => n !== target.name);
}

for (const target of TARGETS) {
  const workers = await bundleWithWorkers(target);
  console.error(`build-bundles: ${relative(root, join(out, target.folder, target.name))}.js (${target.entry}) and its workers ${workers.join(', ')}`);
}
