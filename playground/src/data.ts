/**
 * The data the playground trains on: generated from the configuration (seeded, so a shared link
 * shows the same points) or from an uploaded CSV, split into training and test parts. Pure.
 */
import { datasets, trainTestSplit } from '../../src/index.js';
import type { PlaygroundConfig } from './state.js';
import type { CsvPoints } from './csv.js';

export type Task = 'binary' | 'multiclass' | 'regression';

export interface PlayData {
  task: Task;
  /** 2 for the classification sets, 1 for the regression function. */
  inputDim: 1 | 2;
  /** Number of classes (1 for regression). */
  classes: number;
  /** Names shown in the legend, one per class. */
  classNames: string[];
  trainX: number[][];
  /** Class index per row, or the real target for regression. */
  trainY: number[];
  testX: number[][];
  testY: number[];
  /** What is drawn: for 2-D data the square of the two features, for 1-D data x and y ranges. */
  xDomain: [number, number];
  yDomain: [number, number];
  /** A remark shown under the data (e.g. how uploaded features were scaled). */
  note: string;
  /** Names of the two coordinates (x₁, x₂; x, y for 1-D data; an uploaded file's column names). */
  axisNames: [string, string];
}

interface Raw {
  x: number[][];
  y: number[];
  task: Task;
  classes: number;
  classNames?: string[];
  note?: string;
  axisNames?: [string, string];
}

function generate(c: PlaygroundConfig): Raw {
  const common = { n: c.points, noise: c.noise, seed: c.dataSeed };
  switch (c.dataset) {
    case 'circles':
      return { ...datasets.circles(common), task: 'binary', classes: 2 };
    case 'moons':
      return { ...datasets.moons(common), task: 'binary', classes: 2 };
    case 'xor':
      return { ...datasets.xor(common), task: 'binary', classes: 2 };
    case 'quadrants':
      // Clusters at (±½, ±½) with sd 0.1 + noise, so they fit the [−1, 1] view.
      return { ...datasets.gaussianQuadrants({ ...common, noise: 0.1 + c.noise, centre: 0.5 }), task: 'binary', classes: 2 };
    case 'spirals':
      return { ...datasets.spirals({ ...common, classes: c.spiralClasses }), task: c.spiralClasses === 2 ? 'binary' : 'multiclass', classes: c.spiralClasses };
    case 'blobs':
      return { ...datasets.blobs({ ...common, classes: 3, spread: 1 }), task: 'multiclass', classes: 3 };
    case 'regression':
      return { ...datasets.regression1d({ ...common, fn: 'sine' }), task: 'regression', classes: 1 };
    case 'csv':
      throw new Error('csv data come from an upload, not from the configuration');
  }
}

/** Smallest and largest of `v` (a loop: spreading 100,000 values into Math.min overflows the stack). */
function extent(v: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** Scales each feature column linearly onto [−1, 1] (uploaded data can have any range). */
function scaleToUnit(x: number[][]): number[][] {
  const d = x[0]!.length;
  const ranges = Array.from({ length: d }, (_, j) => extent(x.map((r) => r[j]!)));
  return x.map((r) => r.map((v, j) => {
    const [lo, hi] = ranges[j]!;
    return hi > lo ? (2 * (v - lo)) / (hi - lo) - 1 : 0;
  }));
}

/** CSV points as raw data; features (and a regression's target) scaled to [−1, 1] so every upload trains with the same settings. */
export function rawFromCsv(points: CsvPoints): Raw {
  const [a = 'x', b = 'y', label = 'label'] = points.columns;
  if (points.task === 'regression') {
    return {
      x: scaleToUnit(points.x),
      y: scaleToUnit(points.y.map((v) => [v])).map((r) => r[0]!),
      task: 'regression',
      classes: 1,
      classNames: [b],
      axisNames: [a, b],
      note: `${points.x.length} uploaded points: "${b}" as a function of "${a}", both scaled to [−1, 1]`,
    };
  }
  const k = points.classNames.length;
  return {
    x: scaleToUnit(points.x),
    y: points.y,
    task: k === 2 ? 'binary' : 'multiclass',
    classes: k,
    classNames: points.classNames,
    axisNames: [a, b],
    note: `${points.x.length} uploaded points; "${a}" and "${b}" scaled to [−1, 1]; label "${label}"`,
  };
}

/** A square around the 2-D points (10% margin), or the x and y ranges of 1-D data. */
function domains(raw: Raw): { xDomain: [number, number]; yDomain: [number, number] } {
  const range = (v: number[], margin: number): [number, number] => {
    const [lo, hi] = extent(v);
    const pad = Math.max(hi - lo, 1e-6) * margin;
    return [lo - pad, hi + pad];
  };
  if (raw.task === 'regression') return { xDomain: range(raw.x.map((r) => r[0]!), 0.02), yDomain: range(raw.y, 0.15) };
  const xr = range(raw.x.map((r) => r[0]!), 0.1);
  const yr = range(raw.x.map((r) => r[1]!), 0.1);
  const half = Math.max(xr[1] - xr[0], yr[1] - yr[0]) / 2;
  const cx = (xr[0] + xr[1]) / 2;
  const cy = (yr[0] + yr[1]) / 2;
  return { xDomain: [cx - half, cx + half], yDomain: [cy - half, cy + half] };
}

/** Generates (or takes the uploaded) points and splits them with the configured ratio, stratified by class. */
export function makeData(c: PlaygroundConfig, uploaded?: CsvPoints): PlayData {
  const raw = c.dataset === 'csv' && uploaded ? rawFromCsv(uploaded) : generate(c.dataset === 'csv' ? { ...c, dataset: 'circles' } : c);
  const split = trainTestSplit(raw.x, raw.y, { testSize: 1 - c.trainRatio, seed: c.dataSeed, stratify: raw.task !== 'regression' });
  const classNames = raw.classNames ?? (raw.task === 'regression' ? [raw.axisNames?.[1] ?? 'y'] : Array.from({ length: raw.classes }, (_, i) => `class ${i}`));
  return {
    task: raw.task,
    inputDim: raw.task === 'regression' ? 1 : 2,
    classes: raw.classes,
    classNames,
    trainX: split.xTrain,
    trainY: split.yTrain,
    testX: split.xTest,
    testY: split.yTest,
    ...domains(raw),
    note: raw.note ?? '',
    axisNames: raw.axisNames ?? (raw.task === 'regression' ? ['x', 'y'] : ['x₁', 'x₂']),
  };
}
