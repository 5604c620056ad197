// Numerical stability of softmax and the losses (RELIABILITY N1–N4), with fast-check properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix, losses, getActivation, sigmoid } from '../../src/index.js';
import { assertClose } from '../helpers/assert.js';

const softmax = getActivation('softmax');
const row = (values: number[]) => new Matrix(1, values.length, Float64Array.from(values));

test('softmax rows sum to 1 and are shift-invariant (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 32 }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (values, shift) => {
      const a = new Float64Array(values.length);
      const b = new Float64Array(values.length);
      softmax.forward(Float64Array.from(values), a, 1, values.length);
      softmax.forward(Float64Array.from(values.map((v) => v + shift)), b, 1, values.length);
      const sum = a.reduce((s, v) => s + v, 0);
      assert.ok(a.every(Number.isFinite) && Math.abs(sum - 1) < 1e-6);
      // Shifting only changes rounding in the subtraction z − max.
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-6));
    }),
    { numRuns: 300 },
  );
});

test('sigmoid does not overflow at ±1e4 and ±Infinity-adjacent values', () => {
  assert.equal(sigmoid(1e4), 1);
  assert.equal(sigmoid(-1e4), 0);
  assert.equal(sigmoid(-800), 0);
  assertClose(sigmoid(0), 0.5, 0);
});

test('BCE from logits equals max(x,0) − x·z + log1p(exp(−|x|)) and stays finite at ±1e4 (N3)', () => {
  const bce = losses.binaryCrossentropy({ fromLogits: true });
  for (const x of [-1e4, -30, -1, 0, 2.5, 30, 1e4]) {
    for (const z of [0, 1]) {
      const expected = Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
      assertClose(bce.value(row([x]), row([z])), expected, 1e-9, 1e-12, `x=${x}, z=${z}`);
    }
  }
  const probs = losses.binaryCrossentropy();
  for (const p of [0, 1]) for (const z of [0, 1]) assert.ok(Number.isFinite(probs.value(row([p]), row([z]))), `BCE on prob ${p}, target ${z} is finite`);
});

test('CCE with exact 0 and 1 probabilities is finite; logits and probability paths agree (N2)', () => {
  const cce = losses.categoricalCrossentropy();
  const y = row([0, 1, 0]);
  assert.ok(Number.isFinite(cce.value(row([1, 0, 0]), y)));
  assert.ok(Number.isFinite(cce.value(row([0, 1, 0]), y)));
  const logits = [0.3, -1.2, 2];
  const p = new Float64Array(3);
  softmax.forward(Float64Array.from(logits), p, 1, 3);
  const fromLogits = losses.categoricalCrossentropy({ fromLogits: true }).value(row(logits), y);
  assertClose(cce.value(new Matrix(1, 3, p), y), fromLogits, 1e-9);
  assertClose(fromLogits, -Math.log(p[1]!), 1e-12);
  const ccce = losses.categoricalCrossentropy({ fromLogits: true });
  assert.ok(Number.isFinite(ccce.value(row([1e4, -1e4, 0]), y)));
});

test('cross-entropy in bits (base 2), as seed 001 writes it: −log₂(0.25) = 2', () => {
  assertClose(losses.categoricalCrossentropy({ base: 2 }).value(row([0.25, 0.75]), row([1, 0])), 2, 1e-9);
  assertClose(losses.binaryCrossentropy({ base: 2 }).value(row([0.5]), row([1])), 1, 1e-9);
});

test('every loss is finite for arbitrary finite logits up to |x| ≤ 1e6 (N4, property)', () => {
  const fromLogits = [losses.binaryCrossentropy({ fromLogits: true }), losses.categoricalCrossentropy({ fromLogits: true })];
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 32 }), fc.nat(), (values, k) => {
      const t = values.map((_, i) => (i === k % values.length ? 1 : 0));
      for (const loss of fromLogits) assert.ok(Number.isFinite(loss.value(row(values), row(t))), `${loss.name} finite`);
    }),
    { numRuns: 300 },
  );
  // A naive −log(softmax) fails this property: exp(710) overflows to Infinity.
  const naive = (z: number[], t: number[]) => {
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    return -t.reduce((acc, ti, i) => acc + ti * Math.log(e[i]! / s), 0);
  };
  const failure = fc.check(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 8 }), (values) => Number.isFinite(naive(values, values.map((_, i) => (i === 0 ? 1 : 0))))),
    { numRuns: 300, seed: 1 },
  );
  assert.ok(failure.failed, 'the naive version must fail the same property');
  const shrunk = failure.counterexample![0] as number[];
  assert.ok(shrunk.some((v) => Math.abs(v) > 709), `shrinks to a value past exp's limit (≈709.78), got ${JSON.stringify(shrunk)}`);
});
