// explain --row on robustbase::ambientNOxCH showed its date column as "2004" for both the row and
// the baseline while attributing −2.51 to it (bench/sweep-2026-12.md): a date is shown as a date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { integratedGradients, sequential, layers, DEFAULT_SPEC, tableArgsOf } from '../../src/index.js';
import { readCsvTable } from '../../cli/csv.js';
import { ROOT } from '../cli/harness.js';
import { withPipeline } from './fixtures.js';

test('ambientNOxCH: a date column\'s value is the row\'s date, and the baseline\'s the date its median features stand for, marked ≈', async () => {
  const table = await readCsvTable(join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'ambient-nox-70.csv'), { ...tableArgsOf({ ...DEFAULT_SPEC.preprocessing, target: ['ad'] }), source: 'ambient' });
  assert.equal(table.schema.inputs[0]!.kind, 'date');
  const d = table.x.cols;
  const m = sequential([layers.dense({ units: 1, inputShape: [d] })], { dtype: 'float64', seed: 1 });
  const model = withPipeline(table, m, 'regression');
  // Rows 0 and 39 of the table: 2004-01-01 and 2004-02-11 (the file's rows 7 and 37 have no target).
  for (const [row, date] of [[0, '2004-01-01'], [39, '2004-02-11']] as const) {
    const a = integratedGradients(model, { table, row }, { steps: 4 });
    const c = a.columns.find((k) => k.column === 'date')!;
    assert.equal(c.kind, 'date');
    assert.equal(c.value, date);
    // Year 2004 and the medians of the day-of-year pairs over Jan 1 – Mar 10: a day in early February.
    assert.match(String(c.baseline), /^≈2004-0[12]-\d\d$/);
  }
  // A record written as the CSV is gives its own date back.
  const r = integratedGradients(model, { date: '2004-03-05', ef: 20, sz: 15 }, { steps: 4 });
  assert.equal(r.columns.find((k) => k.column === 'date')!.value, '2004-03-05');
});
