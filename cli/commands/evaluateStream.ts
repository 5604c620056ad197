import {
  addToConfusion, confusionCounts, classCodes, fingerprintFromJson, macroF1, pipelineInputs, pipelineTargets, r2FromSums, TotalSquares, rowHashes, rowsSeen, scalerFromJSON,
  baselineLoss, type BaselineScores, type ClassScores, type LoadedModel,
} from '../../src/index.js';
import { modelPlan, readingOf } from '../apply.js';
import { baselineCell, baselineLossOf, baselineNote, lossRowName, imbalanceNote, imbalanceOf, rowsSeenNote, savedBaseline } from '../baseline.js';
import { openCsvChunks } from '../csvChunks.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { boxTable, classTable, formatMetric, leftOutText, precisionRecall, regressionLossNote } from '../evaluation.js';
import type { Printer } from '../io.js';
import { STREAM_DEFAULTS, blockTable, type StreamSettings } from '../streamTable.js';

/** Sums of one regression output over the rows read (target units), and of the baseline's (training mean) errors. */
interface OutputSums { abs: number; res: number; tot: TotalSquares; baseAbs: number; baseRes: number }

/** Accuracy, balanced accuracy (mean recall over the true classes present), macro F1 and the scorer's F1 (binary: of the second class) from a confusion matrix (rows true, columns predicted), as classScores gives them from every row. */
export function scoresOfConfusion(confusion: readonly (readonly number[])[]): ClassScores & { f1: number } {
  const k = confusion.length;
  let n = 0;
  let correct = 0;
  let recall = 0;
  let present = 0;
  confusion.forEach((row, c) => {
    const rows = row.reduce((a, b) => a + b, 0);
    n += rows;
    correct += row[c]!;
    if (rows === 0) return;
    recall += row[c]! / rows;
    present++;
  });
  const macro = macroF1(confusion);
  let f1 = macro;
  if (k === 2) {
    const tp = confusion[1]![1]!;
    const denominator = 2 * tp + confusion[0]![1]! + confusion[1]![0]!;
    f1 = denominator === 0 ? 0 : (2 * tp) / denominator;
  }
  return { accuracy: n === 0 ? 0 : correct / n, balancedAccuracy: present === 0 ? 0 : recall / present, macroF1: macro, f1 };
}

/**
 * `backprop evaluate` on a file read a block at a time: the loss and accuracy (or MAE, RMSE, R²),
 * the confusion matrix and the training-rows check summed over blocks, so memory does not grow
 * with the file. The balanced scores and the baseline's (the saved majority class or training
 * mean) come from the confusion matrix and the sums: the same numbers as evaluate in memory.
 */
export async function evaluateStreamed(loaded: LoadedModel, modelPath: string, dataPath: string, opts: { unknown?: 'ignore' | 'error'; delimiter?: string; streamSettings?: Partial<StreamSettings> }, printer: Printer): Promise<number> {
  const schema = loaded.preprocessing.schema;
  if (schema?.target === undefined) throw new UsageError('the model file has no column schema with a target (it was not written by "backprop train")');
  const settings = { ...STREAM_DEFAULTS, ...opts.streamSettings };
  const pre = loaded.preprocessing;
  const plan = modelPlan(loaded);
  const model = loaded.network;
  const targetScaler = pre.targetScaler ? scalerFromJSON(pre.targetScaler) : undefined;
  const reading = readingOf(loaded.metadata);
  const reader = await openCsvChunks(dataPath, settings.blockRows, opts.delimiter, reading.header !== false, reading.skipRows);
  const args = { ...reading, ...(opts.unknown ? { unknown: opts.unknown } : {}) };
  const classes = schema.target.kind === 'classes' ? schema.target.classes : undefined;
  const confusion = classes ? confusionCounts(classes.length) : undefined;
  const outputs: OutputSums[] = [];
  const saved = savedBaseline(loaded.metadata);
  const baseline = saved !== undefined && (saved.kind === 'majority') === (classes !== undefined) ? saved : undefined;
  const fingerprint = fingerprintFromJson(loaded.metadata.trainingRows);
  const seen = { rows: 0, seen: 0, exact: true };
  let rows = 0;
  let loss = 0;
  let correct = 0;
  const unknown = new Map<string, number>();
  let noTarget = 0;
  for await (const block of reader.blocks()) {
    const table = blockTable(reader.header, block, schema, args, dataPath);
    for (const u of table.report.unknown) unknown.set(u.column, (unknown.get(u.column) ?? 0) + u.count);
    noTarget += table.report.droppedNoTarget;
    if (fingerprint !== undefined) {
      // Exact counts add up; sampled estimates of blocks add up to an estimate of the file.
      const s = rowsSeen(fingerprint, rowHashes(table));
      seen.rows += s.rows;
      seen.seen += s.seen;
      seen.exact &&= s.exact;
    }
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
      addToConfusion(confusion!, t.codes, predicted);
    } else {
      const p = model.predictMatrix(x);
      const pred = targetScaler ? targetScaler.inverseTransform(p, 'float64') : p;
      const truth = t.values;
      for (let c = 0; c < truth.cols; c++) {
        const o = (outputs[c] ??= { abs: 0, res: 0, tot: new TotalSquares(), baseAbs: 0, baseRes: 0 });
        const guess = baseline?.kind === 'mean' ? baseline.means[c]! : 0;
        for (let i = 0; i < n; i++) {
          // In float32, as train and evaluate measure their rows.
          const v = Math.fround(truth.data[i * truth.cols + c]!);
          const e = pred.data[i * truth.cols + c]! - v;
          o.abs += Math.abs(e);
          o.res += e * e;
          o.tot.add(v);
          o.baseAbs += Math.abs(guess - v);
          o.baseRes += (guess - v) ** 2;
        }
      }
    }
  }
  if (rows === 0) throw new UsageError(`${dataPath}: no rows with a target to evaluate`);
  const m: Record<string, number> = { loss: loss / rows };
  let scores: (ClassScores & { f1: number }) | undefined;
  let imbalance: ReturnType<typeof imbalanceOf>;
  let base: BaselineScores | undefined;
  if (confusion && classes) {
    m.accuracy = correct / rows;
    const counts = confusion.map((row) => row.reduce((a, b) => a + b, 0));
    imbalance = imbalanceOf(classes, counts);
    if (imbalance) scores = scoresOfConfusion(confusion);
    if (baseline?.kind === 'majority') {
      // The constant answer's confusion matrix: every row in the majority class's column.
      const constant = counts.map((c) => counts.map((_, j) => (j === baseline.code ? c : 0)));
      const { accuracy, balancedAccuracy, macroF1: macro, f1 } = scoresOfConfusion(constant);
      base = { kind: 'majority', label: baseline.label, loss: baselineLoss(baseline, counts, baselineLossOf(loaded.network)), accuracy, balancedAccuracy, macroF1: macro, f1, classesInRows: counts.filter((c) => c > 0).length };
    }
  } else {
    const per = outputs.map((o) => ({ mae: o.abs / rows, mse: o.res / rows, r2: r2FromSums(o.res, o.tot.ss) }));
    const mean = (f: (o: { mae: number; mse: number; r2: number }) => number) => per.reduce((a, o) => a + f(o), 0) / per.length;
    Object.assign(m, { mae: mean((o) => o.mae), rmse: Math.sqrt(mean((o) => o.mse)), r2: mean((o) => o.r2) });
    if (baseline?.kind === 'mean') {
      const r2 = (o: OutputSums) => r2FromSums(o.baseRes, o.tot.ss);
      const avg = (f: (o: OutputSums) => number) => outputs.reduce((a, o) => a + f(o), 0) / outputs.length;
      base = { kind: 'mean', mae: avg((o) => o.baseAbs / rows), rmse: Math.sqrt(avg((o) => o.baseRes / rows)), r2: avg(r2) };
    }
  }
  const shown: [string, number | undefined, string][] = [
    [lossRowName(baselineLossOf(loaded.network)), m.loss, baselineCell(base, 'loss')], ['accuracy', m.accuracy, baselineCell(base, 'accuracy')],
    ['balanced accuracy', scores?.balancedAccuracy, baselineCell(base, 'balancedAccuracy')], ['macro F1', scores?.macroF1, baselineCell(base, 'macroF1')],
    ['MAE', m.mae, baselineCell(base, 'mae')], ['RMSE', m.rmse, baselineCell(base, 'rmse')], ['R²', m.r2, baselineCell(base, 'r2')],
  ];
  const present = shown.filter(([, v]) => v !== undefined);
  printer.line(`${dataPath}: ${rows} rows (streamed ${settings.blockRows} records at a time)${leftOutText(noTarget)}`);
  printer.line(base ? boxTable(['metric', 'value', 'baseline'], present.map(([k, v, b]) => [k, formatMetric(v), b])) : boxTable(['metric', 'value'], present.map(([k, v]) => [k, formatMetric(v)])));
  let perClass: { class: string; precision: number; recall: number; rows: number }[] | undefined;
  let classNotes: string[] = [];
  if (confusion && classes) {
    const { precision, recall } = precisionRecall(confusion);
    perClass = classes.map((c, k) => ({ class: String(c), precision: precision[k]!, recall: recall[k]!, rows: confusion[k]!.reduce((a, b) => a + b, 0) }));
    const shown = classTable(perClass);
    printer.line(shown.table);
    classNotes = shown.notes;
  }
  const notes = [
    ...classNotes,
    regressionLossNote(plan.loss, { loss: m.loss!, ...(m.rmse !== undefined ? { rmse: m.rmse } : {}) }, pre.targetScaler, 'rows of this file'),
    baselineNote({ ...(m.accuracy !== undefined ? { accuracy: m.accuracy } : {}), ...(m.rmse !== undefined ? { rmse: m.rmse } : {}), ...(scores ? { balancedAccuracy: scores.balancedAccuracy } : {}) }, base, 'rows of this file'),
    imbalance ? imbalanceNote(imbalance, false) : undefined,
    rowsSeenNote(seen, fingerprint?.rows),
  ].filter((n): n is string => n !== undefined);
  for (const [column, count] of unknown) notes.push(`${JSON.stringify(column)}: ${count === 1 ? '1 row holds' : `${count.toLocaleString('en-US')} rows hold`} categories not seen in training, encoded as all zeros.`);
  for (const n of notes) printer.line(n);
  const balanced = scores ? { balancedAccuracy: scores.balancedAccuracy, macroF1: scores.macroF1 } : {};
  printer.event({ event: 'evaluate', model: modelPath, data: dataPath, streamed: true, rows, ...m, ...balanced, ...(base ? { baseline: base } : {}), ...(perClass ? { perClass } : {}), notes });
  return EXIT_OK;
}

