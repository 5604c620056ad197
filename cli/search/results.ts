import { resultsJsonl } from './outputs.js';
import { writeFileAtomic, type JsonValue, type SearchResult } from '../../src/index.js';

/** One row of the results table: scikit-learn's cv_results_ and Optuna's trials table in one. */
export type ResultRow = Record<string, JsonValue>;

/**
 * number, state, value, value_std, rank, params_<name>…, split<k>_value…, train_loss, val_loss,
 * val_accuracy or val_r2, epochs_run, best_epoch, seed, duration_s, started_at, finished_at,
 * worker, error; sorted by trial number, rank 1 = best complete trial.
 */
export function resultRows(result: SearchResult): ResultRow[] {
  const sign = result.direction === 'maximize' ? -1 : 1;
  const ranked = result.trials.filter((t) => t.state === 'complete').sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number);
  const rank = new Map(ranked.map((t, i) => [t.number, i + 1]));
  const paramNames = [...new Set(result.trials.flatMap((t) => Object.keys(t.params)))];
  const attrNames = [...new Set(result.trials.flatMap((t) => Object.keys(t.attrs ?? {})))].filter((k) => k !== 'value_std');
  return result.trials.map((t) => {
    const row: ResultRow = { number: t.number, state: t.state, value: t.value ?? null, value_std: (t.attrs?.value_std as number | undefined) ?? null, rank: rank.get(t.number) ?? null };
    for (const p of paramNames) row[`params_${p}`] = t.params[p] ?? null;
    for (const a of attrNames) row[a] = t.attrs?.[a] ?? null;
    Object.assign(row, { seed: t.seed, duration_s: t.durationS ?? null, started_at: t.startedAt, finished_at: t.finishedAt ?? null, error: t.error ?? null });
    return row;
  });
}

function csvCell(v: JsonValue): string {
  if (v === null) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes the table as CSV at `path` and as JSONL next to it (same name, .jsonl), each atomically. */
export function writeResults(path: string, rows: readonly ResultRow[]): void {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c] ?? null)).join(','))].join('\n') + '\n';
  writeFileAtomic(path, new TextEncoder().encode(csv));
  const jsonl = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileAtomic(resultsJsonl(path), new TextEncoder().encode(jsonl));
}
