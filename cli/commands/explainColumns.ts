// `backprop explain model.bpm data.csv --importance | --row N`: which columns a saved model uses,
// and why it predicted what it did for one row (issue 21). The numbers come from the library's
// permutationImportance and integratedGradients; this file reads, chooses and prints.
import {
  permutationImportance, integratedGradients, rawColumns, InputError,
  type Attribution, type ImportanceMetric, type LoadedModel, type PermutationImportance, type Table,
} from '../../src/index.js';
import { UsageError } from '../errors.js';
import { leftOutText } from '../evaluation.js';

/** The CLI's part: a saved model and a CSV file read with its schema. */
export interface ColumnExplainDeps {
  /** The file read with the model's columns; `withTarget` false keeps every row (row N is the file's N-th). */
  readTable: (modelPath: string, dataPath: string, withTarget: boolean) => { loaded: LoadedModel; table: Table };
}

export interface ColumnExplainOptions {
  importance?: boolean;
  row?: number;
  json?: boolean;
  format?: string;
  repeats?: number;
  seed?: number;
  metric?: string;
  steps?: number;
  maxRows?: number;
  /** The class whose probability is attributed (default: the predicted one). */
  class?: string;
}

/** Rows scored by default: permutation importance re-predicts every row once per shuffle and column. */
export const DEFAULT_IMPORTANCE_ROWS = 5000;

/** The command's work for a model and a data file: the rendered importance or attribution. */
export function runColumnExplanation(modelPath: string, dataPath: string, opts: ColumnExplainOptions, deps: ColumnExplainDeps): string {
  if (opts.importance === true && opts.row !== undefined) throw new UsageError('give either --importance or --row <n>, not both');
  if (opts.importance !== true && opts.row === undefined) throw new UsageError('with a model and a data file, give --importance (which columns matter) or --row <n> (why this prediction)');
  const json = opts.json === true || opts.format === 'json';
  // --row N explains the file's N-th data row: read without the target, no row is left out before it.
  const { loaded, table } = deps.readTable(modelPath, dataPath, opts.importance === true);
  if (opts.importance === true) {
    const maxRows = opts.maxRows ?? DEFAULT_IMPORTANCE_ROWS;
    const imp = permutationImportance(loaded, table, {
      repeats: opts.repeats ?? 5, seed: opts.seed ?? 0, maxRows,
      ...(opts.metric === undefined ? {} : { metric: opts.metric as ImportanceMetric }),
    });
    const noTarget = table.report.droppedNoTarget;
    return json ? JSON.stringify({ source: dataPath, ofRows: table.rows, withoutTarget: noTarget, ...imp }, null, 2) + '\n' : renderImportance(imp, dataPath, table.rows, noTarget);
  }
  const r = opts.row!;
  if (!Number.isInteger(r) || r < 1 || r > table.rows) throw new InputError(`--row ${r}: ${dataPath} has data rows 1 to ${table.rows}`);
  const a = integratedGradients(loaded, { table, row: r - 1 }, opts.steps === undefined ? {} : { steps: opts.steps });
  const shown = chosenOutput(a, opts.class);
  if (json) return JSON.stringify({ source: dataPath, row: r, explained: a.outputs[shown], ...a }, null, 2) + '\n';
  return renderAttribution(a, shown, dataPath, r, rawColumns(loaded, 'explain').length);
}

/** The output --row explains: the class asked for, else the most probable class; a regression's first target. */
function chosenOutput(a: Attribution, wanted: string | undefined): number {
  if (wanted !== undefined) {
    const k = a.outputs.indexOf(wanted);
    if (k < 0) throw new UsageError(`--class ${JSON.stringify(wanted)}: the model's outputs are ${a.outputs.join(', ')}`);
    return k;
  }
  return a.task === 'classification' ? a.prediction.indexOf(Math.max(...a.prediction)) : 0;
}

/** 4 significant digits, no exponent for everyday sizes. */
export function num(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

function signed(v: number, decimals?: number): string {
  return `${v >= 0 ? '+' : '−'}${decimals === undefined ? num(Math.abs(v)) : Math.abs(v).toFixed(decimals)}`;
}

/** Decimals that give the largest of the values 4 significant digits, so a column of numbers lines up. */
export function decimalsFor(values: readonly number[]): number {
  const top = Math.max(...values.map(Math.abs), 1e-12);
  return Math.min(10, Math.max(0, 3 - Math.floor(Math.log10(top))));
}

function table(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows.map((r) => '  ' + r.map((c, j) => (right[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join('  ').trimEnd());
}

/** The ranked columns with their spread and a bar, after the baseline score. */
export function renderImportance(imp: PermutationImportance, source: string, ofRows: number, withoutTarget = 0): string {
  const metric = imp.metric === 'r2' ? 'R²' : imp.metric === 'logLoss' ? 'log loss' : imp.metric === 'mae' ? 'MAE' : imp.metric === 'rmse' ? 'RMSE' : 'accuracy';
  const lines = [
    `Importance  permutation: each column shuffled ${imp.repeats} times (seed ${imp.seed}), the whole pipeline and model re-run`,
    `Rows        ${imp.rows === ofRows ? `${imp.rows} rows of ${source}` : `${imp.rows} of ${ofRows} rows of ${source} (a seeded sample; --max-rows to change)`}${leftOutText(withoutTarget)}`,
    `Baseline    ${metric} ${num(imp.baseline)}`,
  ];
  const top = Math.max(...imp.columns.map((c) => c.mean), 1e-12);
  const dp = decimalsFor(imp.columns.flatMap((c) => [c.mean, c.std]));
  const rows = [['#', 'column', `${metric} lost`, '± std', ''], ...imp.columns.map((c, i) => [
    String(i + 1), c.column, c.mean.toFixed(dp), c.std.toFixed(dp),
    c.mean > 0 ? '█'.repeat(Math.max(1, Math.round((20 * c.mean) / top))) + (c.mean <= 2 * c.std ? ' (within noise)' : '') : '(within noise)',
  ])];
  lines.push(...table(rows, [true, false, true, true, false]));
  return lines.join('\n') + '\n';
}

/** The prediction, then each column's attribution to the explained output, largest first. */
export function renderAttribution(a: Attribution, k: number, source: string, row: number, columns: number): string {
  const probabilities = a.task === 'classification';
  const prediction = probabilities
    ? `${a.outputs[a.prediction.indexOf(Math.max(...a.prediction))]} (${a.outputs.map((o, i) => `${o} ${num(a.prediction[i]!)}`).join(', ')})`
    : a.outputs.map((o, i) => `${a.outputs.length > 1 ? `${o} ` : ''}${num(a.prediction[i]!)}`).join(', ');
  const what = probabilities ? `P(${a.outputs[k]})` : a.outputs[k]!;
  const lines = [
    `Row         ${row} of ${source}`,
    `Predicted   ${prediction}`,
    `Explained   ${what}: ${num(a.baselinePrediction[k]!)} for the baseline → ${num(a.prediction[k]!)} for this row (integrated gradients, ${a.steps} steps)`,
    `Baseline    the typical row: training medians and most frequent categories (the values the pipeline fills in)`,
  ];
  const cols = [...a.columns].sort((p, q) => Math.abs(q.attributions[k]!) - Math.abs(p.attributions[k]!));
  const show = (v: number | string | null): string => (v === null ? 'missing' : typeof v === 'number' ? num(v) : v);
  const sum = a.columns.reduce((s, c) => s + c.attributions[k]!, 0);
  const dp = decimalsFor([...a.columns.map((c) => c.attributions[k]!), sum]);
  const rows = [['column', 'value', 'baseline', 'attribution'], ...cols.map((c) => [c.column, show(c.value), show(c.baseline), signed(c.attributions[k]!, dp)])];
  rows.push(['sum', '', '', signed(sum, dp)]);
  lines.push(...table(rows, [false, true, true, true]));
  const delta = a.prediction[k]! - a.baselinePrediction[k]!;
  lines.push(`Check       the ${columns} attributions sum to ${signed(sum, dp)}; ${what} moved by ${signed(delta, dp)} (residual ${signed(a.residual[k]!, dp + 1)}${Math.abs(a.residual[k]!) > 0.01 * Math.abs(delta) + 1e-6 ? ', over 1 %: raise --steps' : ''})`);
  return lines.join('\n') + '\n';
}
