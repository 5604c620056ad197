// R4: whatever the table reader accepts trains and saves a file the loader accepts (the writer's
// limits are the reader's); names past the shared limit fail early with line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, MAX_NAME_CHARS, layers, modelFromBytes, modelToBytes, sequential, standardScaler, tableFromRecords, type Label } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

/** Trains one step on a table and round-trips the model with its preprocessing, as `train` saves it. */
async function trainSaveLoad(records: string[][]): Promise<void> {
  const table = tableFromRecords(records, { source: 'p.csv', task: 'classification' });
  const y = table.y!;
  assert.equal(y.kind, 'classes');
  if (y.kind !== 'classes') return;
  const m = sequential([layers.dense({ units: Math.max(2, y.classes.length), activation: 'softmax', inputShape: [table.x.cols] })]);
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam' });
  const labels: Label[] = Array.from(y.codes, (c) => y.classes[c]!);
  // A missing cell is NaN in x: filled in as the pipeline's imputer would (fit refuses NaN).
  const x = table.x.clone();
  x.data.forEach((v, i) => (x.data[i] = Number.isNaN(v) ? 0 : v));
  await m.fit(x, labels, { epochs: 1, verbose: 0 });
  const scaler = standardScaler().fit(x).toJSON();
  const bytes = modelToBytes(m, { preprocessing: { schema: table.schema, featureNames: [...table.featureNames], scaler } });
  const back = modelFromBytes(bytes);
  assert.deepEqual(back.network.classes, m.classes);
  assert.deepEqual(back.preprocessing.featureNames, table.featureNames);
}

test('R4: names, categories and labels at the limit train, save and load; one over fails at read naming line and column', async () => {
  const long = (c: string, n: number) => c.repeat(n);
  await trainSaveLoad([[long('c', MAX_NAME_CHARS), 'x', 'y'], [long('a', MAX_NAME_CHARS), '1', long('L', MAX_NAME_CHARS)], ['b', '2', 'M']]);
  assertThrowsWith(() => tableFromRecords([[long('c', MAX_NAME_CHARS + 1), 'y'], ['1', '0'], ['2', '1']], { source: 'p.csv' }), InputError,
    /p\.csv line 1: column 1 name "c{200}"… \(1001 characters\) is over the limit of 1000 characters/);
  assertThrowsWith(() => tableFromRecords([['c', 'y'], ['a', '0'], [long('b', 5000), '1']], { source: 'p.csv' }), InputError,
    /p\.csv line 3, column 1 \("c"\): category "b{200}"… \(5000 characters\) is over the limit/);
  assertThrowsWith(() => tableFromRecords([['c', 'y'], ['1', 'a'], ['2', long('z', 3000)]], { source: 'p.csv' }), InputError,
    /p\.csv line 3, column 2 \("y"\): label "z{200}"… \(3000 characters\) is over the limit/);
});

test('R4: a library model whose class names the reader would refuse cannot be saved', async () => {
  const m = sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })]);
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd' });
  await m.fit([[0], [1]], ['short', 'L'.repeat(3000)], { epochs: 1, verbose: 0 });
  assertThrowsWith(() => modelToBytes(m), InputError, /cannot save: classes\[\d\]: string of 3000 characters exceeds the limit of 1000; the file would not load/);
});

test('R4 property: any table the reader accepts trains, saves and loads', async () => {
  const name = fc.string({ minLength: 0, maxLength: 1100 });
  await fc.assert(
    fc.asyncProperty(fc.tuple(name, name), fc.array(fc.tuple(name, fc.oneof(name, fc.constantFrom('a', 'b'))), { minLength: 2, maxLength: 6 }), async (header, rows) => {
      const records = [[header[0], header[1]], ...rows.map(([c, l]) => [c, l])];
      try {
        tableFromRecords(records, { source: 'p.csv', task: 'classification' });
      } catch (e) {
        assert.ok(e instanceof InputError, `the reader threw ${String(e)}`);
        return;
      }
      await trainSaveLoad(records);
    }),
    { numRuns: 150 },
  );
});
