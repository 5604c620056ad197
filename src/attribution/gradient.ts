import { Matrix } from '../core/matrix.js';
import { ShapeError } from '../core/errors.js';
import type { Sequential } from '../model/sequential.js';
import { ExplanationInputError } from './errors.js';

/** What inputGradient gives: the output unit's value and its gradient for every row. */
export interface InputGradient {
  /** ŷ_unit per row (the model's output, after its activation), float64. */
  readonly output: Float64Array;
  /** ∂ŷ_unit/∂x: [rows, inputUnits], float64 (computed in the model's dtype). */
  readonly gradient: Matrix;
}

/**
 * The exact gradient of one output unit with respect to the model's inputs, row by row, by the
 * layers' own backward pass in inference mode (dropout off, batch norm on its moving statistics):
 * the pass a training step makes, seeded with ∂E/∂ŷ = e_unit instead of a loss gradient, so
 * ∂ŷ_unit/∂x = e_unitᵀ · J_L ⋯ J_1 (softmax outputs through their Jacobian). It uses the layers'
 * buffers (and writes over their parameter gradients), so call it between training steps, not
 * inside one.
 *
 * [rows, inputUnits] → [rows, inputUnits].
 */
export function inputGradient(model: Sequential, x: Matrix, unit: number): InputGradient {
  model.requireBuilt('inputGradient');
  if (x.cols !== model.inputUnits) throw new ShapeError(`inputGradient: x has ${x.cols} features, the model expects ${model.inputUnits}`);
  const units = model.outputUnits;
  if (!Number.isInteger(unit) || unit < 0 || unit >= units) {
    throw new ExplanationInputError(`inputGradient: output unit ${unit} does not exist; the model has units 0 to ${units - 1}`, { field: 'unit' });
  }
  const rows = x.rows;
  const output = new Float64Array(rows);
  const gradient = Matrix.zeros(rows, x.cols, 'float64');
  if (rows === 0) return { output, gradient };
  let a = model.stage(x.dtype === model.dtype ? x : x.clone(model.dtype));
  for (const layer of model.layers) a = layer.forward(a, false);
  for (let i = 0; i < rows; i++) output[i] = a.data[i * units + unit]!;
  let d = Matrix.zeros(rows, units, model.dtype);
  for (let i = 0; i < rows; i++) d.data[i * units + unit] = 1;
  // Every layer's input gradient is needed, the first layer's too (a training step skips that one).
  for (let l = model.layers.length - 1; l >= 0; l--) d = model.layers[l]!.backward(d, true, false);
  gradient.data.set(d.data.subarray(0, rows * x.cols));
  return { output, gradient };
}
