import type { Table, TrainingSpec } from '../src/index.js';
import { readCsvTable } from './csv.js';

/**
 * A --validation-data file read as the training file was: its schema (columns, categories,
 * classes), missing tokens, decimal mark, header row or none, and delimiter, with a target on
 * every row. One rule for train and search.
 */
export function readValidationFile(file: string, training: Table, spec: TrainingSpec, delimiter: string | undefined): Promise<Table> {
  const { naValues, decimal, missing, header } = spec.preprocessing;
  return readCsvTable(file, {
    schema: training.schema,
    requireTarget: true,
    ...(missing === 'error' ? { missing: 'error' as const } : {}),
    ...(naValues !== undefined ? { naValues } : {}),
    ...(decimal !== undefined ? { decimal } : {}),
    ...(header === false ? { header } : {}),
  }, undefined, delimiter);
}
