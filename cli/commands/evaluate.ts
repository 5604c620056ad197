import { Matrix, classCodes, loadModel, pipelineTargets, readingWarnings, type Sequential } from '../../src/index.js';
import { readForModel } from '../apply.js';
import { checkFile } from '../csv.js';
import { EXIT_OK } from '../errors.js';
import { boxTable, confusionMatrix, formatMetric, measure, outputTable, precisionRecall } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { writeEvaluationReport } from '../report/evaluationReport.js';

/** `backprop evaluate <model> <data.csv>`: loss and metrics of a saved model on a labelled file. */
export async function evaluateCommand(modelPath: string, dataPath: string, json: boolean, io: Io, options: { unknown?: 'ignore' | 'error'; delimiter?: string; report?: string; command?: string } = {}): Promise<number> {
  const printer = new Printer(io, json);
  checkFile(modelPath, 'model file');
  checkFile(dataPath);
  const loaded = loadModel(modelPath);
  const a = await readForModel(loaded, dataPath, true, { ...options, keepTable: options.report !== undefined });
  for (const w of readingWarnings(a.table)) io.stderr.write(`Warning: ${w}\n`);
  const y = pipelineTargets(loaded.preprocessing, a.table, undefined, a.plan);
  // In float32, as train measures its rows (gatherRows).
  const raw = a.table.y!.kind === 'numeric' ? a.table.y!.values.clone('float32') : undefined;
  const m = measure(loaded.network, a.plan.task, a.x, y, a.targetScaler, raw);
  const metrics: [string, number | undefined][] = [['loss', m.loss], ['accuracy', m.accuracy], ['MAE', m.mae], ['RMSE', m.rmse], ['R²', m.r2]];
  printer.line(`${dataPath}: ${a.table.rows} rows`);
  printer.line(boxTable(['metric', 'value'], metrics.filter(([, v]) => v !== undefined).map(([k, v]) => [k, formatMetric(v)])));
  const target = a.table.y!;
  // Several regression targets: each one's metrics too (the table above averages over them).
  if (target.kind === 'numeric' && target.names.length > 1) printer.line(outputTable(target.names, [['', m.outputs]]));
  let perClass: { class: string; precision: number; recall: number; rows: number }[] | undefined;
  const t = a.table.y!;
  if (t.kind === 'classes') {
    const cm = confusionMatrix(t.codes, predictedClasses(loaded.network, a.x), t.classes.length);
    const { precision, recall } = precisionRecall(cm);
    perClass = t.classes.map((c, k) => ({ class: String(c), precision: precision[k]!, recall: recall[k]!, rows: t.counts[k]! }));
    printer.line(boxTable(['class', 'rows', 'precision', 'recall'], perClass.map((p) => [p.class, String(p.rows), formatMetric(p.precision), formatMetric(p.recall)])));
  }
  if (options.report !== undefined) {
    writeEvaluationReport(options.report, { command: options.command ?? `backprop evaluate ${modelPath} ${dataPath}`, modelPath, dataPath, loaded, table: a.table, metrics: metrics.filter((e): e is [string, number] => e[1] !== undefined) });
    printer.line(`Report written to ${options.report}`);
  }
  printer.event({ event: 'evaluate', model: modelPath, data: dataPath, ...m, ...(perClass ? { perClass } : {}), ...(options.report ? { report: options.report } : {}) });
  return EXIT_OK;
}

/** The predicted class of every row, predicted in blocks (outputs for a million rows are never held at once). */
function predictedClasses(model: Sequential, x: Matrix): Int32Array {
  const out = new Int32Array(x.rows);
  const block = 65_536;
  for (let start = 0; start < x.rows; start += block) {
    const n = Math.min(block, x.rows - start);
    out.set(classCodes(model.predictMatrix(new Matrix(n, x.cols, x.data.subarray(start * x.cols, (start + n) * x.cols)))), start);
  }
  return out;
}
