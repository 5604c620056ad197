import { countOf } from '../../src/core/format.js';
import { capAtCores, crossValidate, prepareCrossValidationJobs, type JobPlacement, holdoutsOf, macroF1, meanStd, tableArgsOf, type FoldScores, type TrainingSpec } from '../../src/index.js';
import { readCsvTable } from '../csv.js';
import { baselineCell, baselineNote, smoothingOf, holdoutBaselines, imbalanceNote, imbalanceOf, meanOfBaselines } from '../baseline.js';
import { dataLines, planOptionsOf, taskName } from '../describe.js';
import { EXIT_OK } from '../errors.js';
import { boxTable, formatMetric } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import type { DataFlags } from '../settings.js';
import { specWithPreset } from '../preset.js';
import { placementLine } from '../search/placement.js';
import type { Flags } from '../sharedOptions.js';
import type { PresetName } from '../../src/index.js';

/** The preset cv resolves for its table, under the options the user typed. */
export interface PresetRun {
  readonly name: PresetName;
  readonly flags: Flags;
  readonly given: ReadonlySet<string>;
}
import { planOutput } from '../../src/index.js';

/**
 * `backprop cv data.csv --folds 5`: k-fold cross-validation of what `train` would train, with
 * the same options; per-fold scores and their mean ± standard deviation. `--jobs J` trains J folds
 * at once on worker threads (the scores do not depend on it).
 */
export async function cvCommand(flagsSpec: TrainingSpec, data: DataFlags & { data: string }, folds: number, json: boolean, io: Io, preset?: PresetRun, askedJobs = 1): Promise<number> {
  const printer = new Printer(io, json);
  const { value: jobs, warning } = capAtCores('--jobs', askedJobs);
  if (warning !== undefined) {
    printer.line(`Warning ${warning}`);
    printer.event({ event: 'warning', message: warning });
  }
  // The worker threads of --jobs load while this thread reads the data.
  if (jobs > 1) prepareCrossValidationJobs(Math.min(jobs, folds));
  const table = await readCsvTable(data.data, tableArgsOf(flagsSpec.preprocessing), undefined, data.delimiter);
  const chosen = preset ? specWithPreset(preset.name, preset.flags, preset.given, table) : { spec: flagsSpec, why: undefined };
  const spec = chosen.spec;
  const fit = spec.fit;
  const plan = planOutput(table.schema.target!, spec.compile.loss);
  for (const line of dataLines(data.data, table, planOptionsOf(spec))) printer.line(line);
  printer.line(`Task    ${taskName(plan.task)}${table.report.targetReason ? `; ${table.report.targetReason}` : ''}`);
  const watch = fit.earlyStopping !== undefined ? `early stopping on ${Math.round(fit.validationSplit * 100)}% of the training folds` : fit.keepBest === true && fit.validationSplit > 0 ? `the best epoch on ${Math.round(fit.validationSplit * 100)}% of the training folds kept` : 'no early stopping';
  printer.line(`CV      ${folds} folds${plan.task === 'regression' ? '' : ' (stratified)'}, seed ${fit.seed}; in each, ${watch}; ${jobs === 1 ? 'one fold at a time' : `${Math.min(jobs, folds)} at once (this thread and ${countOf(Math.min(jobs, folds) - 1, 'worker thread')}, which join once loaded)`}`);
  printer.line(`Model   ${spec.architecture.hidden.join('-') || 'no hidden layer'}, batch ${fit.batchSize}, ${countOf(fit.epochs, 'epoch')}${chosen.why ? `; ${chosen.why}` : ''}`);
  let placement: JobPlacement | undefined;
  const scores = await crossValidate(spec, table, folds, {
    jobs,
    onFold: (s) => printer.event({ event: 'fold', ...s }),
    onPlacement: (p) => { placement = p; },
  });
  const y = table.y;
  const imbalance = y?.kind === 'classes' ? imbalanceOf(y.classes, y.counts) : undefined;
  const keys: [keyof FoldScores, string][] = plan.task === 'regression' ? [['r2', 'R²'], ['rmse', 'RMSE'], ['mae', 'MAE']] : imbalance ? [['accuracy', 'accuracy'], ['balanced_accuracy', 'balanced accuracy']] : [['accuracy', 'accuracy']];
  // Imbalanced classes: macro F1 of each fold from its confusion matrix (the scorer's F1 of two classes is the second class's).
  const macro = imbalance ? scores.map((s) => macroF1(s.confusion ?? [])) : [];
  // The fold's training time on the thread that ran it (side by side with other jobs, a fold takes longer than alone).
  const seconds = (s: FoldScores) => (s.fit_time + s.score_time).toFixed(2);
  const rows = scores.map((s, f) => [String(s.fold), String(s.rows), String(s.epochs), ...keys.map(([k]) => formatMetric(s[k] as number)), ...(imbalance ? [formatMetric(macro[f])] : []), seconds(s)]);
  const summary = keys.map(([k]) => meanStd(scores.map((s) => s[k] as number)));
  const macroSummary = imbalance ? [meanStd(macro)] : [];
  rows.push(['mean ± std', '', '', ...[...summary, ...macroSummary].map((m) => `${formatMetric(m.mean)} ± ${formatMetric(m.std)}`), '']);
  // The baseline of each fold (majority class / mean of its training folds, scored on the held-out fold), averaged.
  const baseline = meanOfBaselines(holdoutBaselines(table, holdoutsOf(table, { folds, seed: fit.seed }), smoothingOf(spec)));
  if (baseline !== undefined) rows.push(['baseline (mean)', '', '', ...keys.map(([k]) => baselineCell(baseline, k === 'balanced_accuracy' ? 'balancedAccuracy' : (k as 'accuracy' | 'r2' | 'rmse' | 'mae'))), ...(imbalance ? [baselineCell(baseline, 'macroF1')] : []), '']);
  printer.line();
  printer.line(boxTable(['fold', 'rows', 'epochs', ...keys.map(([, label]) => label), ...(imbalance ? ['macro F1'] : []), 'seconds'], rows));
  const mean = Object.fromEntries(keys.map(([k], i) => [k, summary[i]!.mean])) as { accuracy?: number; balanced_accuracy?: number; rmse?: number };
  const note = baselineNote({ ...mean, ...(mean.balanced_accuracy !== undefined ? { balancedAccuracy: mean.balanced_accuracy } : {}) }, baseline, 'held-out folds (means over the folds)');
  if (note !== undefined) printer.line(note);
  if (imbalance) printer.line(imbalanceNote(imbalance, fit.classWeight !== undefined));
  if (placement !== undefined) {
    printer.line(placementLine(placement, 'fold'));
    printer.event({ event: 'jobs', here: placement.here, workers: placement.workers });
  }
  printer.event({ event: 'cv', folds: scores, mean, std: Object.fromEntries(keys.map(([k], i) => [k, summary[i]!.std])), ...(baseline ? { baseline } : {}) });
  return EXIT_OK;
}

