import { addToConfusion, confusionCounts, type OutputMetrics, type ScalerJSON, type SetMetrics } from '../src/index.js';

export { measure, regressionMetrics, outputMetrics, type SetMetrics, type OutputMetrics } from '../src/index.js';

/** A table of each output's metrics, named by the target columns. */
export function outputTable(names: readonly string[], sets: readonly (readonly [string, OutputMetrics[] | undefined])[]): string {
  const present = sets.filter((s): s is readonly [string, OutputMetrics[]] => s[1] !== undefined);
  const rows = names.map((name, c) => [name, ...present.flatMap(([, o]) => [formatMetric(o[c]!.mse), formatMetric(o[c]!.mae), formatMetric(o[c]!.r2)])]);
  const head = (label: string, metric: string) => (label ? `${label} ${metric}` : metric);
  return boxTable(['output', ...present.flatMap(([label]) => [head(label, 'MSE'), head(label, 'MAE'), head(label, 'R²')])], rows);
}

/** Confusion matrix: counts[true class][predicted class] (the library's one count). */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, k: number): number[][] {
  return addToConfusion(confusionCounts(k), truth, predicted);
}

/** Per-class precision (of predictions of the class, how many right) and recall (of the class, how many found). */
export function precisionRecall(m: readonly (readonly number[])[]): { precision: number[]; recall: number[] } {
  const k = m.length;
  const precision: number[] = [];
  const recall: number[] = [];
  for (let c = 0; c < k; c++) {
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += m[j]![c]!;
      actual += m[c]![j]!;
    }
    precision.push(predicted === 0 ? NaN : m[c]![c]! / predicted);
    recall.push(actual === 0 ? NaN : m[c]![c]! / actual);
  }
  return { precision, recall };
}

/** A number for a table cell: 4 decimals, or exponent form for tiny/huge values. */
export function formatMetric(v: number | undefined): string {
  if (v === undefined) return '';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return v.toFixed(4);
}

/** A boxed text table; numeric-looking cells are right-aligned. */
export function boxTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = (s: string) => /^[-+]?[\d.]+(e[-+]?\d+)?%?$|^NaN$/.test(s);
  const cell = (s: string, c: number) => (numeric(s) ? s.padStart(widths[c]!) : s.padEnd(widths[c]!));
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (r: readonly string[]) => `│ ${r.map((s, c) => cell(s, c)).join(' │ ')} │`;
  return [rule('┌', '┬', '┐'), line(header), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')].join('\n');
}

/**
 * What a regression's loss row means, in one line: the network learns a standardized target, so
 * its loss (mse) is in those units, plus the weight penalty; MAE, RMSE and R² are in the target's.
 * Without it, "loss 0.0231" beside "RMSE 1.5627" reads as a contradiction. For one target and the
 * mse loss, the line splits the loss into its data part, (RMSE / scale)², and the penalty.
 */
export function regressionLossNote(loss: string, m: Pick<SetMetrics, 'loss' | 'rmse'>, targetScaler: ScalerJSON | undefined, rows: string): string | undefined {
  if (m.rmse === undefined || targetScaler === undefined) return undefined;
  const units = "MAE, RMSE and R² are in the target's units";
  const num = (v: number) => String(Number(v.toPrecision(4)));
  if (targetScaler.offset.length !== 1 || loss !== 'mse') return `Loss    ${loss} on the standardized target${targetScaler.offset.length > 1 ? 's' : ''}, plus any weight penalty; ${units}.`;
  const scale = targetScaler.scale[0]!;
  const what = `mse on the standardized target ((y − ${num(targetScaler.offset[0]!)}) / ${num(scale)})`;
  const data = (m.rmse / scale) ** 2;
  const penalty = m.loss - data;
  if (penalty <= 1e-4 * m.loss + 1e-6) return `Loss    ${what}; ${units}.`;
  return `Loss    ${what}, plus the weight penalty: ${num(data)} + ${num(penalty)} = ${num(m.loss)} on the ${rows}; ${units}.`;
}

/** One class's row of evaluate's table. */
export interface ClassRow {
  readonly class: string;
  readonly rows: number;
  readonly precision: number;
  readonly recall: number;
}

/**
 * evaluate's per-class table, and a line for each cell that has no value: precision of a class
 * the model never predicts (gss_cat's "No answer"), recall of a class the file does not hold.
 * They show as "—", not NaN.
 */
export function classTable(perClass: readonly ClassRow[]): { table: string; notes: string[] } {
  const cell = (v: number) => (Number.isNaN(v) ? '—' : formatMetric(v));
  const table = boxTable(['class', 'rows', 'precision', 'recall'], perClass.map((p) => [p.class, String(p.rows), cell(p.precision), cell(p.recall)]));
  const names = (list: readonly ClassRow[]) => list.map((p) => JSON.stringify(p.class)).join(', ');
  const never = perClass.filter((p) => Number.isNaN(p.precision));
  const absent = perClass.filter((p) => Number.isNaN(p.recall));
  const notes: string[] = [];
  // A class never predicted has recall 0 only if the file holds it; else its recall is "—" too.
  const missed = never.filter((p) => p.rows > 0);
  const recall = missed.length === 0 ? '' : missed.length === never.length ? ` (${never.length === 1 ? 'its' : 'their'} recall is 0)` : ` (recall 0 for ${names(missed)})`;
  if (never.length > 0) notes.push(`Precision —: the model predicts ${names(never)} for no row, so there is no precision to give${recall}.`);
  if (absent.length > 0) notes.push(`Recall —: no row of the file is ${names(absent)}.`);
  return { table, notes };
}

/** "; 2 rows without a target left out (…)" after the row count, or nothing: evaluate never drops rows without a word. */
export function leftOutText(droppedNoTarget: number): string {
  if (droppedNoTarget === 0) return '';
  return `; ${droppedNoTarget.toLocaleString('en-US')} row${droppedNoTarget === 1 ? '' : 's'} without a target left out (nothing to score ${droppedNoTarget === 1 ? 'it' : 'them'} against)`;
}
