import { InputError, ShapeError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import { checkKeys, describe, integerAtLeast } from '../core/validate.js';
import type { ActivationSpec } from '../activations.js';
import type { LossName } from '../losses/loss.js';
import type { Sequential, WeightArray } from '../model/sequential.js';
import { buildNetwork } from '../training/network.js';

/** One Dense layer of a network typed by hand. */
export interface NetworkLayerSpec {
  units: number;
  /** Default 'sigmoid' (the worked examples' activation). */
  activation?: ActivationSpec;
  /** Default true. */
  useBias?: boolean;
}

/**
 * A small network written out as JSON, as the worked examples give it: layer sizes,
 * activations, and every weight in Keras' layout [W1, b1, W2, b2, ...] with W as
 * [inputs][units]. `backprop explain --network '{...}'` and the playground use it.
 *
 * @example
 * { "inputs": 2, "layers": [{ "units": 2, "activation": "sigmoid" }, { "units": 2, "activation": "sigmoid" }],
 *   "weights": [[[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35], [[0.4, 0.5], [0.45, 0.55]], [0.6, 0.6]], "loss": "sse" }
 */
export interface NetworkSpec {
  /** Input features; default the rows of the first kernel in `weights`. */
  inputs?: number;
  layers: NetworkLayerSpec[];
  /** Every tensor in getWeights order; default: initialised from `seed` (glorotUniform, zero biases). */
  weights?: WeightArray[];
  /** Default 'sse', E = ½Σ(t − a)², the notes' loss. */
  loss?: LossName;
  /** Default 'float64' (exact worked examples). */
  dtype?: DType;
  /** Seed for weights that are not given; default 0. */
  seed?: number;
}

/** Builds and compiles (plain SGD, the spec's loss) a model from a NetworkSpec; errors name the field. */
export function networkFromSpec(spec: unknown, inputs?: number): Sequential {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new InputError(`network: expected an object like {"layers": [{"units": 2, "activation": "sigmoid"}], "weights": [...]}, got ${describe(spec)}`);
  }
  const s = spec as NetworkSpec;
  checkKeys('network', s, ['inputs', 'layers', 'weights', 'loss', 'dtype', 'seed']);
  if (!Array.isArray(s.layers) || s.layers.length === 0) throw new InputError('network: "layers" must be a non-empty array of {"units", "activation"}');
  const firstKernel = Array.isArray(s.weights) ? s.weights[0] : undefined;
  const fromWeights = Array.isArray(firstKernel) ? firstKernel.length : undefined;
  const nIn = s.inputs !== undefined ? integerAtLeast('network', 'inputs', s.inputs, 1) : inputs ?? fromWeights;
  if (nIn === undefined) throw new InputError('network: give "inputs" (the number of input features) or the weights');
  if (inputs !== undefined && nIn !== inputs) throw new ShapeError(`network: the network has ${nIn} inputs but x has ${inputs} features`);
  const specs = s.layers.map((l, i) => {
    if (typeof l !== 'object' || l === null) throw new InputError(`network: layers[${i}] must be an object like {"units": 2, "activation": "sigmoid"}, got ${describe(l)}`);
    checkKeys(`network layers[${i}]`, l, ['units', 'activation', 'useBias']);
    integerAtLeast(`network layers[${i}]`, 'units', l.units, 1);
    return { units: l.units, activation: l.activation ?? 'sigmoid', useBias: l.useBias ?? true };
  });
  const hidden = specs.slice(0, -1);
  const last = specs[specs.length - 1]!;
  // The library's one builder; plain SGD and the spec's loss (the notes' setting).
  const { model } = buildNetwork(
    nIn,
    { units: last.units, activation: last.activation, loss: s.loss ?? 'sse', metrics: [] },
    { hidden: hidden.map((l) => l.units), activation: hidden.map((l) => l.activation), dropout: 0 },
    { optimizer: 'sgd' },
    { seed: s.seed ?? 0, dtype: s.dtype ?? 'float64', useBias: specs.map((l) => l.useBias) },
  );
  if (s.weights !== undefined) model.setWeights(s.weights);
  return model;
}
