import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Perceptron, perceptron, gateData, StepActivation, InputError, ShapeError, NotFittedError } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

test('learns AND, OR and NOT within a bounded number of epochs', () => {
  for (const gate of ['and', 'or', 'not'] as const) {
    const { x, y } = gateData(gate);
    const p = perceptron({ maxEpochs: 20 });
    const r = p.fit(x, y);
    assert.equal(r.converged, true, `${gate}: ${r.message}`);
    assert.ok(r.epochs <= 10, `${gate} took ${r.epochs} epochs`);
    assert.equal(r.errorsPerEpoch[r.epochs - 1], 0);
    assert.deepEqual(p.predict(x), y, gate);
    assert.equal(r.finalErrors, 0);
    assert.match(r.message, /converged after \d+ epochs?: the data are linearly separable/);
  }
});

test('the Rosenblatt rule step by step on AND (zero start, η = 1, step(0) = 1)', () => {
  const r = new Perceptron().fit(gateData('and').x, gateData('and').y);
  // Traced by hand: epoch 1 errs on (0,0) [−], (1,1) [+]; ... ends at w = [2, 1], b = −3 in epoch 6.
  assert.deepEqual(r.errorsPerEpoch, [2, 3, 3, 2, 1, 0]);
  assert.deepEqual([r.weights, r.bias], [[2, 1], -3]);
});

test('XOR: stops at its epoch limit and reports that the data are not linearly separable', () => {
  const { x, y } = gateData('xor');
  const r = perceptron({ maxEpochs: 50 }).fit(x, y);
  assert.equal(r.converged, false);
  assert.equal(r.epochs, 50);
  assert.ok(r.errorsPerEpoch.every((e) => e > 0));
  // No line gets all four XOR points right, so the final weights misclassify at least one.
  assert.ok(r.finalErrors >= 1);
  assert.match(r.message, /not linearly separable: after 50 epochs every epoch still made mistakes and the final line misclassifies [1-4] of 4/);
  // The weights revisit a state: the cycling theorem's proof that no line exists.
  assert.equal(typeof r.cycleFrom, 'number');
  assert.match(r.message, /the rule cycles forever/);
});

test('the step activation is its own unit: 1 for z ≥ 0, else 0', () => {
  const s = new StepActivation();
  assert.deepEqual([-1e-9, 0, 2].map((z) => s.apply(z)), [0, 1, 1]);
});

test('bad input: non-binary labels, mismatched rows, bad options, predict before fit', () => {
  const { x } = gateData('and');
  assertThrowsWith(() => perceptron().fit(x, [0, 1, 2, 1]), InputError, /label at row 2 is 2; the perceptron needs binary labels 0\/1/);
  assertThrowsWith(() => perceptron().fit(x, [0, 1, -1, 1]), InputError, /label at row 2 is -1/);
  assertThrowsWith(() => perceptron().fit(x, ['a', 'b', 'a', 'b'] as never), InputError, /label at row 0 is "a"/);
  assertThrowsWith(() => perceptron().fit(x, [0, 1]), ShapeError, /x has 4 rows but y has 2/);
  assertThrowsWith(() => perceptron({ maxEpochs: 0 }), InputError, /maxEpochs must be an integer ≥ 1, got 0/);
  assertThrowsWith(() => perceptron({ learningRate: -1 }), InputError, /learningRate must be a finite number > 0/);
  assertThrowsWith(() => perceptron({ epochs: 5 } as never), InputError, /unknown option "epochs"/);
  assertThrowsWith(() => perceptron({ initialWeights: [1] }).fit(x, [0, 0, 0, 1]), ShapeError, /initialWeights has 1 values but x has 2 features/);
  assertThrowsWith(() => perceptron().predict(x), NotFittedError, /call fit before predict/);
  assertThrowsWith(() => gateData('nand' as 'and'), InputError, /unknown gate "nand"; did you mean "and"/);
  // Booleans are binary labels too.
  assert.equal(perceptron().fit(x, [false, false, false, true]).converged, true);
});
