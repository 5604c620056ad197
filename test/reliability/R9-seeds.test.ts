// R9 (and D2): every seed the library accepts has its own stream; a seed it would have to round is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, Rng, layers, sequential } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

function head(seed: number): number[] {
  const r = new Rng(seed);
  return Array.from({ length: 4 }, () => r.nextUint32());
}

test('R9: 2^32+1, -1 and 2^32 no longer alias 1, 2^32-1 and 0', () => {
  assert.notDeepEqual(head(2 ** 32 + 1), head(1));
  assert.notDeepEqual(head(2 ** 32 + 1), head(0));
  assert.notDeepEqual(head(-1), head(2 ** 32 - 1));
  assert.notDeepEqual(head(2 ** 32), head(0));
  assert.notDeepEqual(head(-(2 ** 32)), head(0));
});

test('R9: seeds in [0, 2^32) keep their streams (golden seed 42)', () => {
  assert.deepEqual(head(42), [2837322924, 544945897, 479756282, 3500138142]);
});

test('R9: a fractional, non-finite or unsafe seed is an InputError naming it', () => {
  for (const seed of [0.5, 0.25, NaN, Infinity, 2 ** 53, -(2 ** 60)]) {
    assertThrowsWith(() => new Rng(seed), InputError, /seed must be a safe integer/, new RegExp(String(seed).replace('+', '\\+')));
  }
  assertThrowsWith(() => sequential([layers.dense({ units: 1, inputShape: [1] })], { seed: 0.5 }), InputError, /sequential: seed/, /0\.5/);
});

test('R9 property: distinct safe-integer seeds give distinct streams', () => {
  const seed = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.maxSafeInteger(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.maxSafeNat());
  fc.assert(
    fc.property(seed, seed, (a, b) => {
      fc.pre(a !== b);
      assert.notDeepEqual(head(a), head(b), `seeds ${a} and ${b}`);
    }),
    { numRuns: 2000 },
  );
  // The classic aliases of a 32-bit fold: s and s + k·2^32, s and its two's complement.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 20 }), (s, k) => {
      assert.notDeepEqual(head(s + k * 2 ** 32), head(s));
      if (s > 0) assert.notDeepEqual(head(-s), head(2 ** 32 - s));
    }),
    { numRuns: 2000 },
  );
});

test('R9: the model seed reaches the initial weights: seeds 1 and 2^32+1 give different models', () => {
  const w = (seed: number): number[] => {
    const m = sequential([layers.dense({ units: 3, inputShape: [2] })], { seed });
    m.build(2);
    return Array.from(m.params()[0]!.value);
  };
  assert.notDeepEqual(w(1), w(2 ** 32 + 1));
  assert.deepEqual(w(7), w(7));
});
