import { countOf } from '../src/core/format.js';
import { readingWarnings as unseenWarnings, type ColumnDecision, type FrequentMissingToken, type ScaleKind, type Table, type Task, type TrainingSpec } from '../src/index.js';

const TASK_NAMES: Record<Task, string> = { binary: 'binary classification', multiclass: 'multi-class classification', regression: 'regression' };

export function taskName(task: Task): string {
  return TASK_NAMES[task];
}

/** Class names with their row counts: "setosa 50, versicolor 50, virginica 50". */
export function classBalance(table: Table): string {
  const y = table.y;
  if (y === undefined || y.kind !== 'classes') return '';
  return y.classes.map((c, k) => `${String(c)} ${y.counts[k]}`).join(', ');
}

/** "150 rows, 4 features (1 categorical column one-hot encoded), target "species" — 3 classes (...)". */
export function describeTable(table: Table): string {
  const categorical = table.schema.inputs.filter((c) => c.kind === 'categorical');
  const features = countOf(table.featureNames.length, 'feature');
  const cat = categorical.length > 0 ? ` (${categorical.slice(0, 10).map((c) => c.name).join(', ')}${categorical.length > 10 ? ` and ${categorical.length - 10} more` : ''} one-hot encoded)` : '';
  const target = table.schema.target;
  let t = '';
  if (target?.kind === 'classes') t = `, target ${JSON.stringify(target.names[0])}: ${target.classes.length} classes (${classBalance(table)})`;
  else if (target) t = `, target ${target.names.map((n) => JSON.stringify(n)).join(', ')} (numeric)`;
  return `${table.rows} rows, ${features}${cat}${t}`;
}

/** How the plan is carried out beyond reading: input scaling, missing policy, missing indicators. */
export interface PlanOptions {
  readonly scale: ScaleKind;
  readonly missing: 'impute' | 'drop' | 'error';
  readonly indicator: boolean;
}

/** The PlanOptions of a run's spec: its scaling and missing-cell handling. */
export function planOptionsOf(spec: TrainingSpec): PlanOptions {
  const p = spec.preprocessing;
  return { scale: p.scale, missing: p.missing ?? 'impute', indicator: p.indicator === true };
}

/** One input column of the plan, as `--json` and `--dry-run` give it. */
export interface PlannedColumn extends ColumnDecision {
  /** A numeric input's scaling. */
  readonly scaled?: ScaleKind;
  /** A 0/1 "missing" input is added for it. */
  readonly indicator?: boolean;
  /** Missing cells (stray cells of a numeric column included). */
  readonly missing?: number;
  /** The one-line note on its values (row numbers, codes, group ID). */
  readonly note?: string;
}

/** What the Data line says, as data: every column's treatment, and the warnings. */
export interface ColumnPlan {
  readonly columns: readonly PlannedColumn[];
  readonly warnings: readonly string[];
}

const SCALED = { standard: 'standardised', minmax: 'min-max scaled', robust: 'robustly scaled', none: 'not scaled' } as const;
/** Names listed on one line of text before "and N more" (`--json` lists every column). */
const LIST = 40;

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Every column of the table with its treatment, and the warnings reading raised (stray cells, decimal commas, a target mostly missing). */
export function columnPlan(table: Table, o: PlanOptions): ColumnPlan {
  const r = table.report;
  const missing = new Map(r.missing.map((m) => [m.column, m.count]));
  const notes = new Map(r.notes.map((n) => [n.column, n.note]));
  const columns = r.columns.map((c): PlannedColumn => {
    if (c.role !== 'input') return c;
    const m = missing.get(c.column);
    return {
      ...c,
      ...(c.kind === 'numeric' ? { scaled: o.scale } : {}),
      ...(m !== undefined ? { missing: m } : {}),
      ...(m !== undefined && o.indicator ? { indicator: true } : {}),
      ...(notes.has(c.column) ? { note: notes.get(c.column)! } : {}),
    };
  });
  return { columns, warnings: readingWarnings(table) };
}

/** The warnings of reading, one line each: a header that reads like data, stray cells (one counted warning, ten quoted), decimal commas, a target mostly missing. */
function readingWarnings(table: Table): string[] {
  const r = table.report;
  const out: string[] = r.headerNote !== undefined ? [r.headerNote] : [];
  const others = r.strays.map((s) => ({ ...s, count: s.count - s.decimalCommas })).filter((s) => s.count > 0);
  if (others.length > 0) {
    const total = others.reduce((a, s) => a + s.count, 0);
    const quoted = others.flatMap((s) => s.examples.map((e) => `line ${e.line} ${s.column} ${JSON.stringify(e.text)}`)).slice(0, 10);
    const where = others.map((s) => `${s.column} ${s.count}`).join(', ');
    out.push(`${plural(total, 'cell')} in numeric columns (${where}) neither a number nor a missing token, read as missing: ${quoted.join('; ')}${total > quoted.length ? `; and ${total - quoted.length} more` : ''}`);
  }
  const commas = r.strays.filter((s) => s.decimalCommas > 0);
  if (commas.length > 0) {
    const total = commas.reduce((a, s) => a + s.decimalCommas, 0);
    const quoted = commas.flatMap((s) => s.decimalExamples.map((e) => `line ${e.line} ${s.column} ${JSON.stringify(e.text)}`)).slice(0, 10);
    out.push(`${plural(total, 'number')} written with a decimal comma read as missing: ${quoted.join('; ')}${total > quoted.length ? `; and ${total - quoted.length} more` : ''}; --decimal , reads them as numbers`);
  }
  if (r.droppedNoTarget * 2 > r.rowsRead) {
    const names = table.schema.target?.names.map((n) => JSON.stringify(n)).join(', ') ?? 'target';
    out.push(`the target ${names} is missing in ${r.droppedNoTarget.toLocaleString('en-US')} of ${r.rowsRead.toLocaleString('en-US')} rows (${Math.round((100 * r.droppedNoTarget) / r.rowsRead)} %): those rows are left out of training`);
  }
  return out;
}

function listNames(names: readonly string[]): string {
  return names.slice(0, LIST).join(', ') + (names.length > LIST ? `, and ${names.length - LIST} more (--dry-run --json lists all)` : '');
}

/**
 * The Data block below the Data line, one line each: every input column by treatment (numeric
 * and its scaling, categorical with its values, dates, missing indicators), columns left out
 * and why, notes on integer columns, missing cells and what is done with them, rows left out,
 * default missing tokens that are frequent values.
 */
export function describeReading(table: Table, o: PlanOptions): string[] {
  const r = table.report;
  const plan = columnPlan(table, o);
  const inputs = plan.columns.filter((c) => c.role === 'input');
  const out: string[] = [];
  const some = <T>(list: readonly T[], f: (x: T) => string) => list.slice(0, 10).map(f).join('; ') + (list.length > 10 ? `; and ${list.length - 10} more` : '');
  if (r.skippedLines !== undefined) out.push(`skipped ${r.skippedLines === 1 ? 'line 1' : `lines 1 to ${r.skippedLines}`} before the ${r.numberedColumns !== undefined ? 'first row' : 'header'} (--skip-rows ${r.skippedLines})`);
  if (r.numberedColumns !== undefined) out.push(`no header row (--no-header): line ${1 + (r.skippedLines ?? 0)} read as a row, the columns numbered 0 to ${r.numberedColumns - 1}`);
  const numeric = inputs.filter((c) => c.kind === 'numeric').map((c) => c.column);
  if (numeric.length > 0) out.push(`numeric (${SCALED[o.scale]}): ${listNames(numeric)}`);
  const categorical = inputs.filter((c) => c.kind === 'categorical');
  if (categorical.length > 0) out.push(`categorical (one-hot): ${listNames(categorical.map((c) => `${c.column} (${plural(c.categories ?? 0, 'value')})`))}`);
  const dates = table.schema.inputs.filter((c) => c.kind === 'date');
  if (dates.length > 0) out.push(`dates: ${dates.map((c) => c.name).join(', ')} → year, month, day of year, weekday${dates.some((c) => c.kind === 'date' && c.time) ? ', time of day' : ''} (cyclical pairs)`);
  const indicators = inputs.filter((c) => c.indicator).map((c) => c.column);
  if (indicators.length > 0) out.push(`missing indicators (0/1 inputs): ${listNames(indicators)}`);
  if (r.leftOut.length > 0) out.push(`left out: ${some(r.leftOut, (l) => `${l.column} (${l.reason})`)}; --keep keeps one`);
  const counted = r.counted;
  const ignored = plan.columns.filter((c) => c.role === 'ignored' && c.column !== counted?.column).map((c) => c.column);
  if (ignored.length > 0) out.push(`ignored: ${listNames(ignored)}`);
  if (counted !== undefined) out.push(`counts: ${counted.column}, ${plural(counted.records, 'record')} read as ${plural(counted.rows, 'row')} (each as many times as its count); not an input`);
  for (const n of r.notes) out.push(`note: ${n.note}`);
  if (r.missing.length > 0) {
    const total = r.missing.reduce((a, m) => a + m.count, 0);
    out.push(`missing: ${countOf(total, 'cell')} (${some(r.missing, (m) => `${m.column} ${m.count}`)}) ${o.missing === 'impute' ? 'filled in: median for numbers, most frequent for categories (fitted on the training rows)' : ''}`.trimEnd());
  }
  // One line per token: an R file's "NA" in 26 text columns (AER::STAR) is one fact, not 26 lines.
  const tokens = new Map<string, FrequentMissingToken[]>();
  for (const t of r.frequentMissingTokens) {
    if (t.target) out.push(`target: ${plural(t.count, 'cell')} ${JSON.stringify(t.token)} read as missing; --na-values to keep it as a value`);
    else tokens.set(t.token, [...(tokens.get(t.token) ?? []), t]);
  }
  for (const [token, list] of tokens) {
    const one = list[0]!;
    if (list.length === 1) out.push(`${one.column}: ${plural(one.count, 'cell')} ${JSON.stringify(token)} read as missing; --na-values to keep it as a value`);
    else out.push(`${JSON.stringify(token)} read as missing in ${list.length} text columns (${list.slice(0, 10).map((t) => `${t.column} ${t.count.toLocaleString('en-US')}`).join(', ')}${list.length > 10 ? `, and ${list.length - 10} more` : ''} cells); --na-values to keep it as a value`);
  }
  if (r.droppedMissing > 0) out.push(`${countOf(r.droppedMissing, 'row')} with missing values left out (--missing drop)`);
  if (r.droppedNoTarget > 0) out.push(`${countOf(r.droppedNoTarget, 'row')} without a target left out`);
  return out;
}

/**
 * What reading a --validation-data file decided, which its rows silently depend on otherwise: rows
 * left out without a target (counted), then one warning each for categories not seen in training,
 * stray cells and a target mostly missing. Lines as the Split block prints them.
 */
export function validationFileLines(label: string, table: Table): { notes: string[]; warnings: string[] } {
  const dropped = table.report.droppedNoTarget;
  return {
    notes: dropped > 0 ? [`${label}: ${plural(dropped, 'row')} without a target left out`] : [],
    warnings: [...readingWarnings(table), ...unseenWarnings(table)].map((w) => `${label}: ${w}`),
  };
}

/** The Data line, the block below it and the reading warnings, as train, cv and --dry-run print them. */
export function dataLines(label: string, table: Table, o: PlanOptions): string[] {
  return [
    `Data    ${label}: ${describeTable(table)}`,
    ...describeReading(table, o).map((l) => `        ${l}`),
    ...columnPlan(table, o).warnings.map((w) => `Warning ${w}`),
  ];
}

/**
 * How long a run trains, for the Model line: "at most 64 epochs (early stopping: ...)", "1 epoch".
 * `watched` is the loss early stopping and keepBest look at ('validation' or 'training').
 */
export function stoppingText(fit: { readonly epochs: number; readonly earlyStopping?: number; readonly keepBest?: boolean }, watched: string): string {
  const epochs = countOf(fit.epochs, 'epoch');
  if (fit.earlyStopping !== undefined) return `at most ${epochs} (early stopping: patience ${fit.earlyStopping} on the ${watched} loss, best weights kept)`;
  return fit.keepBest === true ? `${epochs} (the epoch of lowest ${watched} loss kept)` : epochs;
}

/** What an interrupted run kept when its last epoch was cut short and discarded (train, and train --stream). */
export function discardedEpochText(discarded: number, epochsDone: number, checkpoint: boolean): string {
  return `Epoch ${discarded + 1} was interrupted part-way and discarded: the model${checkpoint ? ' and checkpoint hold' : ' holds'} ${countOf(epochsDone, 'complete epoch')}`;
}
