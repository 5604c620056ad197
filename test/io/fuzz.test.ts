import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { modelFromBytes, modelToBytes } from '../../src/index.js';
import { byteMutations, checkLoad, loadBudget, editedJson, forge, jsonPaths, smallModel, split, type LoadCounts, type Mutation } from './helpers.js';

/**
 * RELIABILITY L7: 1,000 mutated model files — bit flips, truncations, spliced bytes, and header
 * edits re-sealed with a valid checksum (so they reach the field checks) — each either loads or
 * is rejected with the library's own error, within 500× the CPU time of loading the intact
 * file (loadBudget: a bound that scales with the machine), and never through the loader's
 * last-resort "unexpected" branch (which would mean a check is missing).
 */
const base = modelToBytes(await smallModel('adam', 2), {
  preprocessing: { scaler: { kind: 'standard', offset: [0, 0], scale: [1, 1] }, featureNames: ['x1', 'x2'], schema: { inputs: [{ name: 'x1', kind: 'numeric' }, { name: 'x2', kind: 'numeric' }], target: { kind: 'classes', names: ['y'], classes: [0, 1, 2] } } },
  training: { epoch: 2, history: { epoch: [0, 1], history: { loss: [1, 0.5] } } },
  metadata: { note: 'fuzz' },
});
const { header, data } = split(base);

const headerPaths = jsonPaths(header).filter((p) => p.length > 0);
const hostileValues = fc.oneof(
  fc.constantFrom<unknown>(null, true, -1, 0, 0.5, 1e9, 2 ** 53, -(2 ** 31), 4194305, 211106198978564, '', '__proto__', 'eval', [], {}, [1e9, 1e9], [4194305, 4194305, 211106198978564], [-1], [2.5, 3], { __proto__: 1 }),
  fc.integer({ min: -10, max: 1e6 }),
  fc.string({ maxLength: 12 }),
  fc.array(fc.integer({ min: -3, max: 3e8 }), { maxLength: 10 }),
);
const headerEdit = fc.tuple(fc.constantFrom(...headerPaths), hostileValues, fc.boolean()).map(([path, value, remove]): Mutation =>
  ({ kind: `header ${path.join('.')}`, bytes: forge(editedJson(header, path, value, remove), data) }));
const resizedShape = fc.tuple(fc.nat({ max: (header.tensors as unknown[]).length - 1 }), fc.array(fc.integer({ min: -5, max: 2 ** 40 }), { minLength: 0, maxLength: 10 })).map(([i, shape]): Mutation => {
  const h = JSON.parse(JSON.stringify(header)) as { tensors: { shape: number[]; byteLength: number }[] };
  h.tensors[i]!.shape = shape;
  if (shape.every((d) => d >= 0)) h.tensors[i]!.byteLength = shape.reduce((a, b) => a * b, 4);
  return { kind: 'resized shape', bytes: forge(h, data) };
});

test('1,000 mutated model files: a correct load or the library error, each within 500× the CPU time of an intact load (RELIABILITY L7)', () => {
  const counts: LoadCounts = { loaded: 0, rejected: 0, slowest: 0, budgetMs: loadBudget(() => modelFromBytes(base)) };
  fc.assert(
    fc.property(fc.oneof(...byteMutations(base), headerEdit, resizedShape), (m) => checkLoad(m.kind, () => modelFromBytes(m.bytes), counts)),
    { numRuns: 1000, seed: 20240611 },
  );
  assert.equal(counts.rejected + counts.loaded, 1000);
  assert.ok(counts.rejected > 900, `most mutations are caught (${counts.rejected} rejected, ${counts.loaded} loaded)`);
  console.log(`fuzz: ${counts.rejected} rejected, ${counts.loaded} loaded, slowest ${counts.slowest.toFixed(1)} ms (budget ${counts.budgetMs.toFixed(1)} ms)`);
});
