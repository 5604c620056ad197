// The training spec (plain JSON → one builder) and the training run that advances k epochs at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SPEC, InputError, Matrix, buildNetwork, checkSpec, classCodes, datasets, planOutput, prepareTraining, startRun,
  SpecError, tableFromRecords, trainingSpec, type OptimizerName, type TrainingSpec, type TrainingSpecParts,
} from '../../src/index.js';

function irisTable() {
  const d = datasets.load('iris');
  const header = [...d.featureNames, 'species'];
  return tableFromRecords([header, ...d.x.map((r, i) => [...r.map(String), String(d.y[i])])]);
}

test('a spec is plain JSON: defaults fill it, it survives JSON, and a bad field is named with the known names', () => {
  const spec = trainingSpec({ architecture: { hidden: [8] }, fit: { epochs: 5 } });
  assert.deepEqual(spec.architecture.hidden, [8]);
  assert.equal(spec.fit.batchSize, DEFAULT_SPEC.fit.batchSize);
  const copy = JSON.parse(JSON.stringify(spec)) as TrainingSpec;
  assert.deepEqual(copy, spec);
  checkSpec(copy);
  assert.throws(() => trainingSpec({ architecture: { activation: 'rleu' as 'relu' } }), (e: Error) => e instanceof InputError && /spec\.architecture\.activation.*did you mean "relu"/.test(e.message));
  assert.throws(() => trainingSpec({ fit: { epochs: 1.5 } }), /spec\.fit\.epochs: expected an integer/);
  assert.throws(() => trainingSpec({ compile: { optimizer: 'adam', learningRate: -1 } }), /spec\.compile\.learningRate/);
  assert.throws(() => trainingSpec({ fit: { epochs: 3, extra: 1 } as never }), /extra/);
});

test('one output rule: sigmoid+BCE for two classes, softmax+sparse CE for more, linear+mse per numeric target; p > 0.5 is class 1', () => {
  assert.deepEqual(planOutput({ kind: 'classes', names: ['y'], classes: ['a', 'b'] }), { task: 'binary', units: 1, activation: 'sigmoid', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  assert.deepEqual(planOutput({ kind: 'classes', names: ['y'], classes: [1, 2, 3] }).loss, 'sparseCategoricalCrossentropy');
  assert.deepEqual(planOutput({ kind: 'numeric', names: ['a', 'b'] }), { task: 'regression', units: 2, activation: 'linear', loss: 'mse', metrics: [] });
  assert.throws(() => planOutput({ kind: 'numeric', names: ['a'] }, 'binaryCrossentropy'), /for classification/);
  assert.deepEqual([...classCodes(Matrix.fromArray([[0.5], [0.5001], [0.2]]))], [0, 1, 0]);
  assert.deepEqual([...classCodes(Matrix.fromArray([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2]]))], [1, 0], 'argmax, first of ties');
});

test('the builder makes the hidden blocks, batch norm and dropout, and compiles the spec\'s optimiser', () => {
  const plan = planOutput({ kind: 'classes', names: ['y'], classes: [0, 1, 2] });
  const { model, blocks } = buildNetwork(4, plan, { hidden: [5, 3], activation: ['relu', 'tanh'], dropout: 0.1, batchNorm: true, l2: 0.01 }, { optimizer: 'sgd', learningRate: 0.2, momentum: 0.9 }, { seed: 3 });
  assert.deepEqual(model.layers.map((l) => l.className), ['Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense']);
  assert.deepEqual(blocks.map((b) => [b.end, b.units, b.activation]), [[3, 5, 'relu'], [7, 3, 'tanh'], [8, 3, 'softmax']]);
  assert.equal(model.optimizer!.learningRate, 0.2);
  assert.equal(model.optimizer!.getConfig().momentum, 0.9);
  assert.equal(model.loss!.name, 'sparseCategoricalCrossentropy');
});

test('prepareTraining fits the scaler on the training rows only and splits stratified', () => {
  const table = irisTable();
  const p = prepareTraining(trainingSpec({ fit: { epochs: 2, seed: 4 } }), table);
  assert.equal(p.split.train.length, 120);
  assert.equal(p.split.validation.length, 30);
  const x = p.train.x;
  for (let c = 0; c < x.cols; c++) {
    let mean = 0;
    for (let i = 0; i < x.rows; i++) mean += x.data[i * x.cols + c]!;
    assert.ok(Math.abs(mean / x.rows) < 1e-5, `column ${c} of the training rows has mean 0 after scaling`);
  }
  const valCounts = [0, 0, 0];
  for (let i = 0; i < p.validation!.y.rows; i++) valCounts[p.validation!.y.data[i]!]!++;
  assert.deepEqual(valCounts, [10, 10, 10], 'iris is sorted by class; the validation part still holds every class');
  assert.deepEqual(p.network.model.classes, ['setosa', 'versicolor', 'virginica']);
});

test('a run advanced 1 + 2 + 2 epochs is bit-identical to one of 5 epochs, with scores in between', async () => {
  const table = irisTable();
  const spec = trainingSpec({ architecture: { hidden: [8] }, fit: { epochs: 5, seed: 2 } });
  const a = prepareTraining(spec, table);
  const run = startRun(a);
  const s1 = await run.advance(1);
  assert.equal(s1.epoch, 1);
  assert.ok(Number.isFinite(s1.logs.val_loss!) && Number.isFinite(s1.logs.val_accuracy!), 'validation scores after each advance');
  assert.equal(s1.done, false);
  await run.advance(2);
  const s3 = await run.advance(2);
  assert.equal(s3.epoch, 5);
  const h = await run.finish();
  assert.equal(run.done, true);
  const b = prepareTraining(spec, table);
  const h2 = await startRun(b).finish();
  assert.deepEqual(h.history, h2.history);
  assert.deepEqual(a.network.model.getWeights(), b.network.model.getWeights());
  const again = await run.advance(1);
  assert.deepEqual([again.epoch, again.done], [5, true], 'advancing an ended run gives its final scores');
});

test('a run can be stopped early (pruned), advanced by mini-batches, and ends at early stopping', async () => {
  const table = irisTable();
  const p = prepareTraining(trainingSpec({ architecture: { hidden: [4] }, fit: { epochs: 50, batchSize: 30 } }), table);
  const run = p.network.model.session.start(p.train.x, p.train.y, { epochs: 50, batchSize: 30, verbose: 0 });
  const one = await run.step();
  assert.equal(one.steps, 1);
  assert.equal(one.epoch, 0);
  const rest = await run.advance(1);
  assert.equal(rest.steps, 4, '120 rows in batches of 30: the first epoch ends after 3 more steps');
  assert.equal(rest.epoch, 1);
  const h = await run.stop();
  assert.equal(h.epoch.length, 1, 'stopped after the epoch in progress');
  assert.equal(run.done, true);

  const e = prepareTraining(trainingSpec({ architecture: { hidden: [4] }, compile: { optimizer: 'adam', learningRate: 0.5 }, fit: { epochs: 500, earlyStopping: 3 } }), table);
  const r = startRun(e);
  const s = await r.advance(500);
  assert.equal(s.done, true);
  assert.ok(s.epoch < 500, `early stopping ended the run at epoch ${s.epoch}`);
  assert.ok(r.earlyStopping!.stoppedEpoch >= 0);
});

test('a bad spec field is a SpecError carrying the field and the problem as data', () => {
  const cases: [TrainingSpecParts, string, RegExp][] = [
    [{ fit: { batchSize: 0 } }, 'fit.batchSize', /^expected an integer in \[1, 1000000000\], got 0$/],
    [{ architecture: { hidden: [8, -1] } }, 'architecture.hidden', /^expected an integer in \[1, 1000000\], got -1$/],
    [{ compile: { optimizer: 'adamm' as OptimizerName } }, 'compile.optimizer', /^unknown optimizer "adamm"; did you mean "adam"\?/],
    [{ fit: { classWeight: { a: -1 } } }, 'fit.classWeight', /^expected a number in \[0, Infinity\], got -1$/],
    [{ preprocessing: { task: 'auto', scale: 'standard', naValues: 'NA' as never } }, 'preprocessing.naValues', /^expected a list of strings such as \["", "NA"\], got "NA"$/],
    [{ preprocessing: { task: 'auto', scale: 'standard', orderBy: 3 as never } }, 'preprocessing.orderBy', /^expected a column name, got 3$/],
    [{ preprocessing: { task: 'auto', scale: 'standard', count: ['Freq'] as never } }, 'preprocessing.count', /^expected a column name, got array of length 1$/],
    [{ preprocessing: { task: 'auto', scale: 'standard', header: true as never } }, 'preprocessing.header', /^expected false \(a file without a header row\) or no field, got true$/],
    [{ preprocessing: { task: 'auto', scale: 'standard', skipRows: 0 } }, 'preprocessing.skipRows', /^expected a whole number of lines ≥ 1 to skip before the header, or no field, got 0$/],
    [{ preprocessing: { task: 'auto', scale: 'standard', skipRows: 1.5 } }, 'preprocessing.skipRows', /^expected a whole number of lines ≥ 1 to skip before the header, or no field, got 1\.5$/],
  ];
  for (const [parts, field, problem] of cases) {
    assert.throws(() => trainingSpec(parts), (e: unknown) => e instanceof SpecError && e instanceof InputError && e.field === field && problem.test(e.problem));
  }
});

test('a tf.js or Keras loss name is read as ours, in compile() and in a spec; an unknown one is still refused', async () => {
  const { sequential, layers, getLoss } = await import('../../src/index.js');
  for (const [alias, ours] of [['meanSquaredError', 'mse'], ['mean_squared_error', 'mse'], ['mean_absolute_error', 'mae'], ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy']] as const) {
    assert.equal(getLoss(alias).name, ours);
    assert.equal(trainingSpec({ compile: { loss: alias as never } }).compile.loss, ours);
  }
  const m = sequential([layers.dense({ units: 1, inputShape: [2] })]);
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  m.setWeights([[[1], [2]], [0]]);
  // (1·1 + 2·1 − 1)² = 4 on the one row: the same value as 'mse'.
  assert.equal(m.evaluate([[1, 1]], [[1]]).loss, 4);
  assert.throws(() => trainingSpec({ compile: { loss: 'meanSquaredErr' as never } }), /spec\.compile\.loss: unknown loss "meanSquaredErr"/);
});
