// search reads its file as train does: --na-values, --decimal and --split time:<column> carry over,
// and the one scorer holds out the latest rows of a time order (k folds are refused there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';
import { holdoutsOf, InputError, loadModel, tableFromRecords } from '../../src/index.js';

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

/** Rows of a daily series, shuffled in the file: x, a date, and y = 2x. */
function dailyRecords(n: number): string[][] {
  const rows = Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    return [String((i % 11) / 11), d, String((2 * (i % 11)) / 11)];
  });
  // A fixed shuffle (the file is not in time order).
  for (let i = rows.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return [['x', 'day', 'y'], ...rows];
}

test('the scorer holds out the latest rows of a time order, and refuses k folds there naming the column', () => {
  const table = tableFromRecords(dailyRecords(40), { source: 'daily.csv', target: ['y'], orderBy: 'day' });
  const [holdout] = holdoutsOf(table, { validationSplit: 0.25, seed: 1 });
  const days = table.order!.values;
  const latest = [...days].sort((a, b) => a - b).slice(30);
  assert.deepEqual(holdout!.test.map((i) => days[i]!).sort((a, b) => a - b), latest);
  assert.equal(holdout!.train.length, 30);
  assert.throws(() => holdoutsOf(table, { folds: 3, seed: 1 }), (e: unknown) => e instanceof InputError && /"day"/.test(e.message) && /validation split/.test(e.message));
});

test('search takes train\'s reading options: --na-values keeps a class called None, --decimal reads commas, --split time scores the latest rows', async () => {
  const dir = tempDir('search-reading');
  const lines = ['size;kind;label'];
  for (let i = 0; i < 90; i++) {
    const kind = ['None', 'wood', 'NA'][i % 3]!;
    lines.push(`${(i % 9) / 4}`.replace('.', ',') + `;${kind};${kind === 'None' ? 'None' : 'other'}`);
  }
  writeFileSync(join(dir, 'kinds.csv'), `${lines.join('\n')}\n`);
  const r = await cli(['search', join(dir, 'kinds.csv'), '--target', 'label', '--na-values', ',NA', '--decimal', ',', '--delimiter', ';', '--method', 'random', '--trials', '2', '--epochs', '3', '--seed', '2', '--jobs', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm')]);
  assert.equal(r.code, 0, r.stderr);
  const best = loadModel(join(dir, 'best.bpm'));
  const target = best.preprocessing.schema!.target as { classes?: readonly string[] };
  assert.deepEqual([...(target.classes ?? [])].sort(), ['None', 'other']);
  const size = best.preprocessing.schema!.inputs.find((c) => c.name === 'size')!;
  assert.equal(size.kind, 'numeric', '"0,25" is read as a number with --decimal ,');

  writeFileSync(join(dir, 'daily.csv'), `${dailyRecords(60).map((row) => row.join(',')).join('\n')}\n`);
  const base = ['search', join(dir, 'daily.csv'), '--target', 'y', '--split', 'time:day', '--method', 'random', '--trials', '2', '--epochs', '3', '--seed', '2', '--jobs', '1', '--out', join(dir, 'daily.bpm')];
  const timed = await cli([...base, '--journal', join(dir, 't.jsonl')]);
  assert.equal(timed.code, 0, timed.stderr);
  const folds = await cli([...base, '--cv', '3', '--journal', join(dir, 'f.jsonl')]);
  assert.notEqual(folds.code, 0);
  assert.match(folds.stderr, /split by time \("day"\)/);
});
