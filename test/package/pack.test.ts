// The package as a stranger gets it: `npm pack` from a clean checkout (tracked files only, so
// prepack must build dist/ and the playground itself), the tarball installed into an empty
// project, and there: an ES module and a CommonJS file train and predict, strict TypeScript
// type-checks under node16, nodenext and bundler resolution with skipLibCheck off, and the CLI
// runs through npx from its bundles, its worker threads too; the queue's packages are not installed (R63).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanCheckout, root } from './checkout.js';

const consumer = join(import.meta.dirname, 'consumer');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

interface Trained { accuracy: number; threaded: number; prediction: number; reloaded: number; iris: number; refused: string }

test('npm pack ships a package that installs and works from ESM, CommonJS, TypeScript and npx', { timeout: 600_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'backprop-pack-'));
  try {
    const checkout = join(work, 'checkout');
    cleanCheckout(checkout);
    assert.ok(!existsSync(join(checkout, 'dist')), 'the checkout starts without dist/');
    const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], checkout)) as { filename: string; files: { path: string }[] }[];
    const tarball = join(work, packed[0]!.filename);
    const shipped = packed[0]!.files.map((f) => f.path);

    // What a user needs, and nothing else.
    for (const needed of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'cli/backprop.mjs', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/cjs/index.cjs', 'dist/cjs/index.d.cts', 'dist/cjs/kernelWorker.js', 'dist/src/kernels/pool/kernelWorker.js', 'dist/node/index.js', 'dist/node/kernelWorker.js', 'dist/node/foldWorker.js', 'dist/bin/backprop.js', 'dist/bin/foldWorker.js', 'dist/bin/thread.js', 'dist/bin/kernelWorker.js', 'dist/bin/processor.js', 'playground/dist/index.html', 'data/iris.csv']) {
      assert.ok(shipped.includes(needed), `the tarball lacks ${needed}`);
    }
    // The CLI runs from its bundles (dist/bin): no per-file copy of it, no declarations of it.
    const stray = shipped.filter((f) => /^(src|test|bench|scripts|examples|docs|playground\/src|dist\/cli)\//.test(f) || /\.tsbuildinfo$/.test(f) || (f.startsWith('dist/bin/') && f.endsWith('.d.ts')));
    assert.deepEqual(stray, [], 'the tarball ships files users do not need');

    // An empty project installs the tarball (its dependencies come from npm's cache when offline).
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run(npm, ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], app);
    const installed = join(app, 'node_modules', pkg.name);

    // R63: no runtime dependency beyond the four of package.json (and theirs): the queue's packages
    // are optional peers, installed on demand, and --queue without them says which to install.
    const shippedManifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    assert.deepEqual(Object.keys(shippedManifest.dependencies ?? {}).sort(), ['cli-progress', 'commander', 'csv-parse', 'uplot']);
    const modules = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'));
    for (const queuePart of ['bullmq', 'ioredis', 'luxon', 'msgpackr', 'cron-parser']) assert.ok(!modules.includes(queuePart), `npm i <tarball> installed ${queuePart}`);
    console.log(`# installed: ${modules.length} packages (${modules.join(', ')})`);
    const queue = spawnSync(npx, ['--no-install', 'backprop', 'worker', '--queue', 'redis://127.0.0.1:1'], { cwd: app, encoding: 'utf8' });
    assert.equal(queue.stderr, 'backprop: --queue needs the optional packages bullmq and ioredis: npm install bullmq ioredis\n');
    assert.notEqual(queue.status, 0);

    // Source maps carry their sources (the .ts files are not shipped).
    const maps = filesUnder(installed).filter((f) => f.endsWith('.map'));
    assert.ok(maps.length > 0);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      assert.equal(map.sourcesContent?.filter((s) => typeof s === 'string').length, map.sources.length, `${file} lacks sourcesContent`);
    }

    // ES module and CommonJS: train (also on 2 threads), predict, save and reload, a bundled set, a
    // library error class (one set of checks, handed the package by import in esm.mjs and by require in cjs.cjs).
    copyFileSync(join(consumer, 'checks.cjs'), join(app, 'checks.cjs'));
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      copyFileSync(join(consumer, file), join(app, file));
      const out = JSON.parse(run(process.execPath, [file], app)) as Trained;
      assert.ok(out.accuracy > 0.85, `${file}: accuracy ${out.accuracy}`);
      assert.ok(out.threaded > 0.85, `${file}: accuracy ${out.threaded} after a fit on 2 threads (the shipped worker file)`);
      assert.ok(out.prediction > 0 && out.prediction < 1, `${file}: prediction ${out.prediction}`);
      assert.equal(out.reloaded, out.prediction, `${file}: the reloaded model predicts the same`);
      assert.equal(out.iris, 150, `${file}: the bundled iris set`);
      assert.equal(out.refused, 'InputError', `${file}: errors are the library's classes`);
    }

    // On Node, import gets the library's bundle (dist/node); bundlers for the browser get dist/src, file by file.
    const resolved = run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('backprop-mlp'))"], app).trim();
    assert.ok(resolved.endsWith('/node_modules/backprop-mlp/dist/node/index.js'), resolved);

    // Strict TypeScript against the shipped declarations (no @types/node in the project).
    copyFileSync(join(consumer, 'typed.mts'), join(app, 'typed.mts'));
    copyFileSync(join(consumer, 'typed.cts'), join(app, 'typed.cts'));
    const strict = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [] };
    const configs = {
      node16: { module: 'Node16', moduleResolution: 'Node16', files: ['typed.mts', 'typed.cts'] },
      nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext', files: ['typed.mts', 'typed.cts'] },
      bundler: { module: 'ESNext', moduleResolution: 'Bundler', files: ['typed.mts'] },
    };
    for (const [name, { files, ...options }] of Object.entries(configs)) {
      writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: { ...strict, ...options }, files }));
      run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], app);
    }

    // The CLI through npx: its version, a short training run, predictions from the saved model.
    assert.equal(run(npx, ['--no-install', 'backprop', '--version'], app).trim(), pkg.version);
    run(npx, ['--no-install', 'backprop', 'datasets', 'export', 'iris', 'iris.csv'], app);
    run(npx, ['--no-install', 'backprop', 'train', 'iris.csv', '--target', 'species', '--epochs', '5', '--out', 'iris.bpm'], app);
    const predicted = run(npx, ['--no-install', 'backprop', 'predict', 'iris.bpm', 'iris.csv'], app);
    assert.match(predicted, /setosa|versicolor|virginica/);
    // Its worker threads start from the bundled files beside the CLI's bundle (the package has no
    // other copy of them): folds sized so that the fold worker, which joins once loaded, takes some.
    run(npx, ['--no-install', 'backprop', 'datasets', 'export', 'digits', 'digits.csv'], app);
    const cv = run(npx, ['--no-install', 'backprop', 'cv', 'digits.csv', '--folds', '4', '--layers', '64', '--batch-size', '32', '--epochs', '30', '--no-early-stopping', '--jobs', '2'], app);
    assert.doesNotMatch(cv, /failed to start|Warning/);
    // (A machine so loaded that the worker is still loading at the end says so on the Jobs line.)
    if (availableParallelism() >= 2) assert.match(cv, /^Jobs +4 folds: (\d on this thread, [1-4] on 1 worker thread|4 on this thread; 1 worker thread still loading .*)$/m);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
