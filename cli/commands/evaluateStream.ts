import { classCodes, pipelineInputs, pipelineTargets, r2FromSums, scalerFromJSON, type LoadedModel } from '../../src/index.js';
import { modelPlan, readingOf } from '../apply.js';
import { openCsvChunks } from '../csvChunks.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { boxTable, formatMetric, precisionRecall } from '../evaluation.js';
import type { Printer } from '../io.js';
import { STREAM_DEFAULTS, blockTable, type StreamSettings } from '../streamTable.js';

/** Sums of one regression output over the rows read (target units). */
interface OutputSums { abs: number; res: number; sum: number; sq: number }

/**
 * `backprop evaluate` on a file read a block at a time: the loss and accuracy (or MAE, RMSE, R²)
 * and the confusion counts summed over blocks, so memory does not grow with the file. The
 * baseline and the balanced scores need every row's class at once: they are left to --no-stream,
 * and a line says so.
 */
export async function evaluateStreamed(loaded: LoadedModel, modelPath: string, dataPath: string, opts: { unknown?: 'ignore' | 'error'; delimiter?: string; streamSettings?: Partial<StreamSettings> }, printer: Printer): Promise<number> {
  const schema = loaded.preprocessing.schema;
  if (schema?.target === undefined) throw new UsageError('the model file has no column schema with a target (it was not written by "backprop train")');
  const settings = { ...STREAM_DEFAULTS, ...opts.streamSettings };
  const pre = loaded.preprocessing;
  const plan = modelPlan(loaded);
  const model = loaded.network;
  const targetScaler = pre.targetScaler ? scalerFromJSON(pre.targetScaler) : undefined;
  const reader = await openCsvChunks(dataPath, settings.blockRows, opts.delimiter);
  const args = { ...readingOf(loaded.metadata), ...(opts.unknown ? { unknown: opts.unknown } : {}) };
  const classes = schema.target.kind === 'classes' ? schema.target.classes : undefined;
  const confusion = classes ? classes.map(() => new Array<number>(classes.length).fill(0)) : undefined;
  const outputs: OutputSums[] = [];
  let rows = 0;
  let loss = 0;
  let correct = 0;
  const unknown = new Map<string, number>();
  for await (const block of reader.blocks()) {
    const table = blockTable(reader.header, block, schema, args, dataPath);
    for (const u of table.report.unknown) unknown.set(u.column, (unknown.get(u.column) ?? 0) + u.count);
    const x = pipelineInputs(pre, table);
    const y = pipelineTargets(pre, table, undefined, plan);
    const logs = model.evaluate(x, y);
    const n = table.rows;
    rows += n;
    loss += logs.loss! * n;
    const t = table.y!;
    if (t.kind === 'classes') {
      correct += logs.accuracy! * n;
      const predicted = classCodes(model.predictMatrix(x));
      for (let i = 0; i < n; i++) confusion![t.codes[i]!]![predicted[i]!]!++;
    } else {
      const p = model.predictMatrix(x);
      const pred = targetScaler ? targetScaler.inverseTransform(p, 'float64') : p;
      const truth = t.values;
      for (let c = 0; c < truth.cols; c++) {
        const o = (outputs[c] ??= { abs: 0, res: 0, sum: 0, sq: 0 });
        for (let i = 0; i < n; i++) {
          // In float32, as train and evaluate measure their rows.
          const v = Math.fround(truth.data[i * truth.cols + c]!);
          const e = pred.data[i * truth.cols + c]! - v;
          o.abs += Math.abs(e);
          o.res += e * e;
          o.sum += v;
          o.sq += v * v;
        }
      }
    }
  }
  if (rows === 0) throw new UsageError(`${dataPath}: no rows with a target to evaluate`);
  const m: Record<string, number> = { loss: loss / rows };
  if (confusion) m.accuracy = correct / rows;
  else {
    const per = outputs.map((o) => ({ mae: o.abs / rows, mse: o.res / rows, r2: r2FromSums(o.res, o.sq - (o.sum * o.sum) / rows) }));
    const mean = (f: (o: { mae: number; mse: number; r2: number }) => number) => per.reduce((a, o) => a + f(o), 0) / per.length;
    Object.assign(m, { mae: mean((o) => o.mae), rmse: Math.sqrt(mean((o) => o.mse)), r2: mean((o) => o.r2) });
  }
  const names: [string, string][] = [['loss', 'loss'], ['accuracy', 'accuracy'], ['mae', 'MAE'], ['rmse', 'RMSE'], ['r2', 'R²']];
  printer.line(`${dataPath}: ${rows} rows (streamed ${settings.blockRows} records at a time)`);
  printer.line(boxTable(['metric', 'value'], names.filter(([k]) => m[k] !== undefined).map(([k, label]) => [label, formatMetric(m[k])])));
  let perClass: { class: string; precision: number; recall: number; rows: number }[] | undefined;
  if (confusion && classes) {
    const { precision, recall } = precisionRecall(confusion);
    perClass = classes.map((c, k) => ({ class: String(c), precision: precision[k]!, recall: recall[k]!, rows: confusion[k]!.reduce((a, b) => a + b, 0) }));
    printer.line(boxTable(['class', 'rows', 'precision', 'recall'], perClass.map((p) => [p.class, String(p.rows), formatMetric(p.precision), formatMetric(p.recall)])));
  }
  const notes = ['Streamed: the baseline, balanced accuracy, macro F1 and the training-rows check need the whole file; evaluate with --no-stream for them.'];
  for (const [column, count] of unknown) notes.push(`${JSON.stringify(column)}: ${count} rows hold categories not seen in training, encoded as all zeros.`);
  for (const n of notes) printer.line(n);
  printer.event({ event: 'evaluate', model: modelPath, data: dataPath, streamed: true, rows, ...m, ...(perClass ? { perClass } : {}), notes });
  return EXIT_OK;
}
