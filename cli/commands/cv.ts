import { crossValidate, kFold, meanStd, tableArgsOf, type FoldScores, type Table } from '../../src/index.js';
import { readCsvTable } from '../csv.js';
import { baselineCell, baselineNote, holdoutBaselines, meanOfBaselines } from '../baseline.js';
import { dataLines, taskName } from '../describe.js';
import { EXIT_OK } from '../errors.js';
import { boxTable, formatMetric } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { specOf, type TrainSettings } from '../settings.js';
import { planOutput } from '../../src/index.js';

/**
 * `backprop cv data.csv --folds 5`: k-fold cross-validation of what `train` would train, with
 * the same options; per-fold scores and their mean ± standard deviation.
 */
export async function cvCommand(settings: TrainSettings, folds: number, json: boolean, io: Io): Promise<number> {
  const printer = new Printer(io, json);
  const spec = specOf(settings);
  const table = await readCsvTable(settings.data!, tableArgsOf(spec.preprocessing), undefined, settings.delimiter);
  const plan = planOutput(table.schema.target!, spec.compile.loss);
  for (const line of dataLines(settings.data!, table, { scale: settings.scale, missing: settings.missing ?? 'impute', indicator: settings.indicator === true })) printer.line(line);
  printer.line(`Task    ${taskName(plan.task)}${table.report.targetReason ? `; ${table.report.targetReason}` : ''}`);
  printer.line(`CV      ${folds} folds${plan.task === 'regression' ? '' : ' (stratified)'}, seed ${settings.seed}; in each, ${settings.earlyStopping !== undefined ? `early stopping on ${Math.round(settings.validationSplit * 100)}% of the training folds` : 'no early stopping'}`);
  const scores = await crossValidate(spec, table, folds, {
    onFold: (s) => printer.event({ event: 'fold', ...s }),
  });
  const keys: [keyof FoldScores, string][] = plan.task === 'regression' ? [['r2', 'R²'], ['rmse', 'RMSE'], ['mae', 'MAE']] : [['accuracy', 'accuracy']];
  const rows = scores.map((s) => [String(s.fold), String(s.rows), String(s.epochs), ...keys.map(([k]) => formatMetric(s[k] as number))]);
  const summary = keys.map(([k]) => meanStd(scores.map((s) => s[k] as number)));
  rows.push(['mean ± std', '', '', ...summary.map((m) => `${formatMetric(m.mean)} ± ${formatMetric(m.std)}`)]);
  // The baseline of each fold (majority class / mean of its training folds, scored on the held-out fold), averaged.
  const baseline = meanOfBaselines(holdoutBaselines(table, cvHoldouts(table, folds, settings.seed)));
  if (baseline !== undefined) rows.push(['baseline (mean)', '', '', ...keys.map(([k]) => baselineCell(baseline, k as 'accuracy' | 'r2' | 'rmse' | 'mae'))]);
  printer.line();
  printer.line(boxTable(['fold', 'rows', 'epochs', ...keys.map(([, label]) => label)], rows));
  const mean = Object.fromEntries(keys.map(([k], i) => [k, summary[i]!.mean])) as { accuracy?: number; rmse?: number };
  const note = baselineNote(mean, baseline, 'held-out folds (means over the folds)');
  if (note !== undefined) printer.line(note);
  printer.event({ event: 'cv', folds: scores, mean, std: Object.fromEntries(keys.map(([k], i) => [k, summary[i]!.std])), ...(baseline ? { baseline } : {}) });
  return EXIT_OK;
}

/** The folds crossValidate makes (kFold over the rows, stratified by class, seeded by the spec's seed), as held-out parts. */
function cvHoldouts(table: Table, folds: number, seed: number): { train: number[]; test: number[] }[] {
  const labels = table.y?.kind === 'classes' ? table.y.codes : undefined;
  return kFold(table.rows, folds, labels, seed).map((f) => ({ train: f.train, test: f.validation }));
}
