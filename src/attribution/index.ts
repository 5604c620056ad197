export { permutationImportance, type PermutationImportanceArgs, type PermutationImportance, type ColumnImportance } from './importance.js';
export { partialDependence, type PartialDependenceArgs, type PartialDependence, type IceCurve } from './dependence.js';
export { integratedGradients, gradientTimesInput, type AttributionArgs, type Attribution, type ColumnAttribution } from './integrated.js';
export { inputGradient, type InputGradient } from './gradient.js';
export { rawColumns, type RawColumn } from './columns.js';
export { explainedOutputs, type ExplainedOutput } from './outputs.js';
export { ExplanationInputError, type ExplanationErrorDetails } from './errors.js';
export type { ImportanceMetric } from './scoring.js';
export type { TableRow } from './tables.js';
