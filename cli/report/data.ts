/** What the report page draws, embedded in it as JSON (plain numbers and strings only). */
export interface ReportCharts {
  /** One series per log name over the epochs; null where a value is not finite. */
  readonly loss: ChartSeries;
  readonly accuracy: ChartSeries | undefined;
  readonly boundary: BoundaryData | undefined;
  readonly fit: FitData | undefined;
  readonly colors: readonly string[];
}

export interface ChartSeries {
  readonly epochs: readonly number[];
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
}

/** A 2-D decision boundary: a grid of predicted classes (top row first) and the data points. */
export interface BoundaryData {
  readonly xName: string;
  readonly yName: string;
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
  readonly size: number;
  /** Predicted class per cell, row-major from the top-left (y = max) corner. */
  readonly cells: readonly number[];
  /** Confidence of that prediction per cell, in [0, 1]. */
  readonly confidence: readonly number[];
  readonly classes: readonly string[];
  readonly points: { readonly x: readonly number[]; readonly y: readonly number[]; readonly cls: readonly number[] };
}

/** A 1-D regression: the data and the model's curve. */
export interface FitData {
  readonly xName: string;
  readonly yName: string;
  readonly points: { readonly x: readonly number[]; readonly y: readonly number[] };
  readonly curve: { readonly x: readonly number[]; readonly y: readonly number[] };
}

/** Tableau 10: distinguishable, and readable by most colour-blind people. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
