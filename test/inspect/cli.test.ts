import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { register as registerExplain, runExplain } from '../../cli/commands/explain.js';
import { register as registerGradcheck, runGradcheck } from '../../cli/commands/gradcheck.js';
import { register as registerPerceptron, runPerceptron } from '../../cli/commands/perceptron.js';
import { InputError, ShapeError, sequential, layers, type Explanation } from '../../src/index.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';
import { UsageError } from '../../cli/errors.js';

const MAZUR = {
  layers: [{ units: 2, activation: 'sigmoid' }, { units: 2, activation: 'sigmoid' }],
  weights: [[[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35], [[0.4, 0.5], [0.45, 0.55]], [0.6, 0.6]],
};

/** A program with the three commands, capturing output and turning exits into exceptions. */
function program(): { cli: Command; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const cli = new Command('backprop').exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  const deps = { write: (s: string) => (out += s) };
  for (const r of [registerExplain, registerGradcheck, registerPerceptron]) r(cli, deps).exitOverride();
  return { cli, out: () => out, err: () => err };
}

test('explain --network prints seed 003\'s numbers; json is the Explanation', async () => {
  const p = program();
  await p.cli.parseAsync(['explain', '--network', JSON.stringify(MAZUR), '--x', '[0.05, 0.1]', '--y', '[0.01, 0.99]', '--lr', '0.5'], { from: 'user' });
  for (const s of ['0.298371109', '0.0821670406', '0.35891648', '0.149780716']) assert.ok(p.out().includes(s), `output lacks ${s}:\n${p.out()}`);
  const json = JSON.parse(runExplain(undefined, { network: MAZUR, x: [[0.05, 0.1]], y: [[0.01, 0.99]], lr: 0.5, format: 'json' })) as Explanation;
  assertClose(json.loss, 0.298371109, 1e-9);
  assert.equal(json.layers[1]!.kernelAfter[0]![0]!.toFixed(8), '0.35891648');
  assert.ok(runExplain(undefined, { network: MAZUR, x: [0.05, 0.1], y: [0.01, 0.99], format: 'markdown' }).startsWith('## One step of backpropagation'));
});

test('explain reads a network file; a native model file goes through deps.loadModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-explain-'));
  const file = join(dir, 'net.json');
  writeFileSync(file, JSON.stringify({ ...MAZUR, loss: 'sse' }));
  assert.ok(runExplain(file, { x: [0.05, 0.1], y: [0.01, 0.99], lr: 0.5, format: 'text' }).includes('0.298371109'));
  const other = join(dir, 'model.bpm');
  writeFileSync(other, 'BPM1 binary');
  assertThrowsWith(() => runExplain(other, { x: [0.05, 0.1], y: [0.01, 0.99], format: 'text' }), InputError, /is not a network JSON file/);
  const loaded = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { dtype: 'float64' });
  loaded.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  let asked = '';
  const text = runExplain(other, { x: [[1, 2]], y: [1], format: 'text' }, { loadModel: (path) => ((asked = path), loaded) });
  assert.equal(asked, other);
  assert.ok(text.includes('(ŷ − y)/m'));
  assertThrowsWith(() => runExplain(join(dir, 'missing.json'), { x: [1], y: [1], format: 'text' }), InputError, /cannot read model file ".*missing.json": ENOENT/);
});

test('explain: the step of a network of more than 5,000 parameters (the tabular preset\'s 3×128) is refused at once, naming --all and --row; --all prints it', () => {
  // 4 → 128 → 128 → 128 → 3: 34,051 parameters, whose step is 1.3 MB of text (6.5 MB of JSON) — what looked like a hang.
  const big = sequential([layers.dense({ units: 128, activation: 'relu', inputShape: [4] }), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' })]);
  big.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  assert.equal(big.countParams(), 34051);
  const deps = { loadModel: () => big };
  const file = join(mkdtempSync(join(tmpdir(), 'explain-big-')), 'big.bpm');
  writeFileSync(file, 'not json');
  assertThrowsWith(() => runExplain(file, { x: [[0.5, -1, 1.2, 0.3]], y: [0], format: 'json' }, deps), UsageError, /the network has 34,051 parameters; .*at most 5,000\. Give --all .*backprop explain .*big\.bpm data\.csv --row 1/);
  const e = JSON.parse(runExplain(file, { x: [[0.5, -1, 1.2, 0.3]], y: [0], format: 'json', all: true }, deps)) as Explanation;
  assert.deepEqual(e.layers.filter((l) => l.className === 'Dense').map((l) => [l.kernel.length, l.kernel[0]!.length]), [[4, 128], [128, 128], [128, 128], [128, 3]]);
  assertClose(e.output[0]!.reduce((a, b) => a + b, 0), 1, 1e-9);
});

test('explain: bad input is a clear error (usage errors from commander, data errors from the library)', async () => {
  const p = program();
  await assert.rejects(p.cli.parseAsync(['explain', '--network', JSON.stringify(MAZUR), '--x', '[0.05,', '--y', '[1]'], { from: 'user' }),
    (e: unknown) => e instanceof CommanderError && /option '--x <json>' argument '\[0.05,' is invalid. not valid JSON/.test(e.message));
  await assert.rejects(program().cli.parseAsync(['explain', '--network', '{}', '--x', '[1]'], { from: 'user' }),
    (e: unknown) => e instanceof InputError && /give --x and --y, or a saved model and a CSV file with --row/.test(e.message));
  await assert.rejects(program().cli.parseAsync(['explain', '--x', '[1]', '--y', '[1]', '--format', 'html'], { from: 'user' }),
    (e: unknown) => e instanceof CommanderError && /Allowed choices are text, markdown, json/.test(e.message));
  await assert.rejects(program().cli.parseAsync(['explain', '--x', '[1]', '--y', '[1]', '--lr', '-2', '--network', '{}'], { from: 'user' }),
    (e: unknown) => e instanceof CommanderError && /expected a number > 0, got "-2"/.test(e.message));
  assertThrowsWith(() => runExplain(undefined, { network: MAZUR, x: [1, 2, 3], y: [0, 1], format: 'text' }), ShapeError, /dense_1 kernel: expected \[3, 2\], got \[2, 2\]/);
  assertThrowsWith(() => runExplain(undefined, { network: { layers: [{ units: 2, activation: 'rleu' }] }, x: [1], y: [0, 1], format: 'text' }), InputError, /did you mean "relu"/);
  assertThrowsWith(() => runExplain(undefined, { network: { ...MAZUR, weights: [[[1]]] }, x: [1, 2], y: [0, 1], format: 'text' }), ShapeError, /expected 4 arrays/);
  assertThrowsWith(() => runExplain(undefined, { x: [1], y: [1], format: 'text' }), InputError, /no model: give a model file or --network/);
  assertThrowsWith(() => runExplain(undefined, { network: { layers: [{ units: 1, size: 3 }] }, x: [1], y: [1], format: 'text' }), InputError, /network layers\[0\]: unknown option "size"/);
});

test('gradcheck: passes on a correct network over a named data set; json output; exit code 1 on failure only', async () => {
  const net = { layers: [{ units: 5, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' };
  const { result, text } = runGradcheck(['moons'], { network: net, rows: 16, format: 'text' });
  assert.equal(result.passed, true);
  assert.match(text, /PASSED: backprop agrees with central differences/);
  assert.match(text, /dense_1\/kernel +\[2, 5\]/);
  const iris = runGradcheck(['iris'], {
    network: { layers: [{ units: 6, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 2 },
    rows: 150, maxEntries: 4, format: 'json',
  });
  assert.deepEqual((JSON.parse(iris.text) as { tensors: { checked: number }[] }).tensors.map((t) => t.checked), [4, 4, 4, 3]);
  const p = program();
  process.exitCode = undefined;
  await p.cli.parseAsync(['gradcheck', '--network', JSON.stringify(net), '--x', '[[0.1, 0.2], [1, -1]]', '--y', '[0, 1]'], { from: 'user' });
  assert.equal(process.exitCode, undefined);
  assert.match(p.out(), /PASSED/);
  const dir = mkdtempSync(join(tmpdir(), 'bp-gc-'));
  writeFileSync(join(dir, 'net.json'), JSON.stringify(net));
  writeFileSync(join(dir, 'data.json'), JSON.stringify({ x: [[0, 1], [1, 0]], y: [1, 0] }));
  assert.equal(runGradcheck([join(dir, 'net.json'), join(dir, 'data.json')], { rows: 32, format: 'text' }).result.passed, true);
});

test('gradcheck: a step activation, unknown data and missing data are clear errors', () => {
  const step = { layers: [{ units: 2, activation: 'step' }, { units: 1 }], loss: 'mse' };
  assertThrowsWith(() => runGradcheck(['xor'], { network: step, rows: 8, format: 'text' }), InputError, /'step' activation, whose derivative is zero almost everywhere/);
  const net = { layers: [{ units: 2 }] };
  assertThrowsWith(() => runGradcheck(['moonz'], { network: net, rows: 8, format: 'text' }), InputError, /unknown data "moonz": give a data set name \(moons/);
  assertThrowsWith(() => runGradcheck([], { network: net, rows: 8, format: 'text' }), InputError, /no data/);
  assertThrowsWith(() => runGradcheck(['moons'], { network: net, x: [1], rows: 8, format: 'text' }), InputError, /give both --x and --y/);
  assertThrowsWith(() => runGradcheck(['iris'], { network: { layers: [{ units: 3 }], inputs: 2 }, rows: 8, format: 'text' }), ShapeError, /network has 2 inputs but x has 4 features/);
});

test('perceptron: AND/OR/NOT converge, XOR is reported as not linearly separable', async () => {
  for (const gate of ['and', 'or', 'not'] as const) {
    const r = runPerceptron({ gate, epochs: 100, lr: 1, format: 'text' });
    assert.equal(r.result.converged, true);
    assert.match(r.text, /Converged: converged after \d+ epochs?/);
    assert.ok(!r.text.includes('✗'));
  }
  const p = program();
  await p.cli.parseAsync(['perceptron', '--gate', 'xor', '--epochs', '30'], { from: 'user' });
  assert.match(p.out(), /Stopped: not linearly separable: after 30 epochs every epoch still made mistakes and the final line misclassifies [1-4] of 4/);
  assert.match(p.out(), /✗/);
  const json = JSON.parse(runPerceptron({ gate: 'xor', epochs: 10, lr: 1, format: 'json' }).text) as { converged: boolean; epochs: number };
  assert.deepEqual([json.converged, json.epochs], [false, 10]);
  await assert.rejects(program().cli.parseAsync(['perceptron', '--gate', 'nand'], { from: 'user' }),
    (e: unknown) => e instanceof CommanderError && /Allowed choices are and, or, not, xor/.test(e.message));
  await assert.rejects(program().cli.parseAsync(['perceptron'], { from: 'user' }),
    (e: unknown) => e instanceof CommanderError && /required option '--gate <gate>' not specified/.test(e.message));
  await assert.rejects(program().cli.parseAsync(['perceptron', '--gate', 'and', '--epochs', '1.5'], { from: 'user' }),
    (e: unknown) => e instanceof CommanderError && /expected an integer ≥ 1, got "1.5"/.test(e.message));
});
