import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { modelFromBytes, modelToBytes, ModelFormatError, UnsupportedError } from '../../src/index.js';
import { cpuMs, forge, smallModel, split } from './helpers.js';

/**
 * RELIABILITY L7: 1,000 mutated model files — bit flips, truncations, spliced bytes, and header
 * edits re-sealed with a valid checksum (so they reach the field checks) — each either loads or
 * is rejected with the library's own error, in under 100 ms, and never through the loader's
 * last-resort "unexpected" branch (which would mean a check is missing).
 */
const base = modelToBytes(await smallModel('adam', 2), {
  preprocessing: { scaler: { kind: 'standard', offset: [0, 0], scale: [1, 1] }, featureNames: ['x1', 'x2'], schema: { inputs: [{ name: 'x1', kind: 'numeric' }, { name: 'x2', kind: 'numeric' }], target: { kind: 'classes', names: ['y'], classes: [0, 1, 2] } } },
  training: { epoch: 2, history: { epoch: [0, 1], history: { loss: [1, 0.5] } } },
  metadata: { note: 'fuzz' },
});
const { header, data } = split(base);

type Mutation = { kind: string; bytes: Uint8Array };

const bitFlips = fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => {
  const b = base.slice();
  for (const [at, bit] of flips) b[at]! ^= 1 << bit;
  return { kind: 'bit flips', bytes: b };
});
const truncation = fc.nat({ max: base.length - 1 }).map((n): Mutation => ({ kind: 'truncation', bytes: base.slice(0, n) }));
const splice = fc.tuple(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, extra]): Mutation => {
  const b = new Uint8Array(base.length + extra.length);
  b.set(base.subarray(0, at));
  b.set(extra, at);
  b.set(base.subarray(at), at + extra.length);
  return { kind: 'splice', bytes: b };
});

/** Every JSON path in the header, to aim edits at. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}
const headerPaths = paths(header).filter((p) => p.length > 0);
const hostileValues = fc.oneof(
  fc.constantFrom<unknown>(null, true, -1, 0, 0.5, 1e9, 2 ** 53, -(2 ** 31), 4194305, 211106198978564, '', '__proto__', 'eval', [], {}, [1e9, 1e9], [4194305, 4194305, 211106198978564], [-1], [2.5, 3], { __proto__: 1 }),
  fc.integer({ min: -10, max: 1e6 }),
  fc.string({ maxLength: 12 }),
  fc.array(fc.integer({ min: -3, max: 3e8 }), { maxLength: 10 }),
);
const headerEdit = fc.tuple(fc.constantFrom(...headerPaths), hostileValues, fc.boolean()).map(([path, value, remove]): Mutation => {
  const h = JSON.parse(JSON.stringify(header)) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = h;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return { kind: `header ${path.join('.')}`, bytes: forge(h, data) };
});
const resizedShape = fc.tuple(fc.nat({ max: (header.tensors as unknown[]).length - 1 }), fc.array(fc.integer({ min: -5, max: 2 ** 40 }), { minLength: 0, maxLength: 10 })).map(([i, shape]): Mutation => {
  const h = JSON.parse(JSON.stringify(header)) as { tensors: { shape: number[]; byteLength: number }[] };
  h.tensors[i]!.shape = shape;
  if (shape.every((d) => d >= 0)) h.tensors[i]!.byteLength = shape.reduce((a, b) => a * b, 4);
  return { kind: 'resized shape', bytes: forge(h, data) };
});

test('1,000 mutated model files: a correct load or the library error, each under 100 ms (RELIABILITY L7)', () => {
  let rejected = 0;
  let loaded = 0;
  let slowest = 0;
  fc.assert(
    fc.property(fc.oneof(bitFlips, truncation, splice, headerEdit, resizedShape), (m) => {
      const t0 = process.cpuUsage();
      try {
        const result = modelFromBytes(m.bytes);
        assert.ok(result.model.built, `${m.kind}: a load gives a built model`);
        loaded++;
      } catch (e) {
        assert.ok(e instanceof ModelFormatError || e instanceof UnsupportedError, `${m.kind}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        assert.doesNotMatch(e.message, /unexpected (TypeError|RangeError|Error|error)/, `${m.kind}: reached the last-resort handler`);
        rejected++;
      }
      // CPU time: the case's own work, not the time a machine shared by many processes kept it waiting.
      const ms = cpuMs(t0);
      slowest = Math.max(slowest, ms);
      assert.ok(ms < 100, `${m.kind}: took ${ms.toFixed(1)} ms`);
    }),
    { numRuns: 1000, seed: 20240611 },
  );
  assert.equal(rejected + loaded, 1000);
  assert.ok(rejected > 900, `most mutations are caught (${rejected} rejected, ${loaded} loaded)`);
  console.log(`fuzz: ${rejected} rejected, ${loaded} loaded, slowest ${slowest.toFixed(1)} ms`);
});
