// The specs `npm run bench:tables` compares: 'old' (the CLI's defaults before the tabular preset,
// which is what --preset small keeps: 32-16 ReLU, Adam 1e-3, batch 32, ≤ 100 epochs, early stopping
// patience 10), 'tabular' (the preset as resolved for the table), and, for experiments, JSON spec
// parts with a "label", laid over the tabular preset.
import { presetDataOf } from '../../cli/preset.js';
import { presetSpec, trainingSpec, type Table, type TrainingSpec, type TrainingSpecParts } from '../../src/index.js';

export const VARIANT_NAMES = ['old', 'tabular'] as const;

function merge(base: TrainingSpecParts, over: TrainingSpecParts): TrainingSpecParts {
  return {
    preprocessing: { ...base.preprocessing, ...over.preprocessing },
    architecture: { ...base.architecture, ...over.architecture },
    compile: { ...base.compile, ...over.compile },
    fit: { ...base.fit, ...over.fit },
  };
}

export function variantSpec(variant: string, table: Table): TrainingSpec {
  const data = presetDataOf(table);
  const task = data.task;
  if (variant === 'old') return trainingSpec(presetSpec('small', data).parts);
  const tabular = presetSpec('tabular', data).parts;
  if (variant === 'tabular') return trainingSpec(tabular);
  if (variant.startsWith('{')) {
    const { label: _label, minSteps, maxEpochs, ...parts } = JSON.parse(variant) as TrainingSpecParts & { label?: string; minSteps?: number; maxEpochs?: number };
    let spec = merge(tabular, parts);
    // Experiments on epochs from the rows: at least minSteps optimiser steps (at most maxEpochs epochs).
    if (minSteps !== undefined) {
      const trainRows = table.rows * 0.8 * (1 - (spec.fit?.validationSplit ?? 0));
      const perEpoch = Math.ceil(trainRows / (spec.fit?.batchSize ?? 32));
      spec = merge(spec, { fit: { epochs: Math.min(maxEpochs ?? 1000, Math.max(spec.fit?.epochs ?? 64, Math.ceil(minSteps / perEpoch))) } });
    }
    if (task === 'regression' && spec.compile?.labelSmoothing !== undefined) spec = merge(spec, { compile: { labelSmoothing: 0 } });
    // "embedding": null leaves the numeric embedding out.
    if ((spec.architecture as { embedding?: unknown } | undefined)?.embedding === null) spec = { ...spec, architecture: Object.fromEntries(Object.entries(spec.architecture!).filter(([k]) => k !== 'embedding')) };
    // "earlyStopping": 0 turns early stopping off.
    if (spec.fit?.earlyStopping === 0) spec = merge(spec, { fit: { earlyStopping: undefined } as never });
    return trainingSpec(spec);
  }
  throw new Error(`unknown variant ${variant}; known: ${VARIANT_NAMES.join(', ')} or JSON spec parts`);
}
