import type { Matrix } from '../core/matrix.js';
import type { ModelWithPipeline } from '../training/apply.js';

/**
 * One number a user reads off a prediction — a class's probability, or a regression target in
 * its own units — as `offset + factor · ŷ[unit]` of one model output unit: a binary model's one
 * sigmoid unit gives both classes (1 − p and p), a regression output is un-scaled by the target
 * scaler. Explanations attribute these, so their numbers are in the user's units.
 */
export interface ExplainedOutput {
  /** The class label (as text) or the target column's name. */
  readonly name: string;
  readonly unit: number;
  readonly factor: number;
  readonly offset: number;
}

/** The outputs a model's predictions are read as (decodeOutputs' reading: classes, or targets in their units). */
export function explainedOutputs(m: ModelWithPipeline): ExplainedOutput[] {
  const units = m.network.outputUnits;
  const target = m.preprocessing.schema?.target;
  const classes = m.network.classes ?? (target?.kind === 'classes' ? target.classes : undefined);
  if (classes !== undefined && target?.kind !== 'numeric') {
    if (units === 1) return [{ name: String(classes[0]), unit: 0, factor: -1, offset: 1 }, { name: String(classes[1] ?? 1), unit: 0, factor: 1, offset: 0 }];
    return classes.slice(0, units).map((c, k) => ({ name: String(c), unit: k, factor: 1, offset: 0 }));
  }
  const ts = m.preprocessing.targetScaler;
  return Array.from({ length: units }, (_, k) => ({
    name: target?.names[k] ?? `output ${k + 1}`,
    unit: k,
    // The target scaler is affine, (y − offset)/scale: its inverse is offset + scale · ŷ.
    factor: ts ? ts.scale[k]! : 1,
    offset: ts ? ts.offset[k]! : 0,
  }));
}

/** Whether the outputs are class probabilities (else regression targets). */
export function isClassification(m: ModelWithPipeline): boolean {
  const target = m.preprocessing.schema?.target;
  return target?.kind !== 'numeric' && (m.network.classes !== undefined || target?.kind === 'classes');
}

/** Model outputs [rows, units] → the explained outputs [rows, outputs.length], float64. */
export function readOutputs(outputs: readonly ExplainedOutput[], p: Matrix): Float64Array {
  const k = outputs.length;
  const out = new Float64Array(p.rows * k);
  for (let i = 0; i < p.rows; i++) {
    for (let j = 0; j < k; j++) {
      const o = outputs[j]!;
      out[i * k + j] = o.offset + o.factor * p.data[i * p.cols + o.unit]!;
    }
  }
  return out;
}
