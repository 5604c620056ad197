import type { Table, Task } from '../src/index.js';

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
  const features = `${table.featureNames.length} feature${table.featureNames.length === 1 ? '' : 's'}`;
  const cat = categorical.length > 0 ? ` (${categorical.slice(0, 10).map((c) => c.name).join(', ')}${categorical.length > 10 ? ` and ${categorical.length - 10} more` : ''} one-hot encoded)` : '';
  const target = table.schema.target;
  let t = '';
  if (target?.kind === 'classes') t = `, target ${JSON.stringify(target.names[0])}: ${target.classes.length} classes (${classBalance(table)})`;
  else if (target) t = `, target ${target.names.map((n) => JSON.stringify(n)).join(', ')} (numeric)`;
  return `${table.rows} rows, ${features}${cat}${t}`;
}

/**
 * What reading decided beyond the kinds, one line each: columns left out and why, date columns,
 * missing cells and what was done with them, rows left out.
 */
export function describeReading(table: Table, missing: 'impute' | 'drop' | 'error'): string[] {
  const r = table.report;
  const out: string[] = [];
  const some = <T>(list: readonly T[], f: (x: T) => string) => list.slice(0, 10).map(f).join('; ') + (list.length > 10 ? `; and ${list.length - 10} more` : '');
  if (r.leftOut.length > 0) out.push(`left out: ${some(r.leftOut, (l) => `${l.column} (${l.reason})`)}; --keep keeps one`);
  const dates = table.schema.inputs.filter((c) => c.kind === 'date');
  if (dates.length > 0) out.push(`dates: ${dates.map((c) => c.name).join(', ')} → year, month, day of year, weekday${dates.some((c) => c.kind === 'date' && c.time) ? ', time of day' : ''} (cyclical pairs)`);
  if (r.missing.length > 0) {
    const total = r.missing.reduce((a, m) => a + m.count, 0);
    out.push(`missing: ${total} cell${total === 1 ? '' : 's'} (${some(r.missing, (m) => `${m.column} ${m.count}`)}) ${missing === 'impute' ? 'filled in: median for numbers, most frequent for categories (fitted on the training rows)' : ''}`.trimEnd());
  }
  if (r.droppedMissing > 0) out.push(`${r.droppedMissing} row${r.droppedMissing === 1 ? '' : 's'} with missing values left out (--missing drop)`);
  if (r.droppedNoTarget > 0) out.push(`${r.droppedNoTarget} row${r.droppedNoTarget === 1 ? '' : 's'} without a target left out`);
  return out;
}
