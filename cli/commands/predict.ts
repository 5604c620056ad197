import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { classCodes, loadModel, pipelineInputs, scalerFromJSON, readingWarnings, writeFileAtomic, type LoadedModel, type Matrix, type OutputPlan, type Scaler, type Table } from '../../src/index.js';
import { csvField, formatFloat32, modelPlan, readForModel, readingOf } from '../apply.js';
import { checkFile } from '../csv.js';
import { openCsvChunks } from '../csvChunks.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { Printer, type Io } from '../io.js';
import { STREAM_DEFAULTS, streamsBySize, blockTable, type StreamSettings } from '../streamTable.js';

export interface PredictOptions {
  out?: string;
  probabilities: boolean;
  json: boolean;
  keep?: string[];
  unknown?: 'ignore' | 'error';
  delimiter?: string;
  /** Read and write a block at a time (true), whole (false), or by the file's size (undefined). */
  stream?: boolean;
  streamSettings?: Partial<StreamSettings>;
}

/** The output's header and each block's lines, the same whether the file is read whole or in blocks. */
function formatter(loaded: LoadedModel, plan: OutputPlan, targetScaler: Scaler | undefined, opts: PredictOptions) {
  const keptHead = (opts.keep ?? []).map(csvField);
  const target = loaded.preprocessing.schema?.target;
  const classes = loaded.network.classes ?? Array.from({ length: Math.max(2, loaded.network.outputUnits) }, (_, k) => k);
  const header = plan.task === 'regression'
    ? [...keptHead, ...(target?.names ?? ['prediction']).map((n) => csvField(n))].join(',')
    : [...keptHead, ...['prediction', ...(opts.probabilities ? classes.map((c) => `p(${String(c)})`) : [])].map(csvField)].join(',');
  // Outputs are float32: 7 significant digits is all they hold, after the inverse scaling too.
  const format = targetScaler ? (v: number) => String(Number(v.toPrecision(7))) : formatFloat32;
  const lines = (p: Matrix, table: Table): string[] => {
    const kept = (opts.keep ?? []).map((k) => table.carried.get(k)!);
    const keptAt = (i: number) => kept.map((c) => csvField(c[i]!));
    const out: string[] = [];
    if (plan.task === 'regression') {
      const values = targetScaler ? targetScaler.inverseTransform(p, 'float64') : p;
      for (let i = 0; i < values.rows; i++) out.push([...keptAt(i), ...Array.from(values.data.subarray(i * values.cols, (i + 1) * values.cols), format)].join(','));
      return out;
    }
    const codes = classCodes(p);
    for (let i = 0; i < p.rows; i++) {
      const row: (string | number)[] = [String(classes[codes[i]!])];
      if (opts.probabilities) {
        if (p.cols === 1) row.push(formatFloat32(1 - p.data[i]!), formatFloat32(p.data[i]!));
        else for (let c = 0; c < p.cols; c++) row.push(formatFloat32(p.data[i * p.cols + c]!));
      }
      out.push([...keptAt(i), ...row.map(csvField)].join(','));
    }
    return out;
  };
  return { header, lines };
}

/**
 * `backprop predict <model> <data.csv>`: one prediction per row, as class names (with
 * per-class probabilities on request) or numbers in the target's units; CSV to --out or stdout.
 * A large file (or --stream) is read and written a block at a time, in constant memory.
 */
export async function predictCommand(modelPath: string, dataPath: string, opts: PredictOptions, io: Io): Promise<number> {
  const printer = new Printer(io, opts.json);
  checkFile(modelPath, 'model file');
  checkFile(dataPath);
  const loaded = loadModel(modelPath);
  const streamed = opts.stream ?? streamsBySize(dataPath);
  if (streamed) {
    if (opts.json) throw new UsageError('--json holds the whole output in one object; it is not available when predict streams (write with --out)');
    return predictStreamed(loaded, modelPath, dataPath, opts, printer, io);
  }
  const a = await readForModel(loaded, dataPath, false, { ...(opts.unknown ? { unknown: opts.unknown } : {}), ...(opts.delimiter ? { delimiter: opts.delimiter } : {}), ...(opts.keep ? { carry: opts.keep } : {}) });
  for (const w of readingWarnings(a.table)) io.stderr.write(`Warning: ${w}\n`);
  const f = formatter(loaded, a.plan, a.targetScaler, opts);
  const p = loaded.network.predictMatrix(a.x);
  const text = `${[f.header, ...f.lines(p, a.table)].join('\n')}\n`;
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

/** Each block read with the model's schema, predicted, and written before the next is read; --out is written to a temporary file renamed at the end. */
async function predictStreamed(loaded: LoadedModel, modelPath: string, dataPath: string, opts: PredictOptions, printer: Printer, io: Io): Promise<number> {
  const schema = loaded.preprocessing.schema;
  if (schema === undefined) throw new UsageError('the model file has no column schema (it was not written by "backprop train"), so it cannot read CSV files');
  const settings = { ...STREAM_DEFAULTS, ...opts.streamSettings };
  const plan = modelPlan(loaded);
  const pre = loaded.preprocessing;
  const targetScaler = pre.targetScaler ? scalerFromJSON(pre.targetScaler) : undefined;
  const f = formatter(loaded, plan, targetScaler, opts);
  const reading = readingOf(loaded.metadata);
  const reader = await openCsvChunks(dataPath, settings.blockRows, opts.delimiter, reading.header !== false, reading.skipRows);
  const temp = opts.out !== undefined ? `${opts.out}.tmp-${process.pid}` : undefined;
  const file = temp !== undefined ? createWriteStream(temp) : undefined;
  const write = async (text: string) => {
    if (file === undefined) io.stdout.write(text);
    else if (!file.write(text)) await once(file, 'drain');
  };
  const args = { ...reading, ...(opts.unknown ? { unknown: opts.unknown } : {}), ...(opts.keep ? { carry: opts.keep } : {}) };
  const unknown = new Map<string, number>();
  let rows = 0;
  try {
    await write(`${f.header}\n`);
    for await (const block of reader.blocks()) {
      const table = blockTable(reader.header, block, { inputs: schema.inputs, target: undefined }, args, dataPath);
      for (const u of table.report.unknown) unknown.set(u.column, (unknown.get(u.column) ?? 0) + u.count);
      const p = loaded.network.predictMatrix(pipelineInputs(pre, table));
      await write(`${f.lines(p, table).join('\n')}\n`);
      rows += table.rows;
    }
    if (file !== undefined) {
      file.end();
      await once(file, 'finish');
      renameSync(temp!, opts.out!);
    }
  } catch (e) {
    file?.destroy();
    if (temp !== undefined) rmSync(temp, { force: true });
    throw e;
  }
  for (const [column, count] of unknown) io.stderr.write(`Warning: ${JSON.stringify(column)}: ${count === 1 ? '1 row holds' : `${count.toLocaleString('en-US')} rows hold`} categories not seen in training, encoded as all zeros\n`);
  if (opts.out !== undefined) printer.line(`Wrote ${rows} predictions to ${opts.out} (streamed ${settings.blockRows} rows at a time)`);
  return EXIT_OK;
}
