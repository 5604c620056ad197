import { ColumnNotFoundError, classReport, loadModel, pipelineTargets, readingWarnings, scoreBaselineOnRows, type ClassScores } from '../../src/index.js';
import { readForModel, savedCount, type ReadOptions } from '../apply.js';
import { baselineCell, baselineLossOf, baselineNote, lossRowName, imbalanceNote, imbalanceOf, predictedClasses, savedBaseline, trainingRowsNote } from '../baseline.js';
import { checkFile } from '../csv.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { streamsBySize, type StreamSettings } from '../streamTable.js';
import { evaluateStreamed } from './evaluateStream.js';
import { boxTable, confusionMatrix, formatMetric, measure, outputTable, classTable, leftOutText, precisionRecall, regressionLossNote } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { writeEvaluationReport } from '../report/evaluationReport.js';

/**
 * `backprop evaluate <model> <data.csv>`: loss and metrics of a saved model on a labelled file,
 * beside the baseline of its training rows (majority class or training mean) scored on the same
 * rows; says when the file holds rows the model was trained on.
 */
export async function evaluateCommand(modelPath: string, dataPath: string, json: boolean, io: Io, options: { unknown?: 'ignore' | 'error'; delimiter?: string; report?: string; command?: string; stream?: boolean; streamSettings?: Partial<StreamSettings>; count?: string } = {}): Promise<number> {
  const printer = new Printer(io, json);
  checkFile(modelPath, 'model file');
  checkFile(dataPath);
  const loaded = loadModel(modelPath);
  if (options.stream ?? streamsBySize(dataPath)) {
    if (options.report !== undefined) throw new UsageError('--report is not available when evaluate streams the file (--no-stream reads it whole)');
    if (options.count !== undefined) throw new UsageError(`--count ${options.count} is not available when evaluate streams the file`, '--no-stream reads it whole');
    const trained = savedCount(loaded.metadata, modelPath);
    if (trained !== undefined) io.stderr.write(`Warning: the model was trained with --count ${trained}; streamed, each row of ${dataPath} is scored once (--no-stream reads its counts)\n`);
    return evaluateStreamed(loaded, modelPath, dataPath, options, printer);
  }
  const read = (count: string | undefined) => readForModel(loaded, dataPath, true, { ...options, hashRows: true, keepTable: options.report !== undefined, ...(count !== undefined ? { count } : {}) } satisfies ReadOptions);
  // A model trained with --count reads the counts of a file that has its count column (a file without one: each row once).
  const trainedCount = options.count === undefined ? savedCount(loaded.metadata, modelPath) : undefined;
  const a = await read(options.count ?? trainedCount).catch((e: unknown) => {
    if (trainedCount !== undefined && e instanceof ColumnNotFoundError && e.role === 'count column') return read(undefined);
    throw e;
  });
  const counted = a.table.report.counted;
  if (counted !== undefined) {
    const line = `${counted.column}: ${counted.records.toLocaleString('en-US')} records read as ${counted.rows.toLocaleString('en-US')} rows (each as many times as its count${options.count === undefined ? ', as the model was trained' : ''})`;
    printer.line(`Counts  ${line}`);
    printer.event({ event: 'counts', ...counted });
  }
  for (const w of readingWarnings(a.table)) io.stderr.write(`Warning: ${w}\n`);
  const y = pipelineTargets(loaded.preprocessing, a.table, undefined, a.plan);
  // In float32, as train measures its rows (gatherRows).
  const raw = a.table.y!.kind === 'numeric' ? a.table.y!.values.clone('float32') : undefined;
  const m = measure(loaded.network, a.plan.task, a.x, y, a.targetScaler, raw);
  const t = a.table.y!;
  const all = Array.from({ length: a.table.rows }, (_, i) => i);
  const saved = savedBaseline(loaded.metadata);
  const baseline = saved !== undefined && (saved.kind === 'majority') === (t.kind === 'classes') ? scoreBaselineOnRows(saved, t, all, baselineLossOf(loaded.network)) : undefined;
  const predicted = t.kind === 'classes' ? predictedClasses(loaded.network, a.x) : undefined;
  const imbalance = t.kind === 'classes' ? imbalanceOf(t.classes, t.counts) : undefined;
  const scores: ClassScores | undefined = t.kind === 'classes' && imbalance ? classReport(t.codes, predicted!, t.classes.length) : undefined;
  const metrics: [string, number | undefined, string][] = [
    [lossRowName(baselineLossOf(loaded.network)), m.loss, baselineCell(baseline, 'loss')], ['accuracy', m.accuracy, baselineCell(baseline, 'accuracy')],
    ['balanced accuracy', scores?.balancedAccuracy, baselineCell(baseline, 'balancedAccuracy')], ['macro F1', scores?.macroF1, baselineCell(baseline, 'macroF1')],
    ['MAE', m.mae, baselineCell(baseline, 'mae')], ['RMSE', m.rmse, baselineCell(baseline, 'rmse')], ['R²', m.r2, baselineCell(baseline, 'r2')],
  ];
  printer.line(`${dataPath}: ${a.table.rows} rows${leftOutText(a.table.report.droppedNoTarget)}`);
  const shown = metrics.filter(([, v]) => v !== undefined);
  printer.line(baseline ? boxTable(['metric', 'value', 'baseline'], shown.map(([k, v, b]) => [k, formatMetric(v), b])) : boxTable(['metric', 'value'], shown.map(([k, v]) => [k, formatMetric(v)])));
  // Several regression targets: each one's metrics too (the table above averages over them).
  if (t.kind === 'numeric' && t.names.length > 1) printer.line(outputTable(t.names, [['', m.outputs]]));
  let perClass: { class: string; precision: number; recall: number; rows: number }[] | undefined;
  let classNotes: string[] = [];
  if (t.kind === 'classes') {
    const cm = confusionMatrix(t.codes, predicted!, t.classes.length);
    const { precision, recall } = precisionRecall(cm);
    perClass = t.classes.map((c, k) => ({ class: String(c), precision: precision[k]!, recall: recall[k]!, rows: t.counts[k]! }));
    const shown = classTable(perClass);
    printer.line(shown.table);
    classNotes = shown.notes;
  }
  const notes = [
    ...classNotes,
    regressionLossNote(a.plan.loss, m, loaded.preprocessing.targetScaler, 'rows of this file'),
    baselineNote({ ...(m.accuracy !== undefined ? { accuracy: m.accuracy } : {}), ...(m.rmse !== undefined ? { rmse: m.rmse } : {}), ...(scores ? { balancedAccuracy: scores.balancedAccuracy } : {}) }, baseline, 'rows of this file'),
    imbalance ? imbalanceNote(imbalance, false) : undefined,
    a.hashes ? trainingRowsNote(loaded.metadata, a.hashes) : undefined,
  ].filter((n): n is string => n !== undefined);
  for (const n of notes) printer.line(n);
  if (options.report !== undefined) {
    writeEvaluationReport(options.report, { command: options.command ?? `backprop evaluate ${modelPath} ${dataPath}`, modelPath, dataPath, loaded, table: a.table, metrics: shown.map(([k, v]) => [k, v as number]) });
    printer.line(`Report written to ${options.report}`);
  }
  printer.event({ event: 'evaluate', model: modelPath, data: dataPath, ...m, ...(scores ? { balancedAccuracy: scores.balancedAccuracy, macroF1: scores.macroF1 } : {}), ...(baseline ? { baseline } : {}), ...(perClass ? { perClass } : {}), ...(options.report ? { report: options.report } : {}), notes });
  return EXIT_OK;
}
