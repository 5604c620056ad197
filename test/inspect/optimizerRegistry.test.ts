// The optimiser registry: every registered optimiser, at its defaults and with each setting moved
// off its default, round-trips its config and its state (through the model file too), and the
// step explainUpdate writes out in float64 is the step the optimiser really takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  explain, explainUpdate, modelFromBytes, modelToBytes, optimizerRegistry, optimizerNames, getOptimizer,
  ModelFormatError,
} from '../../src/index.js';
import { X, Y, flat, stepModel } from './stepFixture.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';
import { forge, split } from '../io/helpers.js';


/**
 * Configs of a kind built from its defaults alone: the defaults; each setting moved (a boolean
 * flipped, a 0 made 0.5, any other number scaled by 0.5); and all moved at once (so sgd's
 * nesterov is tried with momentum on).
 */
function variants(defaults: Readonly<Record<string, number | boolean>>): Record<string, number | boolean>[] {
  const moved = (v: number | boolean) => (typeof v === 'boolean' ? !v : v === 0 ? 0.5 : v * 0.5);
  const out: Record<string, number | boolean>[] = [{}];
  for (const [k, v] of Object.entries(defaults)) out.push({ [k]: moved(v) });
  out.push(Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, moved(v)])));
  return out;
}

test('the registry has every optimiser under its own name, with its config keys and defaults', () => {
  assert.deepEqual([...optimizerNames].sort(), ['adagrad', 'adam', 'rmsprop', 'sgd']);
  for (const name of optimizerNames) {
    const kind = optimizerRegistry[name];
    assert.equal(kind.name, name);
    const opt = getOptimizer(name);
    assert.equal(opt.name, name);
    assert.ok(kind.is(opt));
    const config = opt.getConfig();
    assert.equal(config.learningRate, kind.defaultLearningRate, `${name} learning rate`);
    for (const [k, v] of Object.entries(kind.defaults)) assert.equal(config[k], v, `${name}.${k}`);
    assert.deepEqual(Object.keys(config).sort(), ['learningRate', ...Object.keys(kind.defaults)].sort(), `${name} config keys`);
  }
});

for (const name of optimizerNames) {
  const kind = optimizerRegistry[name] as unknown as import('../../src/index.js').OptimizerKind;
  for (const settings of variants(kind.defaults)) {
    const label = `${name} ${JSON.stringify(settings)}`;

    test(`${label}: config and state round-trip, in memory and through the model file`, async () => {
      const m = stepModel(kind.fromConfig({ learningRate: 0.05, ...settings }));
      await m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
      const opt = m.session.optimizer;
      const config = opt.getConfig();
      for (const [k, v] of Object.entries(settings)) assert.equal(config[k], v, `${label} ${k}`);
      const again = kind.fromConfig(config);
      assert.deepEqual(again.getConfig(), config);
      const params = m.params();
      const state = opt.getState(params);
      assert.equal(state.iterations, 6);
      for (const p of m.trainableParams()) {
        const slots = state.slots[p.name] ?? [];
        assert.equal(slots.length, opt.slotNames.length, `${label} ${p.name}: one slot per name (${opt.slotNames.join(', ')})`);
        for (const s of slots) assert.equal(s.length, p.size);
      }
      again.setState(params, state);
      assert.deepEqual(again.getState(params), state);

      const loaded = modelFromBytes(modelToBytes(m)).model;
      assert.equal(loaded.session.optimizer.name, name);
      assert.deepEqual(loaded.session.optimizer.getConfig(), config);
      assert.deepEqual(loaded.session.optimizer.getState(loaded.params()), state);
    });

    test(`${label}: explainUpdate's written-out step after 3 steps equals the optimiser's 4th step, weights and state`, async () => {
      const m = stepModel(kind.fromConfig({ learningRate: 0.05, ...settings }));
      await m.fit(X, Y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
      const e = explain(m, X, Y);
      const u = explainUpdate(m, e);
      assert.equal(u.step, 4);
      assert.equal(u.params.length, 4);
      const params = m.trainableParams();
      const byName = new Map(e.layers.flatMap((l) => l.params.map((p) => [p.name, p] as const)));
      for (const p of params) p.grad.set(flat(byName.get(p.name)!.grad));
      m.session.optimizer.step(params);
      const state = m.session.optimizer.getState(params).slots;
      for (const pu of u.params) {
        const p = params.find((q) => q.name === pu.name)!;
        flat(pu.after).forEach((v, i) => assertClose(v, p.value[i]!, 1e-12, 1e-15, `${label} ${pu.name}[${i}] after`));
        // Every slot the optimiser keeps is written out, new value beside old, in slot order.
        const newSlots = pu.terms.filter((t) => t.key.endsWith('New')).map((t) => flat(t.values));
        const slots = state[pu.name] ?? [];
        const shown = slots.filter((s, k) => newSlots[k] !== undefined || s.some((x) => x !== 0));
        assert.equal(newSlots.length, shown.length, `${label} ${pu.name}: slots written out`);
        newSlots.forEach((s, k) => s.forEach((v, i) => assertClose(v, slots[k]![i]!, 1e-12, 1e-15, `${label} ${pu.name} slot ${k}[${i}]`)));
      }
      assert.ok(u.equations.length > 0);
    });
  }
}

test('the loader refuses a config key of another optimiser and more slots than the optimiser keeps, naming them', async () => {
  const m = stepModel(getOptimizer('sgd', { momentum: 0.9 }));
  await m.fit(X, Y, { epochs: 1, batchSize: 4, verbose: 0 });
  const { header, data } = split(modelToBytes(m));
  const compile = header.compile as { optimizer: { config: Record<string, unknown> } };
  const withBeta = { ...header, compile: { ...compile, optimizer: { ...compile.optimizer, config: { ...compile.optimizer.config, beta1: 0.9 } } } };
  assertThrowsWith(() => modelFromBytes(forge(withBeta, data)), ModelFormatError, /compile\.optimizer\.config.*beta1/);
    // A copy of one velocity tensor, numbered slot 1, appended to the data.
  const tensors = header.tensors as { name: string; offset: number; byteLength: number }[];
  const slot = tensors.find((t) => t.name.startsWith('slot:'))!;
  const more = new Uint8Array(data.length + slot.byteLength);
  more.set(data);
  more.set(data.subarray(slot.offset, slot.offset + slot.byteLength), data.length);
  const extra = { ...header, tensors: [...tensors, { ...slot, name: slot.name.replace(/:0$/, ':1'), offset: data.length }] };
  assertThrowsWith(() => modelFromBytes(forge(extra, more)), ModelFormatError, /2 in the file, but sgd keeps 1 \(velocity\)/);
});
