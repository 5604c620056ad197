// R81: `--jobs 100` started 100 worker threads, each with its own copy of the table and module
// (2.3 GB on 2 cores) for no speed; now search and cv cap the jobs at the machine's cores with a
// one-line warning naming the cap, and the scores are those of --jobs 1 (each fold and trial is seeded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runCli as runBin, tempDir, ROOT } from '../cli/harness.js';

const cores = availableParallelism();
const capLine = `Warning --jobs 100 capped at ${cores}, the cores of this machine (more only add memory and waits; the results are the same)`;
// From the sources (the worker threads load them through tsx), as `npx tsx cli/main.ts` would.
const runCli = (_bin: string, args: readonly string[], cwd: string) => runBin(join(ROOT, 'cli', 'main.ts'), args, cwd, ['--import', import.meta.resolve('tsx')]);
const bin = 'backprop';

function cvMeans(stdout: string): string {
  return stdout.split('\n').find((l) => l.includes('mean ± std'))!;
}

test('R81: cv --jobs 100 runs at most the cores\' folds at once, says the cap in one line, and scores as --jobs 1', () => {
  const dir = tempDir('r81-cv');
  const args = ['cv', join(ROOT, 'data', 'iris.csv'), '--folds', '4', '--epochs', '3', '--seed', '3'];
  const many = runCli(bin, [...args, '--jobs', '100'], dir);
  assert.equal(many.code, 0, many.stderr);
  const lines = many.stdout.split('\n');
  assert.equal(lines.filter((l) => l.includes('capped')).length, 1);
  assert.ok(lines.includes(capLine), many.stdout);
  assert.match(many.stdout, cores === 1 ? /one fold at a time/ : new RegExp(`${Math.min(cores, 4)} at once \\(this thread and ${Math.min(cores, 4) - 1} worker thread`));
  const one = runCli(bin, [...args, '--jobs', '1'], dir);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(cvMeans(many.stdout), cvMeans(one.stdout));
});

test('R81: search --jobs 100 runs on the cores and says the cap in one line (text and --json)', () => {
  const dir = tempDir('r81-search');
  const args = ['search', '--dataset', 'iris', '--trials', '2', '--epochs', '2', '--seed', '5', '--jobs', '100'];
  const r = runCli(bin, [...args, '--journal', join(dir, 'a.jsonl'), '--out', join(dir, 'a.bpm')], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.split('\n').includes(capLine), r.stdout);
  assert.match(r.stdout, cores === 1 ? /Runs on this thread/ : new RegExp(`Runs on ${cores} jobs`));
  const j = runCli(bin, [...args, '--json', '--journal', join(dir, 'b.jsonl'), '--out', join(dir, 'b.bpm')], dir);
  assert.equal(j.code, 0, j.stderr);
  const warnings = j.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; message?: string }).filter((e) => e.event === 'warning');
  assert.deepEqual(warnings.map((w) => w.message), [capLine.replace(/^Warning /, '')]);
});
