import { classCodes, loadModel, readingWarnings, writeFileAtomic } from '../../src/index.js';
import { csvField, formatFloat32, readForModel } from '../apply.js';
import { checkFile } from '../csv.js';
import { EXIT_OK } from '../errors.js';
import { Printer, type Io } from '../io.js';

/**
 * `backprop predict <model> <data.csv>`: one prediction per row, as class names (with
 * per-class probabilities on request) or numbers in the target's units; CSV to --out or stdout.
 */
export async function predictCommand(modelPath: string, dataPath: string, opts: { out?: string; probabilities: boolean; json: boolean; keep?: string[]; unknown?: 'ignore' | 'error'; delimiter?: string }, io: Io): Promise<number> {
  const printer = new Printer(io, opts.json);
  checkFile(modelPath, 'model file');
  checkFile(dataPath);
  const loaded = loadModel(modelPath);
  const a = await readForModel(loaded, dataPath, false, { ...(opts.unknown ? { unknown: opts.unknown } : {}), ...(opts.delimiter ? { delimiter: opts.delimiter } : {}), ...(opts.keep ? { carry: opts.keep } : {}) });
  for (const w of readingWarnings(a.table)) io.stderr.write(`Warning: ${w}\n`);
  const kept = (opts.keep ?? []).map((k) => a.table.carried.get(k)!);
  const keptHead = (opts.keep ?? []).map(csvField);
  const keptAt = (i: number) => kept.map((c) => csvField(c[i]!));
  const p = loaded.network.predictMatrix(a.x);
  const lines: string[] = [];
  const target = loaded.preprocessing.schema?.target;
  if (a.plan.task === 'regression') {
    const values = a.targetScaler ? a.targetScaler.inverseTransform(p, 'float64') : p;
    const names = target?.names ?? ['prediction'];
    lines.push([...keptHead, ...names.map((n) => csvField(n))].join(','));
    // Outputs are float32: 7 significant digits is all they hold, after the inverse scaling too.
    const format = a.targetScaler ? (v: number) => String(Number(v.toPrecision(7))) : formatFloat32;
    for (let i = 0; i < values.rows; i++) lines.push([...keptAt(i), ...Array.from(values.data.subarray(i * values.cols, (i + 1) * values.cols), format)].join(','));
  } else {
    const classes = loaded.network.classes ?? Array.from({ length: Math.max(2, p.cols) }, (_, k) => k);
    const codes = classCodes(p);
    lines.push([...keptHead, ...['prediction', ...(opts.probabilities ? classes.map((c) => `p(${String(c)})`) : [])].map(csvField)].join(','));
    for (let i = 0; i < p.rows; i++) {
      const row: (string | number)[] = [String(classes[codes[i]!])];
      if (opts.probabilities) {
        if (p.cols === 1) row.push(formatFloat32(1 - p.data[i]!), formatFloat32(p.data[i]!));
        else for (let c = 0; c < p.cols; c++) row.push(formatFloat32(p.data[i * p.cols + c]!));
      }
      lines.push([...keptAt(i), ...row.map(csvField)].join(','));
    }
  }
  const text = `${lines.join('\n')}\n`;
  if (opts.out !== undefined) {
    writeFileAtomic(opts.out, new TextEncoder().encode(text));
    printer.line(`Wrote ${a.table.rows} predictions to ${opts.out}`);
    printer.event({ event: 'predict', model: modelPath, data: dataPath, rows: a.table.rows, out: opts.out });
  } else if (opts.json) {
    printer.event({ event: 'predict', model: modelPath, data: dataPath, rows: a.table.rows, csv: text });
  } else {
    io.stdout.write(text);
  }
  return EXIT_OK;
}
