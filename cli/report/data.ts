/** What the report page draws, embedded in it as JSON (plain numbers and strings only). */
export interface ReportCharts {
  /** One series per log name over the epochs; null where a value is not finite. */
  readonly loss: ChartSeries;
  readonly accuracy: ChartSeries | undefined;
  readonly boundary: BoundaryData | undefined;
  readonly fit: FitData | undefined;
  /** Regression: predicted against actual and the residuals, per output. */
  readonly residuals: ResidualData | undefined;
  /** Per-layer statistics over the epochs (the "Inside the network" charts); absent when not recorded. */
  readonly inside: InsideData | undefined;
  /** The parameters' path projected to 2-D by PCA; absent when not recorded. */
  readonly trajectory: TrajectoryData | undefined;
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

/**
 * A regressor's predictions on the validation rows (the training rows when there are none), in
 * the target's units: per output the actual values, the predictions and the residuals
 * actual − predicted, for `rows` (all of them, or an even sample for big sets).
 */
export interface ResidualData {
  readonly on: 'validation' | 'training';
  /** Row indices into the table, in the order of the values below. */
  readonly rows: readonly number[];
  readonly outputs: readonly OutputResiduals[];
}

export interface OutputResiduals {
  readonly name: string;
  readonly actual: readonly number[];
  readonly predicted: readonly number[];
  readonly residual: readonly number[];
  /** Over all the rows it was measured on, not only the plotted ones. */
  readonly mse: number;
  readonly mae: number;
  readonly r2: number;
}

/**
 * What `callbacks.layerStatistics` recorded, per Dense layer over the collected epochs (1-based).
 * Values that are not finite are null (JSON has no NaN); `saturated` is null for layers other
 * than sigmoid/tanh and `dead` null for layers other than ReLU.
 */
export interface InsideData {
  readonly epochs: readonly number[];
  readonly layers: readonly LayerSeries[];
  /** Values sampled per layer per epoch for the quartiles. */
  readonly reservoir: number;
}

export interface LayerSeries {
  readonly name: string;
  readonly activation: string;
  readonly units: number;
  readonly mean: readonly (number | null)[];
  readonly std: readonly (number | null)[];
  /** Per epoch the 25th, 50th and 75th percentiles of the layer's outputs. */
  readonly quartiles: readonly (readonly [number | null, number | null, number | null])[];
  readonly saturated: readonly (number | null)[] | null;
  readonly dead: readonly (number | null)[] | null;
  readonly gradientNorm: readonly (number | null)[];
  readonly updateRatio: readonly (number | null)[];
}

/** What `callbacks.parameterTrajectory` recorded: snapshots of all trainable parameters on their first two principal components. */
export interface TrajectoryData {
  /** Per snapshot: the (fractional) epoch it was taken at, 0 = the initial weights. */
  readonly epoch: readonly number[];
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Share of the path's variance along each of the two axes. */
  readonly explained: readonly [number, number];
  readonly parameters: number;
}

/** What the section shows, embedded in the page as JSON. */
export interface ExplanationData {
  /** Which rows were explained, e.g. "validation rows" or "data.csv". */
  readonly on: string;
  readonly importance: {
    readonly metric: string;
    readonly baseline: number;
    readonly rows: number;
    readonly repeats: number;
    readonly seed: number;
    readonly columns: readonly { readonly column: string; readonly mean: number; readonly std: number }[];
  };
  /** The top columns' partial dependence, most important first. */
  readonly dependence: readonly DependencePlot[];
}

export interface DependencePlot {
  readonly column: string;
  readonly kind: 'numeric' | 'categorical';
  readonly grid: readonly (number | string)[];
  /** One curve per explained output (a binary model: its second class's probability). */
  readonly curves: readonly { readonly name: string; readonly average: readonly number[] }[];
  /** ICE curves of the one output, when there is one curve. */
  readonly ice: readonly (readonly number[])[];
  /** What the y axis is: "P(yes)", a target's name, or "probability". */
  readonly yLabel: string;
}

/** Tableau 10: distinguishable, and readable by most colour-blind people. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
