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
  const cat = categorical.length > 0 ? ` (${categorical.map((c) => c.name).join(', ')} one-hot encoded)` : '';
  const target = table.schema.target;
  let t = '';
  if (target?.kind === 'classes') t = `, target ${JSON.stringify(target.names[0])}: ${target.classes.length} classes (${classBalance(table)})`;
  else if (target) t = `, target ${target.names.map((n) => JSON.stringify(n)).join(', ')} (numeric)`;
  return `${table.rows} rows, ${features}${cat}${t}`;
}
