import { crossValidate, meanStd, tableArgsOf, type FoldScores } from '../../src/index.js';
import { readCsvTable } from '../csv.js';
import { describeReading, describeTable, taskName } from '../describe.js';
import { EXIT_OK } from '../errors.js';
import { boxTable, formatMetric } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { specOf, type TrainSettings } from '../settings.js';
import { planOutput } from '../../src/index.js';

/**
 * `backprop cv data.csv --folds 5`: k-fold cross-validation of what `train` would train, with
 * the same options; per-fold scores and their mean ± standard deviation. `--jobs J` trains J folds
 * at once on worker threads (the scores do not depend on it).
 */
export async function cvCommand(settings: TrainSettings, folds: number, json: boolean, io: Io, jobs = 1): Promise<number> {
  const printer = new Printer(io, json);
  const spec = specOf(settings);
  const table = await readCsvTable(settings.data!, tableArgsOf(spec.preprocessing), undefined, settings.delimiter);
  const plan = planOutput(table.schema.target!, spec.compile.loss);
  printer.line(`Data    ${settings.data}: ${describeTable(table)}`);
  for (const line of describeReading(table, settings.missing ?? 'impute')) printer.line(`        ${line}`);
  printer.line(`Task    ${taskName(plan.task)}${table.report.targetReason ? `; ${table.report.targetReason}` : ''}`);
  printer.line(`CV      ${folds} folds${plan.task === 'regression' ? '' : ' (stratified)'}, seed ${settings.seed}; in each, ${settings.earlyStopping !== undefined ? `early stopping on ${Math.round(settings.validationSplit * 100)}% of the training folds` : 'no early stopping'}; ${jobs === 1 ? 'one fold at a time' : `${Math.min(jobs, folds)} folds at once on worker threads`}`);
  const scores = await crossValidate(spec, table, folds, {
    jobs,
    onFold: (s) => printer.event({ event: 'fold', ...s }),
  });
  const keys: [keyof FoldScores, string][] = plan.task === 'regression' ? [['r2', 'R²'], ['rmse', 'RMSE'], ['mae', 'MAE']] : [['accuracy', 'accuracy']];
  const rows = scores.map((s) => [String(s.fold), String(s.rows), String(s.epochs), ...keys.map(([k]) => formatMetric(s[k] as number))]);
  const summary = keys.map(([k]) => meanStd(scores.map((s) => s[k] as number)));
  rows.push(['mean ± std', '', '', ...summary.map((m) => `${formatMetric(m.mean)} ± ${formatMetric(m.std)}`)]);
  printer.line();
  printer.line(boxTable(['fold', 'rows', 'epochs', ...keys.map(([, label]) => label)], rows));
  printer.event({ event: 'cv', folds: scores, mean: Object.fromEntries(keys.map(([k], i) => [k, summary[i]!.mean])), std: Object.fromEntries(keys.map(([k], i) => [k, summary[i]!.std])) });
  return EXIT_OK;
}
