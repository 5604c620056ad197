// Files made to hold each problem of real tables, read and trained through the library's pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InputError, modelFromBytes, modelToBytes, pipelineInputs, predictRecords, predictTable, prepareTraining, startRun,
  tableFromRecords, trainingSpec, type TableArgs,
} from '../../src/index.js';

const csv = (text: string) => text.trim().split('\n').map((l) => l.split(','));
const read = (text: string, args: TableArgs = {}) => tableFromRecords(csv(text), { source: 't.csv', ...args });

test('every spelling of missing is missing, in numeric and text columns; NA is not a category', () => {
  const t = read('a,colour,y\n1,red,p\nNA,blue,q\n?,NA,p\nNaN,,q\nnull,None,p\n5,red,q\n  ,red,p');
  assert.deepEqual(t.report.missing, [{ column: 'a', count: 5 }, { column: 'colour', count: 3 }]);
  const colour = t.schema.inputs[1]!;
  assert.ok(colour.kind === 'categorical');
  assert.deepEqual(colour.categories, ['red', 'blue'], 'no "NA" or "" category');
  assert.ok(Number.isNaN(t.x.get(1, 0)));
  assert.deepEqual([...t.categoricalMissing.get('colour')!], [2, 3, 4]);
});

test('imputation is fitted on the training rows only: the median for numbers, the most frequent category for text', () => {
  const t = read('a,colour,y\n1,red,p\n2,red,q\n100,blue,p\nNA,NA,q\n3,blue,p\n4,blue,q', { source: 'i.csv' });
  const split = { train: [0, 1, 3, 4], validation: [2, 5], note: undefined };
  const p = prepareTraining(trainingSpec({ preprocessing: { scale: 'none', indicator: true }, architecture: { hidden: [] }, fit: { epochs: 1 } }), t, { split });
  // Training rows 0, 1, 4 have a = 1, 2, 3: median 2 (row 2's 100 is not seen); colour red 2 × vs blue 1 ×.
  assert.deepEqual(p.preprocessing.imputer!.values.slice(0, 1), [2]);
  assert.deepEqual(p.preprocessing.imputer!.modes, [{ column: 'colour', category: 'red' }]);
  assert.deepEqual(p.preprocessing.featureNames, ['a', 'colour=red', 'colour=blue', 'a (missing)', 'colour (missing)']);
  const row3 = Array.from(p.train.x.data.subarray(2 * 5, 3 * 5));
  assert.deepEqual(row3, [2, 1, 0, 1, 1], 'row 3 filled in: a = 2, colour = red, both indicators on');
});

test('rows without a target are dropped with a count; --missing drop drops rows with any missing input; a target all missing is one clear error', () => {
  const t = read('a,b,y\n1,2,p\n2,,q\n3,4,\n4,5,NA\n5,6,p');
  assert.equal(t.rows, 3);
  assert.equal(t.report.droppedNoTarget, 2);
  const d = read('a,b,y\n1,2,p\n2,,q\n3,4,q', { missing: 'drop' });
  assert.equal(d.rows, 2);
  assert.equal(d.report.droppedMissing, 1);
  assert.throws(() => read('a,y\n1,\n2,NA'), (e: Error) => e instanceof InputError && /the target is missing in every row \(2 rows\)/.test(e.message));
  assert.throws(() => read('a,b,y\nNA,,p\n?,NA,q'), (e: Error) => e instanceof InputError && /no feature columns left: a \(every value is missing\); b \(every value is missing\)/.test(e.message));
});

test('ID-like columns and free text are left out and said so; --keep keeps them; integer row numbers named like IDs too', () => {
  const rows = Array.from({ length: 40 }, (_, i) => `${i + 1},car ${i} model,${i % 3 === 0 ? 'US' : 'EU'},${(i * 7) % 13},${i % 2 ? 'a' : 'b'}`);
  const text = ['id,Name,Origin,hp,y', ...rows].join('\n');
  const t = read(text);
  assert.deepEqual(t.report.leftOut.map((l) => l.column), ['id', 'Name']);
  assert.match(t.report.leftOut[0]!.reason, /ID-like: the integers 1…40 each once/);
  assert.match(t.report.leftOut[1]!.reason, /free text: 40 distinct values in 40 rows/);
  assert.deepEqual(t.featureNames, ['Origin=US', 'Origin=EU', 'hp']);
  const names = Array.from({ length: 40 }, (_, i) => `N${i},${i % 2}`);
  assert.throws(() => read(['code,y', ...names].join('\n')), /no feature columns left: code \(ID-like: 40 distinct values in 40 rows\); keep one with --keep/);
  const kept = read(text, { keep: ['Name'] });
  assert.equal(kept.schema.inputs.find((c) => c.name === 'Name')?.kind, 'categorical');
});

test('dates (ISO, yyyy/mm/dd, dd.mm.yyyy, with a time) become year and cyclical month, day-of-year and weekday features; mixed formats are one clear error', () => {
  const t = read('date,v,y\n2012-01-01,1,a\n2012-07-01,2,b\n2013-12-31,3,a');
  const c = t.schema.inputs[0]!;
  assert.deepEqual(c, { name: 'date', kind: 'date', format: 'iso', time: false });
  assert.deepEqual(t.featureNames.slice(0, 7), ['date:year', 'date:month_sin', 'date:month_cos', 'date:yearday_sin', 'date:yearday_cos', 'date:weekday_sin', 'date:weekday_cos']);
  assert.equal(t.x.get(0, 0), 2012);
  assert.ok(Math.abs(t.x.get(0, 2) - 1) < 1e-12, 'January: month angle 0 → cos 1');
  assert.ok(Math.abs(t.x.get(1, 2) + 1) < 1e-12, 'July: half a turn → cos −1');
  // 2012-01-01 was a Sunday (weekday 0): sin 0, cos 1.
  assert.ok(Math.abs(t.x.get(0, 6) - 1) < 1e-12);
  const slash = read('when,y\n2020/03/01,a\n2020/3/2,b');
  assert.deepEqual(slash.schema.inputs[0], { name: 'when', kind: 'date', format: 'ymd-slash', time: false });
  const dotted = read('when,y\n01.03.2020 10:30,a\n02.03.2020 22:00,b');
  assert.deepEqual(dotted.schema.inputs[0], { name: 'when', kind: 'date', format: 'dmy-dot', time: true });
  assert.equal(dotted.featureNames.length, 9);
  assert.ok(Math.abs(dotted.x.get(0, 7) - Math.sin(2 * Math.PI * (10.5 / 24))) < 1e-9, 'time of day as a turn');
  assert.throws(() => read('d,y\n2020-01-01,a\n2020/01/02,b'), (e: Error) => e instanceof InputError && /line 3, column 1 \("d"\): "2020\/01\/02" is written yyyy\/mm\/dd but the column's dates are yyyy-mm-dd \(mixed date formats\)/.test(e.message));
  assert.throws(() => read('d,y\n2020-01-01,a\n2020-02-30,b'), /"2020-02-30" is not a valid date/);
});

test('dates with the month name (vega stocks.csv "Jan 1 2000", R and Excel "01-Jan-2000") are dates with the features of their ISO spelling, not categories', () => {
  const iso = read('when,y\n2000-01-01,a\n2012-02-29,b\n1969-09-30,a\n2024-12-31,b');
  const monthFirst = tableFromRecords([['when', 'y'], ['Jan 1 2000', 'a'], ['February 29, 2012', 'b'], ['SEPT. 30 1969', 'a'], ['dec 31 2024', 'b']], { source: 't.csv' });
  assert.deepEqual(monthFirst.schema.inputs[0], { name: 'when', kind: 'date', format: 'mon-d-y', time: false });
  const dayFirst = read('when,y\n01-Jan-2000,a\n29-FEB-2012,b\n30-sep-1969,a\n31-December-2024,b');
  assert.deepEqual(dayFirst.schema.inputs[0], { name: 'when', kind: 'date', format: 'd-mon-y', time: false });
  const spaced = read('when,y\n1 Jan 2000,a\n29 Feb. 2012,b\n30 Sep 1969,a\n31 December 2024,b');
  for (const t of [monthFirst, dayFirst, spaced]) assert.deepEqual([...t.x.data], [...iso.x.data]);
  // A month that does not exist, a day past the month's end, mixed case, one separator of each kind: errors or not dates.
  assert.throws(() => read('d,y\nJan 1 2000,a\nFeb 30 2000,b'), /line 3, column 1 \("d"\): "Feb 30 2000" is not a valid date/);
  assert.throws(() => read('d,y\nJan 1 2000,a\n2000-01-02,b'), /"2000-01-02" is written yyyy-mm-dd but the column's dates are Mon d yyyy \(mixed date formats\)/);
  assert.equal(read('d,y\njAN 1 2000,a\nFeb 2 2000,b').schema.inputs[0]!.kind, 'categorical');
  assert.equal(read('d,y\n01-Jan 2000,a\n02-Jan 2000,b').schema.inputs[0]!.kind, 'categorical');
  assert.equal(read('d,y\nMarch,a\nApril,b').schema.inputs[0]!.kind, 'categorical');
});

test('20 rows of 9 distinct integer targets are regression, and the table says why; 3 integers in 150 rows are classes', () => {
  const small = read(['a,y', ...Array.from({ length: 20 }, (_, i) => `${i * 0.5},${i % 9}`)].join('\n'));
  assert.equal(small.y?.kind, 'numeric');
  assert.match(small.report.targetReason!, /"y" holds 9 distinct integers in 20 rows \(2\.2 rows per value, under 5\): read as numbers; --task classification makes them classes/);
  const big = read(['a,y', ...Array.from({ length: 150 }, (_, i) => `${i * 0.5},${i % 3}`)].join('\n'));
  assert.equal(big.y?.kind, 'classes');
  assert.match(big.report.targetReason!, /3 distinct integers in 150 rows \(50\.0 rows per value\): read as classes/);
  assert.equal(read('a,y\n1,0\n2,1\n3,1').y?.kind, 'classes', 'two values are always classes');
});

test('a model carries its pipeline: saved, loaded, it predicts raw records (missing values, unseen categories, dates) as the table path does', async () => {
  const rows = Array.from({ length: 60 }, (_, i) => `2020-0${1 + (i % 9)}-1${i % 10},${i % 4 === 0 ? 'NA' : (i * 1.7) % 11},${['red', 'blue', 'green'][i % 3]},${i % 2 ? 'yes' : 'no'}`);
  const t = read(['when,size,colour,y', ...rows].join('\n'));
  const p = prepareTraining(trainingSpec({ architecture: { hidden: [6] }, fit: { epochs: 5, seed: 3 } }), t);
  await startRun(p).finish();
  const loaded = modelFromBytes(modelToBytes(p.network.model, { preprocessing: p.preprocessing }));
  assert.deepEqual(loaded.preprocessing, JSON.parse(JSON.stringify(p.preprocessing)), 'the pipeline survives the model file');
  const records = [
    { when: '2020-03-14', size: 4.2, colour: 'red' },
    { when: '2020-05-12', size: null, colour: 'mauve' },
    { when: 'NA', size: 'NA', colour: undefined },
  ];
  const r = predictRecords(loaded, records);
  assert.equal(r.values.length, 3);
  assert.match(r.warnings[0]!, /colour: 1 value not seen in training \("mauve"\) encoded as all zeros/);
  const asTable = tableFromRecords([['when', 'size', 'colour'], ['2020-03-14', '4.2', 'red'], ['2020-05-12', '', 'mauve'], ['NA', 'NA', '']], { schema: { inputs: t.schema.inputs, target: undefined } });
  assert.deepEqual(predictTable(loaded, asTable).values, r.values);
  const direct = p.network.model.predictMatrix(pipelineInputs(p.preprocessing, asTable));
  assert.deepEqual(Array.from(loaded.network.predictMatrix(pipelineInputs(loaded.preprocessing, asTable)).data), Array.from(direct.data), 'the same numbers before and after the file');
  assert.throws(() => predictRecords(loaded, [{ when: '2020-01-01', size: 1 }]), /records\[0\] has no "colour"/);
});
