import { countOf } from '../core/format.js';
import { InputError } from '../core/errors.js';
import { nearestName } from '../core/names.js';
import { trainingSpec, type TrainingSpec, type TrainingSpecParts } from './spec.js';

/** The named starting points of a training spec. */
export type PresetName = 'tabular' | 'small';
/** The presets by name, in the order `--preset` lists them. */
export const presetNames: readonly PresetName[] = ['tabular', 'small'];

/** What a preset is resolved against: the rows it will train on and the task. */
export interface PresetData {
  /** Rows of the training table (before the validation split). */
  readonly rows: number;
  readonly task: 'classification' | 'regression';
  /** Numeric input columns: under TABULAR_HOLDOUT_ROWS rows, 1 to 16 of them get a periodic embedding (default 0: none). */
  readonly numericColumns?: number;
}

/** A resolved preset: plain-JSON spec parts, and one line saying what was chosen and why. */
export interface PresetChoice {
  readonly name: PresetName;
  readonly parts: TrainingSpecParts;
  readonly why: string;
}

/**
 * The old default network, for teaching and tiny files: 32-16 ReLU, standard scaling, Adam 0.001,
 * batch 32, at most 100 epochs with early stopping (patience 10).
 */
const SMALL: TrainingSpecParts = {
  preprocessing: { scale: 'standard' },
  architecture: { hidden: [32, 16], activation: 'relu', dropout: 0 },
  compile: { optimizer: 'adam' },
  fit: { epochs: 100, batchSize: 32, earlyStopping: 10 },
};

/** Batch size from the rows: about 128 steps per epoch, between 32 and 256 rows. */
export function tabularBatchSize(rows: number): number {
  return Math.max(32, Math.min(256, 2 ** Math.round(Math.log2(Math.max(1, rows / 128)))));
}

/** Epochs from the rows: 64 up to 20,000 rows, then fewer (at least 16), so that the work stays about 1.3 million row-passes. */
export function tabularEpochs(rows: number): number {
  return Math.max(16, Math.min(64, Math.round(1.3e6 / Math.max(1, rows))));
}

/** Below this many rows the tabular preset trains on every row (no validation split, no best-epoch pick). */
export const TABULAR_HOLDOUT_ROWS = 500;

/**
 * Patience of the tabular preset's early stopping: on bench/tables the best epoch of the mid-size
 * tables came at 4–20 of 64, so the rest of the schedule was spent for nothing.
 */
export const TABULAR_PATIENCE = 16;

/**
 * L2 penalty of the tabular preset under TABULAR_HOLDOUT_ROWS, where no held-out epoch pick guards
 * against overfitting: on bench/tables it raised all four small tables (sonar +0.010, glass
 * +0.005, servo +0.003, ozone +0.002).
 */
export const TABULAR_SMALL_L2 = 1e-4;

/** Most numeric columns the tabular preset embeds: 16 columns × 16 values keeps the first layer's input at 256. */
export const TABULAR_EMBEDDING_COLUMNS = 16;

/** Dropout of the tabular preset on a small table with too many numeric columns to embed (tabularWideSmall). */
export const TABULAR_WIDE_SMALL_DROPOUT = 0.1;

/**
 * Whether the tabular preset treats a table as small and wide: under TABULAR_HOLDOUT_ROWS rows with
 * more numeric columns than the embedding takes (TABULAR_EMBEDDING_COLUMNS), so they go to the
 * network as they are. Its numeric columns are then standardised (mean/std) instead of robustly
 * scaled and the hidden layers get dropout TABULAR_WIDE_SMALL_DROPOUT. On bench/tables (mean of
 * seeds 1–3) the three such tables rose with each: standardising took sonar from 0.859 to 0.869,
 * ionosphere 0.897 → 0.906, meats (R²) 0.944 → 0.950, and dropout 0.1 on top to 0.874, 0.922 and
 * 0.953. Elsewhere both lost: standardising lowered the embedded small tables (glass −0.042, ozone
 * −0.039, servo −0.004) and the mid-size ones (attrition −0.010, credit −0.008, breast-cancer
 * −0.006; seed 1), and dropout 0.1 lowered glass by 0.014 (bench/results/tables.experiments.md).
 */
export function tabularWideSmall(rows: number, numericColumns: number): boolean {
  return rows < TABULAR_HOLDOUT_ROWS && numericColumns > TABULAR_EMBEDDING_COLUMNS;
}

/**
 * The periodic embedding of the tabular preset under TABULAR_HOLDOUT_ROWS rows, for 1 to
 * TABULAR_EMBEDDING_COLUMNS numeric columns (else undefined): 16 frequencies (σ 0.1) and 16
 * values per numeric column. On bench/tables (mean of seeds 1–3) it raised servo by 0.055, glass
 * by 0.028 and ozone by 0.016; with more columns it costs too much (sonar's 60 would make 960
 * inputs), and 4 values per column lost on sonar, glass and vehicle. From 500 rows up it lowered
 * vehicle by 0.02–0.03 in every setting tried, so it is not used there.
 */
export function tabularEmbedding(numericColumns: number): { frequencies: number; units: number; sigma: number } | undefined {
  return numericColumns >= 1 && numericColumns <= TABULAR_EMBEDDING_COLUMNS ? { frequencies: 16, units: 16, sigma: 0.1 } : undefined;
}

/**
 * The spec parts of a preset for this data. 'tabular' is the recipe chosen on bench/tables (see
 * docs/ARCHITECTURE.md): robust scaling with a smooth clip (standardising and dropout 0.1 on a
 * small table with too many numeric columns to embed, tabularWideSmall), two hidden layers of 256 ReLU, Adam
 * with β2 = 0.95 peaking at 0.001 on a warm-up + cosine schedule, label smoothing 0.1 for classes;
 * from 500 rows up, 20 % held out and the epoch of lowest validation loss kept (stopping 16 epochs
 * after it), below that every row trained on with a small L2 penalty and the numeric columns
 * through a periodic embedding (tabularEmbedding); epochs and batch size follow the row count.
 */
export function presetSpec(name: string, data: PresetData): PresetChoice {
  if (name === 'small') return { name, parts: SMALL, why: 'preset small: the 32-16 network for teaching and tiny files' };
  if (name !== 'tabular') {
    const guess = nearestName(name, presetNames);
    throw new InputError(`unknown preset ${JSON.stringify(name)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''} (known: ${presetNames.join(', ')})`);
  }
  const rows = Math.max(1, data.rows);
  const batchSize = tabularBatchSize(rows);
  const epochs = tabularEpochs(rows);
  const classes = data.task === 'classification';
  const holdout = rows >= TABULAR_HOLDOUT_ROWS;
  const fit = holdout ? { epochs, batchSize, validationSplit: 0.2, earlyStopping: TABULAR_PATIENCE, keepBest: true } : { epochs, batchSize, validationSplit: 0 };
  const numeric = Math.max(0, data.numericColumns ?? 0);
  const embedding = holdout ? undefined : tabularEmbedding(numeric);
  const wide = tabularWideSmall(rows, numeric);
  const inputs = embedding
    ? `, ${countOf(numeric, 'numeric column')} through a periodic embedding of ${embedding.units} values each`
    : wide ? `, ${countOf(numeric, 'numeric column')} standardised and dropout ${TABULAR_WIDE_SMALL_DROPOUT} (over ${TABULAR_EMBEDDING_COLUMNS} to embed; both raised every such table)` : '';
  const how = holdout
    ? `the epoch of lowest validation loss kept, stopping ${TABULAR_PATIENCE} epochs after it (20 % held out)`
    : `every row trained on with an L2 penalty of ${TABULAR_SMALL_L2} (under ${TABULAR_HOLDOUT_ROWS} rows a hold-out costs more than it saves)${inputs}`;
  return {
    name,
    parts: {
      preprocessing: { scale: wide ? 'standard' : 'robust' },
      architecture: { hidden: [256, 256], activation: 'relu', dropout: wide ? TABULAR_WIDE_SMALL_DROPOUT : 0, ...(holdout ? {} : { l2: TABULAR_SMALL_L2 }), ...(embedding ? { embedding } : {}) },
      compile: { optimizer: 'adam', learningRate: 0.001, beta2: 0.95, schedule: 'warmupCosine', ...(classes ? { labelSmoothing: 0.1 } : {}) },
      fit,
    },
    why: `preset tabular for ${rows.toLocaleString('en-US')} rows: ${epochs} epochs, batch ${batchSize}, ${how}`,
  };
}

/** Spec parts laid over others, part by part (later parts win). */
export function mergeSpecParts(...parts: readonly TrainingSpecParts[]): TrainingSpecParts {
  const out: { [K in keyof TrainingSpecParts]: Record<string, unknown> } = { preprocessing: {}, architecture: {}, compile: {}, fit: {} };
  for (const p of parts) for (const k of ['preprocessing', 'architecture', 'compile', 'fit'] as const) Object.assign(out[k]!, p[k]);
  return out as TrainingSpecParts;
}

/**
 * A complete spec from a preset resolved for this data, with `parts` (what the user set) laid
 * over it; `why` says what the preset chose.
 */
export function specFromPreset(name: string, data: PresetData, parts: TrainingSpecParts = {}): { spec: TrainingSpec; why: string } {
  const choice = presetSpec(name, data);
  return { spec: trainingSpec(mergeSpecParts(choice.parts, parts)), why: choice.why };
}
