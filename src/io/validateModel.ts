import { UnsupportedError } from '../core/errors.js';
import { activationNames } from '../activations.js';
import { initializerNames } from '../initializers.js';
import type { LayerConfig } from '../layers/layer.js';
import { layerClassNames, layerKind, type ConfigFields, type ParamSpec } from '../layers/registry.js';
import type { SequentialConfig } from '../model/sequential.js';
import { lossNames } from '../losses/index.js';
import { optimizerConfigKeys } from '../optimizers/kind.js';
import { optimizerKind, optimizerNames } from '../optimizers/registry.js';
import { scheduleNames } from '../optimizers/schedules.js';
import { metricNames } from '../metrics/index.js';
import type { Json, Reader } from './json.js';

/** The shape every parameter tensor of a layer will have, known from its config before building. */
export type ExpectedParam = ParamSpec;

/**
 * Checks a saved SequentialConfig field by field (types, names from the registries, sizes capped)
 * and derives every parameter's shape from it, so the weights in the file can be matched against
 * it before a single buffer is allocated. Unknown layer classes, activations, initialisers are
 * UnsupportedError (RELIABILITY L6); everything else malformed is ModelFormatError.
 */
export function validateModelConfig(r: Reader, v: Json | undefined, maxLayers: number, maxElements: number): { config: SequentialConfig; params: ExpectedParam[] } {
  const o = r.object(v);
  r.keys(o, ['name', 'seed', 'dtype', 'inputUnits', 'layers']);
  const name = r.at('name').string(o.name, 200);
  const seed = r.at('seed').integer(o.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const dtype = r.at('dtype').oneOf(o.dtype, ['float32', 'float64'] as const);
  const inputUnits = r.at('inputUnits').integer(o.inputUnits, 1, maxElements);
  const list = r.at('layers').array(o.layers, maxLayers);
  if (list.length === 0) throw r.at('layers').fail('a model needs at least one layer');
  const layers: LayerConfig[] = [];
  const params: ExpectedParam[] = [];
  const names = new Set<string>();
  let units = inputUnits;
  let total = 0;
  list.forEach((entry, i) => {
    const rl = r.at('layers').at(i);
    const lo = rl.object(entry);
    rl.keys(lo, ['className', 'config']);
    const className = rl.at('className').string(lo.className, 100);
    const kind = layerKind(className);
    if (kind === undefined) {
      throw new UnsupportedError(`${rl.path}: unknown layer class ${JSON.stringify(className)}; this backprop knows ${layerClassNames.join(', ')}`);
    }
    const rc = rl.at('config');
    const c = rc.object(lo.config);
    rc.keys(c, kind.configKeys);
    const layerName = rc.at('name').string(c.name, 200);
    if (layerName === '' || names.has(layerName)) throw rc.at('name').fail(`layer name ${JSON.stringify(layerName)} is empty or repeated`);
    names.add(layerName);
    if (c.inputShape !== undefined) {
      const shape = rc.at('inputShape').array(c.inputShape, 1);
      const declared = rc.at('inputShape').at(0).integer(shape[0], 1, maxElements);
      if (declared !== units) throw rc.at('inputShape').fail(`[${declared}] does not match the ${units} units reaching this layer`);
    }
    if (c.activation !== undefined) checkActivation(rc.at('activation'), c.activation);
    // Shared option kinds are checked by key; the registry checks each class's own fields.
    for (const key of ['kernelInitializer', 'biasInitializer'] as const) if (c[key] !== undefined) checkInitializer(rc.at(key), c[key]);
    if (c.kernelRegularizer !== undefined) checkRegularizer(rc.at('kernelRegularizer'), c.kernelRegularizer);
    const shapes = kind.shapes(rc as ConfigFields, c, layerName, units, maxElements);
    for (const p of shapes.params) total += p.shape.reduce((a, b) => a * b, 1);
    params.push(...shapes.params);
    const out = shapes.outputUnits;
    if (total > maxElements) throw rl.fail(`the model has more than ${maxElements} parameters`);
    units = out;
    layers.push({ className, config: c });
  });
  return { config: { name, seed, dtype, inputUnits, layers }, params };
}

function checkActivation(r: Reader, v: Json): void {
  if (typeof v === 'string') {
    if (!(activationNames as readonly string[]).includes(v)) {
      throw new UnsupportedError(`${r.path}: unknown activation ${JSON.stringify(v.slice(0, 60))}; known: ${activationNames.join(', ')}`);
    }
    return;
  }
  const o = r.object(v);
  r.keys(o, ['name', 'alpha']);
  if (o.name !== 'leakyRelu') throw new UnsupportedError(`${r.path}: only leakyRelu takes options, got ${JSON.stringify(o.name)}`);
  r.at('alpha').number(o.alpha);
}

function checkInitializer(r: Reader, v: Json): void {
  const o = r.object(v);
  r.keys(o, ['name', 'config']);
  const name = r.at('name').string(o.name, 100);
  if (!(initializerNames as readonly string[]).includes(name)) {
    throw new UnsupportedError(`${r.path}: unknown initializer ${JSON.stringify(name)}; known: ${initializerNames.join(', ')}`);
  }
  if (o.config !== undefined) numberRecord(r.at('config'), o.config, ['value', 'mean', 'stddev', 'min', 'max']);
}

function checkRegularizer(r: Reader, v: Json): void {
  const o = r.object(v);
  r.keys(o, ['name', 'l1', 'l2']);
  const name = r.at('name').string(o.name, 20);
  if (!['l1', 'l2', 'l1l2'].includes(name)) throw new UnsupportedError(`${r.path}: unknown regularizer ${JSON.stringify(name)}; known: l1, l2, l1l2`);
  for (const k of ['l1', 'l2'] as const) {
    const x = r.at(k).number(o[k]);
    if (x < 0) throw r.at(k).fail(`must be ≥ 0, got ${x}`);
  }
}

/** An object whose values are all finite numbers (or booleans when allowed), with known keys. */
export function numberRecord(r: Reader, v: Json, known: readonly string[], booleans = false): Record<string, number | boolean> {
  const o = r.object(v);
  r.keys(o, known);
  const out: Record<string, number | boolean> = {};
  for (const [k, x] of Object.entries(o)) out[k] = booleans && typeof x === 'boolean' ? x : r.at(k).number(x);
  return out;
}

export interface SavedCompile {
  readonly loss: { readonly name: string; readonly config: Record<string, number | boolean> };
  readonly optimizer: { readonly name: string; readonly config: Record<string, number | boolean | SavedSchedule>; readonly iterations: number; readonly learningRate: number | undefined };
  readonly metrics: readonly string[];
}

/** A learning-rate schedule as saved: a registered name and its numbers (rebuilt by the optimiser). */
export interface SavedSchedule {
  readonly name: string;
  readonly config: Record<string, number | boolean | number[]>;
}

function validateSchedule(r: Reader, v: Json): SavedSchedule {
  const o = r.object(v);
  r.keys(o, ['name', 'config']);
  const name = r.at('name').string(o.name, 100);
  if (!scheduleNames.includes(name)) throw new UnsupportedError(`${r.path}: unknown learning-rate schedule ${JSON.stringify(name)}; known: ${scheduleNames.join(', ')}`);
  const c = r.at('config').object(o.config);
  const config: Record<string, number | boolean | number[]> = {};
  for (const [k, x] of Object.entries(c)) {
    const rk = r.at('config').at(k);
    config[k] = Array.isArray(x) ? rk.array(x, 10_000).map((e, i) => rk.at(i).number(e)) : typeof x === 'boolean' ? x : rk.number(x);
  }
  return { name, config };
}

/** Checks the saved loss, optimiser (with its step count) and metric names. */
export function validateCompile(r: Reader, v: Json | undefined): SavedCompile {
  const o = r.object(v);
  r.keys(o, ['loss', 'optimizer', 'metrics']);
  const rl = r.at('loss');
  const lo = rl.object(o.loss);
  rl.keys(lo, ['name', 'config']);
  const lossName = rl.at('name').string(lo.name, 100);
  if (!(lossNames as readonly string[]).includes(lossName)) throw new UnsupportedError(`${rl.path}: unknown loss ${JSON.stringify(lossName)}; known: ${lossNames.join(', ')}`);
  const lossConfig = lo.config === undefined ? {} : numberRecord(rl.at('config'), lo.config, ['base', 'fromLogits'], true);
  const ro = r.at('optimizer');
  const oo = ro.object(o.optimizer);
  ro.keys(oo, ['name', 'config', 'iterations', 'learningRate']);
  const optName = ro.at('name').string(oo.name, 100);
  const kind = optimizerKind(optName);
  if (kind === undefined) throw new UnsupportedError(`${ro.path}: unknown optimizer ${JSON.stringify(optName)}; known: ${optimizerNames.join(', ')}`);
  const rc = ro.at('config');
  const oc = rc.object(oo.config);
  const { learningRate: lr, ...rest } = oc;
  const optConfig: Record<string, number | boolean | SavedSchedule> = numberRecord(rc, rest, optimizerConfigKeys(kind).filter((k) => k !== 'learningRate'), true);
  if (lr !== undefined) optConfig.learningRate = typeof lr === 'number' ? rc.at('learningRate').number(lr) : validateSchedule(rc.at('learningRate'), lr);
  const iterations = ro.at('iterations').integer(oo.iterations, 0, Number.MAX_SAFE_INTEGER);
  const learningRate = oo.learningRate === undefined ? undefined : ro.at('learningRate').number(oo.learningRate);
  const metrics = r.at('metrics').array(o.metrics ?? [], 100).map((m, i) => {
    const name = r.at('metrics').at(i).string(m, 100);
    if (!metricNames().includes(name)) throw new UnsupportedError(`${r.path}.metrics[${i}]: unknown metric ${JSON.stringify(name)}; known: ${metricNames().join(', ')}`);
    return name;
  });
  return { loss: { name: lossName, config: lossConfig }, optimizer: { name: optName, config: optConfig, iterations, learningRate }, metrics };
}
