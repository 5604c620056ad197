// R41: a search refuses, before its first trial, outputs that would overwrite its journal, its
// data or each other, whatever the spelling (a symlink, ./x/../): the journal stays resumable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

test('R41: --results, --out and --report equal to the journal, the data or each other are refused before any trial', async () => {
  const dir = tempDir('r41');
  const data = join(dir, 'iris.csv');
  copyFileSync(join(ROOT, 'data', 'iris.csv'), data);
  const journal = join(dir, 'run1.jsonl');
  const common = [data, '--target', 'species', '--method', 'random', '--trials', '1', '--epochs', '2', '--jobs', '1', '--journal', journal];
  const first = await cli(['search', ...common, '--out', join(dir, 'best.bpm')]);
  assert.equal(first.code, 0, first.stderr);
  const journalBytes = readFileSync(journal);
  const dataBytes = readFileSync(data);
  symlinkSync(journal, join(dir, 'link.bpm'));
  mkdirSync(join(dir, 'sub'));

  const cases: [string[], RegExp][] = [
    // The issue's case: the results' JSONL table is run1.jsonl, the journal.
    [['--results', join(dir, 'run1.csv'), '--out', join(dir, 'b.bpm')], /--results \(its JSONL table\) ".*run1\.jsonl" would be written over --journal .*\(the search could not be resumed\)/],
    [['--out', journal], /--out ".*run1\.jsonl" would be written over --journal/],
    [['--out', join(dir, 'link.bpm')], /--out ".*link\.bpm" would be written over --journal/],
    [['--out', join(dir, 'sub', '..', 'iris.csv')], /--out ".*iris\.csv" would be written over the data .*\(the input would be lost\)/],
    [['--out', join(dir, 'b.bpm'), '--report', join(dir, 'sub', '..', 'run1.jsonl')], /--report ".*run1\.jsonl" would be written over --journal/],
    [['--out', join(dir, 'same.html'), '--report', join(dir, 'same.html')], /--report ".*same\.html" is also --out/],
  ];
  for (const [extra, message] of cases) {
    const r = await cli(['search', ...common, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length <= 2, true, r.stderr);
    assert.doesNotMatch(r.stdout, /Resuming|Search/, 'refused before the search starts');
  }
  assert.deepEqual(readFileSync(journal), journalBytes, 'the journal is untouched');
  assert.deepEqual(readFileSync(data), dataBytes, 'the data is untouched');
  assert.equal(existsSync(join(dir, 'same.html')), false);

  // A fresh journal: refused before it is even created.
  const fresh = join(dir, 'fresh.jsonl');
  const r = await cli(['search', data, '--target', 'species', '--trials', '1', '--journal', fresh, '--results', join(dir, 'fresh.csv')]);
  assert.equal(r.code, 2);
  assert.equal(existsSync(fresh), false);
  // The same command resumes: the journal was never damaged.
  const again = await cli(['search', ...common, '--out', join(dir, 'best.bpm')]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Resuming .*run1\.jsonl: 1 of 1 trials complete/);
});
