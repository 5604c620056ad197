// The CLI's bundles (scripts/build-bundles.mjs): built into a tree shaped like the installed package
// (the bin, dist/bin, data/, no TypeScript sources), so the bin runs the bundle and every worker
// thread can only start from the bundled worker files beside it. There: train, cv --jobs 2,
// search --jobs 2 and a product cut over kernel threads run, and their output says the threads
// did the work; --debug stack traces point at the .ts sources. A worker name wanted by two
// modules fails the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/harness.js';

const cores = availableParallelism();

function buildInto(source: string, out: string): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [join(source, 'scripts', 'build-bundles.mjs'), '--out', out], { cwd: source, encoding: 'utf8' });
}

/** A package-shaped tree: the bin, the bundles, the data, the dependencies; no sources. */
function packageTree(): string {
  const dir = tempDir('bundle');
  const built = buildInto(ROOT, join(dir, 'dist'));
  assert.equal(built.status, 0, String(built.stderr));
  mkdirSync(join(dir, 'cli'));
  copyFileSync(join(ROOT, 'cli', 'backprop.mjs'), join(dir, 'cli', 'backprop.mjs'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'data'), join(dir, 'data'), 'dir');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

const tree = packageTree();
const work = tempDir('bundle-run');

/** The bin of the tree, with no loader for worker threads given by the caller (the tests' own is tsx). */
function bin(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.BACKPROP_THREAD_PRELOAD;
  const r = spawnSync(process.execPath, [join(tree, 'cli', 'backprop.mjs'), ...args], { cwd: work, encoding: 'utf8', env, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Where the Jobs line says the folds or trials ran: [on this thread, on worker threads]. */
function placement(stdout: string, what: 'folds' | 'trials'): [number, number] {
  const line = /^Jobs +(.*)$/m.exec(stdout)?.[1];
  assert.ok(line !== undefined, `no Jobs line in:\n${stdout}`);
  console.log(`# Jobs ${line}`);
  const here = Number(new RegExp(`(\\d+) on this thread`).exec(line)?.[1] ?? 0);
  const there = Number(/(\d+) on \d+ worker threads?/.exec(line)?.[1] ?? 0);
  assert.match(line, new RegExp(`^\\d+ ${what}: `));
  return [here, there];
}

test('the build writes the CLI bundle and one bundle per worker it starts (and the library\'s for Node), each with a source map carrying its sources', () => {
  const files = readdirSync(join(tree, 'dist', 'bin')).sort();
  // The entries by name; the code they share in chunks beside them (chunk-<hash>.js), each with its map.
  assert.deepEqual(files.filter((f) => !f.startsWith('chunk-')), ['backprop.js', 'backprop.js.map', 'foldWorker.js', 'foldWorker.js.map', 'kernelWorker.js', 'kernelWorker.js.map', 'processor.js', 'processor.js.map', 'thread.js', 'thread.js.map']);
  const chunks = files.filter((f) => f.startsWith('chunk-'));
  assert.ok(chunks.length >= 2 && chunks.every((f) => /^chunk-\w+\.js(\.map)?$/.test(f)) && chunks.filter((f) => f.endsWith('.map')).length * 2 === chunks.length, chunks.join(', '));
  // Shared, not copied: the library's code is in the bin's folder once (under 6 MB with the maps).
  const bytes = files.reduce((sum, f) => sum + statSync(join(tree, 'dist', 'bin', f)).size, 0);
  assert.ok(bytes < 6e6, `dist/bin holds ${bytes} bytes`);
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    const { sources, sourcesContent } = JSON.parse(readFileSync(join(tree, 'dist', 'bin', map), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    // (A chunk of esbuild's own helpers has no source.)
    assert.ok((sources.length > 0 || map.startsWith('chunk-')) && sources.every((f) => f.endsWith('.ts')), `${map}: ${sources.slice(0, 3).join(', ')}`);
    assert.equal(sourcesContent?.filter((c) => typeof c === 'string').length, sources.length, `${map} carries its sources`);
  }
  assert.deepEqual(readdirSync(join(tree, 'dist', 'node')).filter((f) => f.endsWith('.js') && !f.startsWith('chunk-')).sort(), ['foldWorker.js', 'index.js', 'kernelWorker.js'], "the library's bundle for Node and its workers");
  assert.ok(!existsSync(join(tree, 'cli', 'main.ts')), 'no sources: the bin can only run the bundle');
});

test('the bin runs the bundle: --version, and train on the bundled iris set', () => {
  const version = bin(['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  const r = bin(['train', '--dataset', 'iris', '--epochs', '40', '--seed', '2', '--out', join(work, 'iris.bpm')]);
  assert.equal(r.code, 0, r.stderr);
  const accuracy = Number(/│ accuracy +│ +([\d.]+)/.exec(r.stdout)?.[1]);
  assert.ok(accuracy > 0.8, `training accuracy ${accuracy}:\n${r.stdout}`);
  assert.ok(existsSync(join(work, 'iris.bpm')));
});

test('a product large enough for kernel threads runs on them from the bundled kernel worker', { skip: cores < 2 ? 'one core' : false }, () => {
  // 'auto' cuts a 128 × 256 × 256 product (2^23 multiply-adds) over the threads whenever the machine has 2 cores or more.
  const r = bin(['train', '--dataset', 'digits', '--layers', '256,256', '--batch-size', '128', '--epochs', '1', '--out', join(work, 'digits.bpm')]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /failed to start/);
  assert.match(r.stdout, /kernels on \d+ threads \(auto: \d+ cores; products up to 128×256×256 cut over them\)/);
});

// The worker joins once loaded, while this thread already trains: the folds and trials are sized
// (each many times a worker's start-up) so that the worker takes some of them. On a machine so
// loaded that the worker is still loading when all are done, the Jobs line says so: that passes
// too (no clock decides the test); a worker that fails to load from the bundle is a Warning.
test('cv --jobs 2 trains folds on a worker thread started from the bundled fold worker, scoring as --jobs 1', { skip: cores < 2 ? 'one core' : false }, () => {
  const args = ['cv', join(ROOT, 'data', 'digits.csv'), '--folds', '4', '--layers', '64', '--batch-size', '32', '--epochs', '30', '--no-early-stopping', '--seed', '3'];
  const two = bin([...args, '--jobs', '2']);
  assert.equal(two.code, 0, two.stderr);
  assert.doesNotMatch(two.stdout + two.stderr, /failed to start|Warning/);
  const [here, there] = placement(two.stdout, 'folds');
  assert.equal(here + there, 4);
  assert.ok(there >= 1 || /1 worker thread still loading/.test(two.stdout), `no fold on the worker thread:\n${two.stdout}`);
  const one = bin([...args, '--jobs', '1']);
  assert.equal(one.code, 0, one.stderr);
  const means = (s: string) => s.split('\n').find((l) => l.includes('mean ± std'));
  assert.equal(means(two.stdout), means(one.stdout));
  assert.ok(Number(/mean ± std[│ ]+\d*[│ ]*([\d.]+) ±/.exec(means(two.stdout) ?? '')?.[1]) > 0.9, means(two.stdout));
});

test('search --jobs 2 runs trials on a worker thread started from the bundled trial thread', { skip: cores < 2 ? 'one core' : false }, () => {
  // Parameters that do not change a trial's work, so every trial costs about the same.
  const space = join(work, 'space.json');
  writeFileSync(space, JSON.stringify({ lr: { type: 'float', low: 1e-3, high: 3e-2, log: true }, activation: { type: 'categorical', choices: ['relu', 'tanh'] } }));
  const r = bin(['search', '--dataset', 'digits', '--space', space, '--layers', '64', '--epochs', '40', '--trials', '8', '--method', 'random', '--seed', '1', '--jobs', '2', '--journal', join(work, 's.jsonl'), '--out', join(work, 's.bpm')]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /failed to start|Warning/);
  const [here, there] = placement(r.stdout, 'trials');
  assert.equal(here + there, 8);
  assert.ok(there >= 1 || /1 worker thread still loading/.test(r.stdout), `no trial on the worker thread:\n${r.stdout}`);
});

test('--debug stack traces point at the .ts sources (the bundles\' source maps)', () => {
  const r = bin(['train', join(work, 'no-such.csv'), '--debug']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^backprop: data file ".*no-such\.csv" does not exist/);
  assert.match(r.stderr, /\n +at \S+ \(\S*cli\/csv\.ts:\d+:\d+\)/, r.stderr);
  assert.doesNotMatch(r.stderr, /backprop\.js:\d+/);
});

test('two modules that would bundle to one worker file fail the build, naming both', () => {
  const copy = tempDir('bundle-clash');
  for (const dir of ['cli', 'src', 'scripts']) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // A second module named foldWorker, started from cli/ as the library starts src/training/foldWorker.ts.
  writeFileSync(join(copy, 'cli', 'foldWorker.ts'), 'export {};\n');
  writeFileSync(join(copy, 'cli', 'starter.ts'), "import { workerEntry } from '../src/kernels/pool/workerStart.js';\nexport const entry = workerEntry(import.meta.url, 'foldWorker');\n");
  appendFileSync(join(copy, 'cli', 'main.ts'), "import './starter.js';\n");
  const r = buildInto(copy, join(copy, 'dist'));
  assert.notEqual(r.status, 0);
  assert.match(String(r.stderr), /two modules would be foldWorker\.js in dist\/bin: (src\/training\/foldWorker\.ts .* and cli\/foldWorker\.ts|cli\/foldWorker\.ts .* and src\/training\/foldWorker\.ts)/);
});
