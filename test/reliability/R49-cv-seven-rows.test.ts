// R49: cross-validation on 7 rows with early stopping off trains each fold on all of its training
// rows (no inner split that nothing watches, and so nothing to fail in one), in the library and
// the CLI, for every fold count; with early stopping on, the inner split comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossValidate, holdoutsOf, innerSplit, pipelineInputs, pipelineTargets, prepareTraining, startRun, tableFromRecords, trainingSpec } from '../../src/index.js';
import { tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';

const ROWS = [['a', 'b', 'y'], ['1', '2', 'x'], ['2', '3', 'y'], ['3', '1', 'z'], ['4', '4', 'y'], ['5', '2', 'x'], ['6', '1', 'z'], ['7', '3', 'x']];

test('R49: each fold of 7 rows trains on all its training rows when early stopping is off; the scores are those of that training', async () => {
  const table = tableFromRecords(ROWS);
  const spec = trainingSpec({ architecture: { hidden: [4] }, fit: { epochs: 5, seed: 3, validationSplit: 0.5 } });
  for (const k of [2, 3, 7]) {
    const folds = await crossValidate(spec, table, k);
    assert.equal(folds.length, k);
    const holdouts = holdoutsOf(table, { folds: k, seed: 3 });
    assert.deepEqual(innerSplit(spec, table, holdouts[0]!.train, 3).train, holdouts[0]!.train);
    // Fold 1 again by hand on all its training rows: the same held-out loss.
    const prepared = prepareTraining(spec, table, { split: { train: holdouts[0]!.train, validation: [], note: undefined } });
    await startRun(prepared).finish();
    const x = pipelineInputs(prepared.preprocessing, table, holdouts[0]!.test);
    const y = pipelineTargets(prepared.preprocessing, table, holdouts[0]!.test, prepared.plan);
    assert.equal(folds[0]!.loss, prepared.network.model.evaluate(x, y).loss);
  }
  const watched = innerSplit({ ...spec, fit: { ...spec.fit, earlyStopping: 3 } }, tableFromRecords([ROWS[0]!, ...Array.from({ length: 40 }, (_, i) => [String(i), String(i % 3), i % 2 ? 'x' : 'y'])]), Array.from({ length: 40 }, (_, i) => i), 3);
  assert.equal(watched.validation.length, 20, 'early stopping on: half the training rows watched');
});

test('R49: backprop cv on 7 rows with --no-early-stopping runs every fold count', async () => {
  const dir = tempDir('r49');
  writeFileSync(join(dir, 'seven.csv'), ROWS.map((r) => r.join(',')).join('\n'));
  for (const folds of ['2', '3', '7']) {
    let stderr = '';
    let stdout = '';
    const code = await run(['cv', join(dir, 'seven.csv'), '--folds', folds, '--epochs', '3', '--no-early-stopping', '--validation-split', '0.5'], { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /mean ± std/);
  }
});
