// What loadModel gives predicts from raw inputs through the saved pipeline, exactly as
// `backprop predict` does; a file written before this API still loads and predicts as it did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir, ROOT } from '../cli/harness.js';
import { loadModel, modelFromBytes, modelToBytes, modelToOnnx, scalerFromJSON, sequential, layers, Matrix, UnsupportedError, InputError, type RawRecord } from '../../src/index.js';
import { csvText, largestDifference, runOnnx, trainedOn } from './pipelineExport.js';

const FIXTURES = join(ROOT, 'test', 'io', 'fixtures');
const binPromise = buildCli();

/** CSV text (no quoting) as records by column name, every cell a string as a form would send it. */
function records(text: string): RawRecord[] {
  const [head, ...lines] = text.trim().split('\n');
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j]!, v])));
}

/** A `predict --probabilities` CSV: the predicted labels and the probability rows. */
function predictedCsv(text: string): { labels: string[]; probabilities: number[][] } {
  const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
  return { labels: rows.map((r) => r[0]!), probabilities: rows.map((r) => r.slice(1).map(Number)) };
}

test('a model file written before LoadedModel (main f5b7793) loads and predicts raw records as it did then, to the last float32 bit', () => {
  const loaded = loadModel(join(FIXTURES, 'pipeline-v1.bpm'));
  const rows = records(readFileSync(join(FIXTURES, 'pipeline-v1-new.csv'), 'utf8'));
  const then = predictedCsv(readFileSync(join(FIXTURES, 'pipeline-v1-predicted.csv'), 'utf8'));
  const now = loaded.predict(rows);
  assert.deepEqual(now.values, then.labels);
  now.probabilities!.forEach((row, i) => row.forEach((p, c) => assert.equal(Math.fround(p), Math.fround(then.probabilities[i]![c]!), `row ${i}, class ${c}`)));
  assert.match(now.warnings.join(), /colour: 1 value not seen in training \("mauve"\)/);
});

test('loadModel(...).predict on raw records equals `backprop predict` on the same CSV rows, and ONNX Runtime on the exported graph agrees within 1e-5', async () => {
  const dir = tempDir('loaded');
  for (const f of ['pipeline-v1.bpm', 'pipeline-v1-new.csv']) copyFileSync(join(FIXTURES, f), join(dir, f));
  const r = runCli(await binPromise, ['predict', 'pipeline-v1.bpm', 'pipeline-v1-new.csv', '--probabilities'], dir);
  assert.equal(r.code, 0, r.stderr);
  const cli = predictedCsv(r.stdout);
  const loaded = loadModel(join(dir, 'pipeline-v1.bpm'));
  const rows = records(readFileSync(join(dir, 'pipeline-v1-new.csv'), 'utf8'));
  const lib = loaded.predict(rows);
  assert.deepEqual(lib.values, cli.labels);
  lib.probabilities!.forEach((row, i) => row.forEach((p, c) => assert.equal(Math.fround(p), Math.fround(cli.probabilities[i]![c]!), `row ${i}`)));
  const onnx = await runOnnx(modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing }), loaded, rows);
  assert.ok(largestDifference(onnx, lib.probabilities!.map((p) => [p[1]!])) <= 1e-5);
});

test('loaded.model refuses (naming predict and network) when the pipeline would be skipped; a model without a pipeline keeps it', () => {
  const loaded = loadModel(join(FIXTURES, 'pipeline-v1.bpm'));
  assert.throws(() => loaded.model, (e: Error) => e instanceof UnsupportedError && /loaded\.predict\(records or rows\).*loaded\.network/.test(e.message));
  assert.equal(loaded.network.inputUnits, loaded.preprocessing.featureNames!.length);
  const bare = sequential([layers.dense({ units: 2, inputShape: [3] })]);
  const plain = modelFromBytes(modelToBytes(bare));
  assert.equal(plain.model, plain.network, 'no pipeline: the network is safe to call on raw rows');
});

test('predict on numeric rows in the original units equals predict on the same records (NaN missing); a row of the wrong width is named', async () => {
  const loaded = await trainedOn(csvText('a,b,y', 60, (i) => `${i % 7 === 0 ? '' : (i * 0.37) % 9},${(i * 1.3) % 4},${i % 3 ? 'p' : 'q'}`));
  const rows = [[1.5, 2], [Number.NaN, 0.5], [8, 3.9]];
  const byRows = loaded.predict(rows);
  const byRecords = loaded.predict(rows.map(([a, b]) => ({ a: a!, b: b! })));
  assert.deepEqual(byRows, byRecords);
  assert.throws(() => loaded.predict([[1, 2, 3]]), (e: Error) => e instanceof InputError && /row 0 has 3 values, the model reads 2 columns \(a, b\)/.test(e.message));
  assert.throws(() => loaded.predict([[1, 2], { a: 1, b: 2 }] as never), /give all rows as records or all as numeric rows/);
  const withText = await trainedOn(csvText('a,c,y', 40, (i) => `${i},${i % 2 ? 'u' : 'v'},${i % 2}`));
  assert.throws(() => withText.predict([[1, 2]]), /numeric rows need numeric columns only, but the model reads c \(categorical\); give records/);
});

test('a library model without a schema: predict on rows applies its saved scaler, as the network on scaled rows', () => {
  const network = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'tanh' }), layers.dense({ units: 1 })], { seed: 2 });
  const scaler = { kind: 'standard' as const, offset: [10, -4], scale: [2, 0.5] };
  const loaded = modelFromBytes(modelToBytes(network, { preprocessing: { scaler } }));
  const rows = [[11, -4.5], [9, -3]];
  const expected = network.predictMatrix(scalerFromJSON(scaler).transform(Matrix.fromArray(rows), 'float32'));
  assert.deepEqual(loaded.predict(rows).values, Array.from(expected.data));
  assert.throws(() => loaded.model, UnsupportedError);
});

test('a model trained with --na-values reads records as training did: a category called None stays a value in loadModel().predict', async () => {
  const bin = await binPromise;
  const dir = tempDir('na-values');
  // 'None' is a real category of `kind` whose rows are all class b; 'NA' is missing; 'wood' is the most
  // frequent category, so a 'None' read as missing would be filled in as wood and answered 'a'.
  const lines = ['x,kind,label'];
  for (let i = 0; i < 120; i++) {
    const kind = ['None', 'wood', 'wood', 'NA'][i % 4]!;
    lines.push(`${(i % 7) / 7},${kind},${kind === 'None' ? 'b' : 'a'}`);
  }
  writeFileSync(join(dir, 'kinds.csv'), lines.join('\n') + '\n');
  const r = runCli(bin, ['train', 'kinds.csv', '--target', 'label', '--na-values', ',NA', '--epochs', '60', '--seed', '1', '--out', 'k.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  const loaded = loadModel(join(dir, 'k.bpm'));
  assert.deepEqual((loaded.metadata.spec as { preprocessing: { naValues: string[] } }).preprocessing.naValues, ['', 'NA']);
  const cats = loaded.preprocessing.schema!.inputs.find((c) => c.name === 'kind');
  assert.ok(cats !== undefined && 'categories' in cats && (cats.categories as string[]).includes('None'), 'None is a category of the schema');
  const p = loaded.predict([{ x: 0.5, kind: 'None' }, { x: 0.5, kind: 'wood' }]);
  assert.deepEqual(p.values, ['b', 'a']);
  assert.deepEqual(p.warnings, []);
});
