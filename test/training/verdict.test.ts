import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { trainingVerdict } from '../../src/training/verdict.js';
import { stillFalling } from '../../src/model/history.js';

const curve = (loss: number[], valLoss?: number[]) => ({ history: { loss, ...(valLoss ? { val_loss: valLoss } : {}) } });

test('a validation loss that rose more than 2 % since its lowest epoch is overfitting, named with both values', () => {
  const v = trainingVerdict(curve([1, 0.8, 0.6, 0.5, 0.4, 0.3], [1, 0.7, 0.6, 0.62, 0.66, 0.7]));
  assert.equal(v?.kind, 'overfitting');
  assert.equal(v.bestEpoch, 3);
  assert.match(v.message, /^Overfitting since epoch 3: the validation loss was lowest there \(0\.6000\) and rose to 0\.7000 by epoch 6\./);
});

test('still falling by more than 1 % over the last tenth (at least 3 epochs): still improving, with the numbers', () => {
  const loss = Array.from({ length: 40 }, (_, i) => 1 / (1 + 0.1 * i));
  const v = trainingVerdict(curve(loss));
  assert.equal(v?.kind, 'improving');
  assert.equal(v.message, `Still improving: the training loss fell from ${loss[35]!.toFixed(4)} to ${loss[39]!.toFixed(4)} over the last 4 epochs; more --epochs may help.`);
  assert.deepEqual(stillFalling(loss), { from: loss[35], to: loss[39], over: 4 });
});

test('a curve that still improves by hair-widths is flat, and fit would not warn either (the mtcars contradiction)', () => {
  // Falls by 0.05 % per epoch at the end: an improvement in the last epoch, but not 1 % over the window.
  const loss = [1, 0.5, 0.3, ...Array.from({ length: 61 }, (_, i) => 0.2 * (1 - 0.0005 * i))];
  assert.equal(stillFalling(loss), undefined);
  const v = trainingVerdict(curve(loss));
  assert.equal(v?.kind, 'flat');
  assert.match(v.message, /^Flat: the training loss changed little over the last 7 epochs/);
});

test('short curves: lowest at the last epoch is still falling; one epoch is not judged', () => {
  assert.deepEqual(stillFalling([0.9, 0.8]), { from: 0.9, to: 0.8, over: 1 });
  assert.equal(stillFalling([0.8, 0.9]), undefined);
  assert.equal(stillFalling([0.8]), undefined);
  assert.deepEqual(stillFalling([NaN, 0.8, 0.7]), { from: 0.8, to: 0.7, over: 1 });
});

test('the verdict says "still improving" exactly when fit would warn that the loss was still falling (any curve)', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: 1e-3, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }), (loss) => {
    const v = trainingVerdict(curve(loss));
    assert.equal(v?.kind === 'improving', stillFalling(loss) !== undefined);
  }), { seed: 7, numRuns: 500 });
});

test('a flat curve on rows fitted perfectly advises no larger network; without that flag it does', () => {
  const loss = [1, 0.5, 0.35, ...Array.from({ length: 20 }, () => 0.31)];
  assert.match(trainingVerdict(curve(loss))!.message, /A larger network or another learning rate may do better/);
  const perfect = trainingVerdict(curve(loss), { perfectFit: true })!;
  assert.equal(perfect.kind, 'flat');
  assert.match(perfect.message, /training has converged, fitting the training rows perfectly \(a larger network cannot do better on them\)\. \(No validation data/);
  assert.doesNotMatch(perfect.message, /larger network or another learning rate may do better/);
});

test('a flat validation curve with the training rows fit clearly better advises data or regularisation, not a larger network; a small gap or none keeps the capacity advice', () => {
  const val = [1, 0.6, 0.5, ...Array.from({ length: 20 }, () => 0.45)];
  const loss = val.map((v) => v / 3);
  const variance = trainingVerdict(curve(loss, val), { scores: { metric: 'accuracy', training: 0.998, validation: 0.871 } })!;
  assert.equal(variance.kind, 'flat');
  assert.match(variance.message, /the training rows are fit better than the validation rows \(accuracy 0\.9980 against 0\.8710\), so a larger network would not help: more data, --dropout 0\.2 or fewer or smaller --layers may\.$/);
  const close = trainingVerdict(curve(loss, val), { scores: { metric: 'accuracy', training: 0.9, validation: 0.87 } })!;
  assert.match(close.message, /A larger network or another learning rate may do better\.$/);
  assert.match(trainingVerdict(curve(loss, val), { scores: { metric: 'R²', training: 0.95, validation: 0.8 } })!.message, /R² 0\.9500 against 0\.8000\)/);
  assert.match(trainingVerdict(curve(loss, val), { scores: { metric: 'R²', training: 0.85, validation: 0.8 } })!.message, /A larger network/);
  // Without validation rows the scores say nothing (the training curve is watched).
  assert.match(trainingVerdict(curve(loss), { scores: { metric: 'accuracy', training: 1, validation: 0.5 } })!.message, /A larger network/);
});
