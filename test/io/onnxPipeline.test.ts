// The ONNX export of the whole pipeline: one input per raw column, and ONNX Runtime on raw rows
// agrees with LoadedModel.predict (what `backprop predict` computes) within 1e-5, per column kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelFromOnnx, modelToOnnx, UnsupportedError } from '../../src/index.js';
import { decodeOnnx } from '../../src/io/onnx/schema.js';
import { csvText, largestDifference, noneIsACategory, predictedOutputs, runOnnx, trainedOn } from './pipelineExport.js';

const colours = ['red', 'blue', 'green', 'teal'];

test('ONNX raw columns, numeric with missing values (regression, target scaled): onnxruntime = predict within 1e-5', async () => {
  const text = csvText('a,b,y', 80, (i) => `${i % 5 === 0 ? 'NA' : (i * 0.37) % 9},${(i * 1.3) % 4 - 2},${(i * 0.37) % 9 + i / 10}`);
  const loaded = await trainedOn(text);
  assert.ok(loaded.preprocessing.targetScaler !== undefined && loaded.preprocessing.imputer !== undefined);
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing });
  const onnx = decodeOnnx(bytes, { maxNodes: 1000, maxElements: 1e6 });
  assert.deepEqual(onnx.graph.inputs.map((i) => [i.name, i.shape]), [['a', ['N', 1]], ['b', ['N', 1]]]);
  const records = [{ a: 3.5, b: 1 }, { a: null, b: -1.25 }, { a: Number.NaN, b: 0 }, { a: 100, b: 7 }];
  const ours = predictedOutputs(loaded, records);
  const diff = largestDifference(await runOnnx(bytes, loaded, records), ours);
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
  // The missing a is the training median: the same prediction as that value given.
  const median = loaded.preprocessing.imputer!.values[0]!;
  assert.ok(largestDifference(await runOnnx(bytes, loaded, [{ a: median, b: -1.25 }]), [ours[1]!]) <= 1e-5);
});

test('ONNX raw columns, categorical with unseen and missing values (3 classes): onnxruntime = predict within 1e-5; unseen is all zeros', async () => {
  const text = csvText('colour,size,y', 90, (i) => `${i % 7 === 0 ? '' : colours[i % 3]},${(i * 0.7) % 5},${['p', 'q', 'r'][(i + (i % 3)) % 3]}`);
  const loaded = await trainedOn(text);
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing });
  const records = [
    { colour: 'red', size: 1 }, { colour: 'blue', size: 2.5 }, { colour: 'green', size: 4 },
    { colour: 'mauve', size: 1 }, { colour: '', size: 3 }, { colour: 'NA', size: 3 }, { colour: 'teal', size: 0.5 },
  ];
  const ours = predictedOutputs(loaded, records);
  const theirs = await runOnnx(bytes, loaded, records);
  const diff = largestDifference(theirs, ours);
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
  // Missing is the most frequent category; "" and "NA" are both missing.
  const mode = loaded.preprocessing.imputer!.modes[0]!.category;
  assert.ok(largestDifference([theirs[4]!], await runOnnx(bytes, loaded, [{ colour: mode, size: 3 }])) <= 1e-6);
  assert.ok(largestDifference([theirs[4]!], [theirs[5]!]) === 0);
  assert.match(loaded.predict(records).warnings.join(), /colour: 2 values not seen in training/);
});

test('ONNX raw columns: an integer category answers to its ".0" spelling as predict does ("2.0" is "2")', async () => {
  const codes = ['1', '2.0', '3', '2', 'x', '1.0'];
  const text = csvText('code,size,y', 90, (i) => `${codes[i % 6]},${(i * 0.7) % 5},${(i % 6 < 3) !== (i % 5 < 2) ? 'p' : 'q'}`);
  const loaded = await trainedOn(text);
  const schema = loaded.preprocessing.schema!.inputs[0]!;
  assert.ok(schema.kind === 'categorical');
  assert.deepEqual(schema.categories, ['1', '2', '3', 'x']);
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing });
  const records = [{ code: '2', size: 1 }, { code: '2.0', size: 1 }, { code: '1.0', size: 3 }, { code: '1', size: 3 }, { code: 'x', size: 2 }, { code: '3.0', size: 4 }];
  const ours = predictedOutputs(loaded, records);
  const theirs = await runOnnx(bytes, loaded, records);
  assert.ok(largestDifference(theirs, ours) <= 1e-5, `largest difference ${largestDifference(theirs, ours)}`);
  assert.deepEqual(ours[1], ours[0]);
  assert.deepEqual(ours[2], ours[3]);
  assert.ok(largestDifference([ours[0]!], [ours[3]!]) > 1e-4, 'the categories move the prediction, so the test tests them');
});

test('ONNX raw columns, dates (ISO, yyyy/mm/dd, dd.mm.yyyy with times; Mon d yyyy and d-Mon-yyyy in lower, Title or UPPER case; leap days, before 1970, missing): onnxruntime = predict within 1e-5', async () => {
  const iso = csvText('when,v,y', 70, (i) => `${1990 + (i % 30)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 5) % 28)).padStart(2, '0')},${i % 4},${i % 3 === 0 ? 'a' : 'b'}`);
  const isoModel = await trainedOn(iso);
  const slash = csvText('when,v,y', 70, (i) => `${1990 + (i % 30)}/${1 + (i % 12)}/${1 + ((i * 5) % 28)},${i % 4},${(i * 0.3) % 2}`);
  const slashModel = await trainedOn(slash);
  const dotted = csvText('when,v,y', 70, (i) => `${String(1 + ((i * 5) % 28)).padStart(2, '0')}.${String(1 + (i % 12)).padStart(2, '0')}.${1990 + (i % 30)} ${i % 24}:${String((i * 7) % 60).padStart(2, '0')},${i % 4},${i % 2 ? 'x' : 'y'}`);
  const dottedModel = await trainedOn(dotted);
  assert.deepEqual(dottedModel.preprocessing.schema!.inputs[0], { name: 'when', kind: 'date', format: 'dmy-dot', time: true });
  // Month names: vega's stocks.csv writes "Jan 1 2000", R and Excel "01-Jan-2000".
  const names = ['Jan', 'February', 'mar', 'Apr.', 'MAY', 'June', 'jul', 'Aug', 'Sept', 'Oct', 'nov.', 'December'];
  const monthFirst = csvText('when,v,y', 70, (i) => `${names[i % 12]} ${1 + ((i * 5) % 28)} ${1990 + (i % 30)},${i % 4},${(i * 0.3) % 2}`);
  const monthFirstModel = await trainedOn(monthFirst);
  assert.deepEqual(monthFirstModel.preprocessing.schema!.inputs[0], { name: 'when', kind: 'date', format: 'mon-d-y', time: false });
  const dayFirst = csvText('when,v,y', 70, (i) => `${String(1 + ((i * 5) % 28)).padStart(2, '0')}-${names[(i * 7) % 12]!.replace('.', '')}-${1990 + (i % 30)},${i % 4},${i % 2 ? 'x' : 'y'}`);
  const dayFirstModel = await trainedOn(dayFirst);
  assert.equal(dayFirstModel.preprocessing.schema!.inputs[0]!.kind === 'date' && dayFirstModel.preprocessing.schema!.inputs[0]!.format, 'd-mon-y');
  const cases = [
    { model: isoModel, dates: ['2012-02-29', '2000-12-31', '1900-03-01', '1969-12-31', '1970-01-01', '2024-07-15T13:45:10Z', '2023-01-01 23:59', '', 'NA', '1815-06-18'] },
    { model: slashModel, dates: ['2012/2/29', '2000/12/31', '1901/1/1', '2024/07/15 06:30:15', '', '2100/3/1'] },
    { model: dottedModel, dates: ['29.02.2012 12:00', '31.12.2000 00:00:59', '01.01.1960', '15.07.2024 23:59:30.75', '', '1.3.2100 1:02'] },
    { model: monthFirstModel, dates: ['Feb 29 2012', 'December 31, 2000', 'jan. 1 1900', 'SEPT 30 1969', 'Jul 4, 1970', '', 'NA', 'may 15 2024', 'MAR. 1 2100'] },
    { model: dayFirstModel, dates: ['29-Feb-2012', '31-dec-2000', '1 Jan 1900', '30-SEP-1969', '4 July 1970', '', '15-Aug.-2024', '01-Mar-2100'] },
  ];
  for (const { model, dates } of cases) {
    const bytes = modelToOnnx(model.network, { preprocessing: model.preprocessing });
    const onnx = decodeOnnx(bytes, { maxNodes: 10_000, maxElements: 1e6 });
    assert.deepEqual(onnx.opsets, [{ domain: '', version: 20 }, { domain: 'ai.onnx.ml', version: 2 }]);
    const records = dates.map((when, i) => ({ when, v: i % 4 }));
    const ours = predictedOutputs(model, records);
    const diff = largestDifference(await runOnnx(bytes, model, records), ours);
    const spread = Math.max(...ours.map((r) => r[0]!)) - Math.min(...ours.map((r) => r[0]!));
    assert.ok(spread > 1e-3, `the dates move the prediction (spread ${spread}), so the comparison tests the date features`);
    assert.ok(diff <= 1e-5, `${model.preprocessing.schema!.inputs[0]!.kind} ${JSON.stringify(model.preprocessing.schema!.inputs[0])}: largest difference ${diff}`);
  }
});

test('ONNX raw columns, missing indicators for a numeric, a categorical and a date column: onnxruntime = predict within 1e-5', async () => {
  const text = csvText('n,c,d,y', 90, (i) => `${i % 6 === 0 ? '' : (i * 0.9) % 7},${i % 5 === 0 ? 'NA' : colours[i % 4]},${i % 8 === 0 ? '?' : `2020-${String(1 + (i % 12)).padStart(2, '0')}-15`},${i % 6 === 0 || i % 5 === 0 ? 'm' : 'k'}`);
  const loaded = await trainedOn(text, { preprocessing: { indicator: true } });
  assert.deepEqual(loaded.preprocessing.imputer!.indicators, ['n', 'c', 'd']);
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing });
  const records = [
    { n: 1, c: 'red', d: '2020-05-15' }, { n: null, c: 'red', d: '2020-05-15' }, { n: 1, c: '', d: '2020-05-15' },
    { n: 1, c: 'red', d: '' }, { n: null, c: 'None', d: 'null' }, { n: 3, c: 'violet', d: '2021-01-01' },
  ];
  const ours = predictedOutputs(loaded, records);
  const diff = largestDifference(await runOnnx(bytes, loaded, records), ours);
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
  assert.ok(largestDifference([ours[0]!], [ours[1]!]) > 1e-6, 'the indicator changes the prediction');
  // Read back, the graph is the model with its pipeline again: the network cut out, the pipeline from the metadata.
  const back = modelFromOnnx(bytes);
  assert.deepEqual(back.preprocessing, JSON.parse(JSON.stringify(loaded.preprocessing)));
  assert.ok(largestDifference(predictedOutputs(back, records), ours) <= 1e-5);
});

test('ONNX --network-only keeps the bare network: features in, nothing folded, the pipeline as JSON metadata', async () => {
  const loaded = await trainedOn(csvText('a,colour,y', 40, (i) => `${i},${colours[i % 3]},${i % 2}`));
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing, networkOnly: true });
  const onnx = decodeOnnx(bytes, { maxNodes: 1000, maxElements: 1e6 });
  assert.deepEqual(onnx.graph.inputs.map((i) => [i.name, i.shape]), [['input', ['N', 4]]]);
  const meta = new Map(onnx.metadata.map((m) => [m.key, m.value]));
  assert.equal(meta.get('backprop.inputs'), 'network');
  assert.deepEqual(JSON.parse(meta.get('backprop.preprocessing')!), JSON.parse(JSON.stringify(loaded.preprocessing)));
});

test('ONNX raw columns: a column named like the graph output or a tensor inside is refused, naming the column', async () => {
  const loaded = await trainedOn(csvText('output,b,y', 30, (i) => `${i},${i % 4},${i % 2}`));
  assert.throws(() => modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing }), (e: Error) => e instanceof UnsupportedError && /input column "output" has the name of a tensor in the graph \(its output/.test(e.message));
  assert.doesNotThrow(() => modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing, outputName: 'probability' }));
});

test('ONNX raw columns read cells with the training file\'s --na-values: None is a category, NA missing, exactly as predict', async () => {
  const { text, reading, records } = noneIsACategory;
  const loaded = await trainedOn(text, { fit: { epochs: 200, seed: 1 } }, reading);
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing });
  const theirs = await runOnnx(bytes, loaded, records);
  const ours = predictedOutputs(loaded, records);
  assert.ok(largestDifference(theirs, ours) <= 1e-5, `largest difference ${largestDifference(theirs, ours)}`);
  assert.deepEqual(loaded.predict(records.slice(0, 2)).values, ['b', 'a']);
  // 'None' answers differently from the mode (wood), which NA gets.
  assert.ok(largestDifference([theirs[0]!], [theirs[2]!]) > 0.05, 'None is not read as missing');
  assert.ok(largestDifference([theirs[1]!], [theirs[2]!]) === 0, 'NA is missing, filled with wood');
});

test('ONNX raw columns: a number given to --na-values (a -999 sentinel) is missing in a numeric input, as predict reads it', async () => {
  const text = csvText('a,b,y', 80, (i) => `${i % 5 === 0 ? '-999' : i % 7 === 0 ? '-999.0' : (i * 0.37) % 9},${(i * 1.3) % 4 - 2},${(i * 0.37) % 9 + i / 10}`);
  const loaded = await trainedOn(text, {}, { naValues: ['', '-999'] });
  const median = loaded.preprocessing.imputer!.values[0]!;
  assert.ok(median > 0 && median < 9, `the sentinel is not a value: median ${median}`);
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing });
  const records = [{ a: -999, b: 1 }, { a: '-9.99e2', b: 1 }, { a: median, b: 1 }, { a: 8.5, b: 1 }, { a: null, b: 1 }];
  const ours = predictedOutputs(loaded, records);
  const theirs = await runOnnx(bytes, loaded, records);
  assert.ok(largestDifference(theirs, ours) <= 1e-5, `largest difference ${largestDifference(theirs, ours)}`);
  // -999 however written, and a missing cell, are the median; 8.5 is a number.
  for (const i of [0, 1, 4]) assert.ok(largestDifference([theirs[i]!], [theirs[2]!]) <= 1e-6, `record ${i}`);
  assert.ok(largestDifference([theirs[3]!], [theirs[2]!]) > 1e-3);
});

test('ONNX raw columns of large values with a small spread (us-employment\'s 135,000 ± 3,000 jobs): the scaler and target scaling run in double, onnxruntime = predict within 1e-6 of the target\'s scale', async () => {
  const text = csvText('nonfarm,government,y', 120, (i) => `${135000 + ((i * 1733) % 6000)},${21800 + ((i * 37) % 400)},${(((i * 1733) % 6000) / 20 + ((i * 37) % 400) - 200).toFixed(1)}`);
  const loaded = await trainedOn(text, { preprocessing: { scale: 'standard' }, fit: { epochs: 30, seed: 4 } });
  const bytes = modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing });
  const records = Array.from({ length: 40 }, (_, i) => ({ nonfarm: 134500 + i * 173, government: 21700 + ((i * 29) % 500) }));
  const ours = predictedOutputs(loaded, records);
  const theirs = await runOnnx(bytes, loaded, records);
  // In the network's units (the target scaled): float32 sums in another order differ in the 7th digit.
  const scale = loaded.preprocessing.targetScaler!.scale[0]!;
  const diff = largestDifference(theirs, ours) / scale;
  assert.ok(diff <= 1e-6, `largest difference ${diff} of the target's scale`);
});
