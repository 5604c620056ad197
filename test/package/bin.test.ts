// R61: the bin (cli/backprop.mjs) runs the compiled build when it is up to date with the sources,
// and the TypeScript sources through tsx when they changed after the build (or there is no build).
// Each case is a small tree of its own: the real bin, a main.ts and a dist/bin/backprop.js that say
// which of them ran, and modification times set explicitly (no clock involved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'backprop-bin-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const T0 = new Date('2026-01-01T00:00:00Z').getTime() / 1000;

interface Tree { sources?: boolean; build?: boolean; tsx?: boolean }

/** A tree with the bin; `mtimes` maps its files to seconds after T0. */
function tree(name: string, { sources = true, build = true, tsx = true }: Tree, mtimes: Record<string, number>): string {
  const dir = join(work, name);
  const write = (file: string, text: string) => { mkdirSync(dirname(join(dir, file)), { recursive: true }); writeFileSync(join(dir, file), text); };
  mkdirSync(join(dir, 'cli'), { recursive: true });
  write('package.json', JSON.stringify({ name: 'backprop-mlp', type: 'module' }));
  copyFileSync(join(root, 'cli', 'backprop.mjs'), join(dir, 'cli', 'backprop.mjs'));
  if (sources) {
    write('cli/main.ts', "const ran: string = 'source';\nprocess.stdout.write(`${ran} ${process.argv.slice(2).join(' ')}\\n`);\n");
    write('cli/commands/train.ts', 'export const x: number = 1;\n');
    write('src/index.ts', 'export const y: number = 2;\n');
    write('src/kernels/wasm/kernels.wasm', '\0asm');
  }
  if (build) write('dist/bin/backprop.js', "process.stdout.write(`built ${process.argv.slice(2).join(' ')}\\n`);\n");
  if (tsx) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const all = ['cli/backprop.mjs', 'cli/main.ts', 'cli/commands/train.ts', 'src/index.ts', 'src/kernels/wasm/kernels.wasm', 'dist/bin/backprop.js'];
  for (const file of all) {
    try {
      const t = T0 + (mtimes[file] ?? 0);
      utimesSync(join(dir, file), t, t);
    } catch { /* not in this tree */ }
  }
  return dir;
}

function runBin(dir: string): { ran: string; stderr: string; code: number | null } {
  const r = spawnSync(process.execPath, [join(dir, 'cli', 'backprop.mjs'), 'predict', 'a.bpm'], { cwd: dir, encoding: 'utf8' });
  return { ran: r.stdout.trim(), stderr: r.stderr, code: r.status };
}

test('R61: a build newer than every source runs compiled (no tsx), arguments passed on', () => {
  const r = runBin(tree('current', {}, { 'dist/bin/backprop.js': 100 }));
  assert.deepEqual(r, { ran: 'built predict a.bpm', stderr: '', code: 0 });
});

test('R61: a source changed after the build (in cli/, deep in src/, a non-TypeScript file) runs the sources through tsx', () => {
  for (const file of ['cli/main.ts', 'cli/commands/train.ts', 'src/index.ts', 'src/kernels/wasm/kernels.wasm']) {
    const r = runBin(tree(`stale-${file.replaceAll('/', '-')}`, {}, { 'dist/bin/backprop.js': 100, [file]: 101 }));
    assert.deepEqual(r, { ran: 'source predict a.bpm', stderr: '', code: 0 }, `${file} newer than the build`);
  }
});

test('R61: no build yet runs the sources; the published package (no sources) runs the build', () => {
  assert.equal(runBin(tree('unbuilt', { build: false }, {})).ran, 'source predict a.bpm');
  assert.equal(runBin(tree('published', { sources: false, tsx: false }, {})).ran, 'built predict a.bpm');
});

test('R61: a stale build without tsx still runs, and says in one line that it is the old build', () => {
  const r = runBin(tree('stale-no-tsx', { tsx: false }, { 'dist/bin/backprop.js': 100, 'src/index.ts': 200 }));
  assert.equal(r.ran, 'built predict a.bpm');
  assert.match(r.stderr, /^backprop: warning: dist\/ is older than the sources and tsx is not installed; running the old build/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('R61: neither a build nor tsx: one line naming the command to run, exit 1', () => {
  const r = runBin(tree('nothing', { build: false, tsx: false }, {}));
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'backprop: dist/bin/backprop.js is missing; run "npm run build" first\n');
});
