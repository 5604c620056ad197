import { InputError } from '../core/errors.js';

/** Where an explanation's input is wrong: the argument (`field`), raw column or data row it names. */
export interface ExplanationErrorDetails {
  /** The argument, e.g. `grid` or `repeats`. */
  readonly field?: string;
  /** The raw column, e.g. `bill_length_mm`. */
  readonly column?: string;
  /** The data row, counted from 0 (the CLI prints it from 1). */
  readonly row?: number;
}

/** Bad input to an explanation (permutation importance, partial dependence, attribution), naming what is wrong and where. */
export class ExplanationInputError extends InputError {
  readonly field: string | undefined;
  readonly column: string | undefined;
  readonly row: number | undefined;

  constructor(message: string, details: ExplanationErrorDetails = {}) {
    super(message);
    this.field = details.field;
    this.column = details.column;
    this.row = details.row;
  }
}
