// What makes `backprop search` trustworthy from the command line: a journal made by another
// command is refused naming the difference, the same command resumes and says so, a larger
// --trials extends it; every train option reaches the trials; the metric is printed; a data set
// too small for its validation is warned about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, Rng } from '../../src/index.js';
import { run } from '../../cli/program.js';
import { ROOT, tempDir } from '../cli/harness.js';

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

const IRIS = join(ROOT, 'data', 'iris.csv');

test('a journal of another command is refused naming the difference; the same command resumes and says so; more --trials extends it', async () => {
  const dir = tempDir('search-journal');
  const files = ['--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--jobs', '1'];
  const base = ['search', IRIS, '--method', 'random', '--epochs', '3', '--seed', '2', ...files];
  const first = await cli([...base, '--trials', '3']);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stdout, /Resuming/);
  const other = await cli([...base, '--trials', '3', '--epochs', '4']);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /belongs to another search: fixed\.epochs: was 3, now 4;/);
  const metric = await cli([...base, '--trials', '3', '--metric', 'accuracy']);
  assert.match(metric.stderr, /belongs to another search: direction: was "minimize", now "maximize"; metric: was "loss", now "accuracy"/);
  const fewer = await cli([...base, '--trials', '2']);
  assert.match(fewer.stderr, /already holds 3 trials, more than the 2 asked for/);
  const same = await cli([...base, '--trials', '3']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /^Resuming .*s\.jsonl: 3 of 3 trials complete$/m);
  const more = await cli([...base, '--trials', '5']);
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stdout, /^Resuming .*s\.jsonl: 3 of 5 trials complete$/m);
  const trials = readFileSync(join(dir, 's-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { number: number });
  assert.deepEqual(trials.map((t) => t.number).sort(), [0, 1, 2, 3, 4]);
});

test('every train option reaches the trials: delimiter, missing, numeric, keep, indicator, class weights', async () => {
  const dir = tempDir('search-options');
  const rng = new Rng(3);
  const lines = ['id;code;x;y;label'];
  for (let i = 0; i < 120; i++) {
    const x = rng.normal();
    const y = rng.normal();
    // code is a category written as digits; x has missing cells; the label is mostly x > 0, rarely "rare".
    lines.push(`r${i};${i % 3};${i % 10 === 0 ? 'NA' : x.toFixed(4)};${y.toFixed(4)};${i % 8 === 0 ? 'rare' : x > 0 ? 'pos' : 'neg'}`);
  }
  writeFileSync(join(dir, 'd.csv'), lines.join('\n') + '\n');
  const r = await cli(['search', join(dir, 'd.csv'), '--delimiter', ';', '--missing', 'impute', '--indicator', '--numeric', 'code', '--keep', 'id',
    '--class-weight', 'balanced', '--method', 'random', '--trials', '2', '--epochs', '3', '--seed', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--jobs', '1']);
  assert.equal(r.code, 0, r.stderr);
  const m = loadModel(join(dir, 'best.bpm'));
  const schema = m.preprocessing.schema!.inputs;
  assert.deepEqual(schema.map((c) => `${c.name}:${c.kind}`), ['id:categorical', 'code:numeric', 'x:numeric', 'y:numeric']);
  const ids = schema[0]!.kind === 'categorical' ? schema[0]!.categories.length : 0;
  assert.equal(ids, 120);
  // The indicator adds one input for x's missing cells: 120 id categories + code + x + y + x_missing.
  assert.equal(m.model.inputUnits, 124);
  const saved = m.metadata.train as Record<string, unknown>;
  assert.equal(saved.classWeight, 'balanced');
  assert.equal(saved.delimiter, ';');
  // A fixed option that is also in the space is refused.
  const both = await cli(['search', join(dir, 'd.csv'), '--delimiter', ';', '--batch-size', '8', '--journal', join(dir, 'b.jsonl')]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /"batchSize" is both in the search space and given as a fixed option/);
});

test('--metric balanced_accuracy is printed in the table, and a data set too small for its validation split is warned about', async () => {
  const dir = tempDir('search-small');
  const rows = readFileSync(IRIS, 'utf8').trim().split('\n');
  // 30 rows: a 0.2 split holds out 6 of them.
  writeFileSync(join(dir, 'small.csv'), [rows[0], ...rows.slice(1).filter((_, i) => i % 5 === 0).slice(0, 32)].join('\n') + '\n');
  const r = await cli(['search', join(dir, 'small.csv'), '--metric', 'balanced_accuracy', '--method', 'random', '--trials', '2', '--epochs', '3', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--jobs', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Warning each trial is scored on 6 held-out rows: its scores are mostly noise; use --cv 5, which scores every one of the 30 rows once$/m);
  assert.match(r.stdout, /│ trial │ balanced_accuracy │/);
  assert.match(r.stdout, /^Default (The default configuration \(trial 0\) won|Trial 1 beats the default configuration \(trial 0\)): /m);
  const results = readFileSync(join(dir, 's-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { value: number });
  assert.ok(results.every((t) => t.value >= 0 && t.value <= 1));
  const enough = await cli(['search', IRIS, '--cv', '3', '--method', 'random', '--trials', '1', '--epochs', '2', '--journal', join(dir, 'i.jsonl'), '--out', join(dir, 'i.bpm'), '--jobs', '1']);
  assert.equal(enough.code, 0, enough.stderr);
  assert.doesNotMatch(enough.stdout, /Warning/);
});
