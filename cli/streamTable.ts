import {
  FingerprintBuilder, InputError, Matrix, StreamPipeline, TableBuilder, countsBaseline, rowHashes, isValidationRow, pipelineInputs, pipelineTargets, planOutput, scoreBaseline,
  type Baseline, type BaselineScores, type Label, type RowsFingerprint, type OutputPlan, type Preprocessing, type Table, type TableArgs, type TableReport, type TableSchema, type TrainingSpec,
} from '../src/index.js';
import { openCsvChunks, type CsvBlock, type CsvChunkReader } from './csvChunks.js';
import { openTable } from './csv.js';
import { countTextLines, textSize } from './textFile.js';
import { jsonFileOpening, readJsonTable } from './jsonFile.js';
import { UsageError } from './errors.js';

/**
 * A CSV file too large to hold, read in bounded memory. Pass 1 (`scanCsv`) reads the first
 * `prefixRows` records into an ordinary Table, which decides every column exactly as the in-memory
 * path does (the same TableBuilder: kinds, categories, ID and row-number detection), then reads
 * the rest in blocks with that schema; meanwhile a StreamPipeline learns the imputation and
 * scaling from the training rows, and the validation rows (a seeded hash of the row number) are
 * kept, already through the pipeline, up to `validationCap` rows. Later passes (`encodedBlocks`)
 * read the file again a block at a time with the schema. Memory: the prefix table, one block,
 * the validation rows and the sketches, whatever the file's size.
 */

/** Above this size (bytes) `backprop train` streams the file without being asked (--stream forces it). */
export const STREAM_ABOVE_BYTES = 256 * 1024 * 1024;

/** Whether a data file is read a block at a time without --stream: CSV text above STREAM_ABOVE_BYTES (JSON is always read whole). */
export function streamsBySize(path: string): boolean {
  return textSize(path) > STREAM_ABOVE_BYTES && jsonFileOpening(path) === undefined;
}

export interface StreamSettings {
  /** Records per block read. */
  readonly blockRows: number;
  /** Records read into an ordinary table to decide the columns (the whole file when it is shorter). */
  readonly prefixRows: number;
  /** Rows of the shuffle buffer. */
  readonly shuffleRows: number;
  /** Most validation rows kept in memory: a larger split is thinned to this many (said in one line). */
  readonly validationCap: number;
  /** Training values per feature for which medians are exact. */
  readonly sketchCapacity: number;
  /** Keep the encoded training rows of the first epoch in a binary temp file for the later epochs (cli/streamCache.ts). */
  readonly cache: boolean;
}

export const STREAM_DEFAULTS: StreamSettings = { blockRows: 4096, prefixRows: 100_000, shuffleRows: 32_768, validationCap: 100_000, sketchCapacity: 1 << 16, cache: true };

/** How pass 1 reads: the delimiter, progress, a saved model's pipeline, the spec resolved once the columns are known. */
export interface ScanOptions {
  readonly delimiter?: string;
  readonly onBytes?: (bytes: number) => void;
  /** Continuing a saved model: its pipeline, not one fitted again. */
  readonly fixed?: Preprocessing;
  /**
   * The spec of the run, from the prefix table (its columns and task) and the rows the file holds:
   * exact when the prefix is the whole file, else estimated from its line count (a preset sizes
   * the run from it). Without it, the spec given to scanCsv.
   */
  readonly specFor?: (prefix: Table, rows: number) => TrainingSpec;
  /** Keep the validation rows as read, too (`validationTable`), for the report. */
  readonly keepValidationTable?: boolean;
  /**
   * Where the training rows of pass 1 go as read (the binary cache the epochs read): asked once the
   * columns are decided, with the prefix table and the estimated row count; undefined for none.
   */
  readonly trainingRowsTo?: (first: Table, rows: number) => TrainingRowsSink | undefined;
}

/** Takes the training rows of each table pass 1 reads (`rows`: their indices), in file order. */
export type TrainingRowsSink = (t: Table, rows: readonly number[]) => void;

/** What pass 1 found and fitted. */
export interface StreamScan {
  /** The spec pass 1 ran with (its scaling and validation split are fixed from here on). */
  readonly spec: TrainingSpec;
  readonly reader: CsvChunkReader;
  /** The file's name in messages. */
  readonly source: string;
  /** The prefix table with the whole file's counts (rows, missing cells, classes) in its report: for the Data line. */
  readonly summary: Table;
  readonly schema: TableSchema;
  readonly plan: OutputPlan;
  readonly preprocessing: Preprocessing;
  /** Rows kept (with a target) in the whole file. */
  readonly rows: number;
  /** The first rows the columns were decided on, when the file has more. */
  readonly decidedOn: number | undefined;
  /** Rows of the prefix table (the most rows pass 1 held at once, with the validation rows). */
  readonly prefixRows: number;
  /** The hash split's validation fraction (the spec's, or smaller when capped). */
  readonly validationFraction: number;
  readonly trainRows: number;
  readonly validation: { readonly x: Matrix; readonly y: Matrix } | undefined;
  /** The validation rows as read (before the pipeline), with `keepValidationTable`: the report draws from them. */
  readonly validationTable?: Table;
  /** One-line notes: a capped validation part, categories first seen after the prefix. */
  readonly notes: readonly string[];
  /** The training rows' majority class or mean (in the table's codes and units). */
  readonly baseline?: Baseline;
  /** The validation rows' true codes or values, to score the baseline on (`scoreBaseline`, with the model's loss options). */
  readonly validationTruth?: Int32Array | Matrix;
  /** The training rows' fingerprint, so that `evaluate` can say when a file holds rows the model was trained on. */
  readonly trainingRows: RowsFingerprint;
}

/** The TableArgs train reads with, as readCsvTable takes them. */
function readArgs(path: string, args: TableArgs, expectedRows: number): TableArgs {
  // Without a header row the chunk reader names the columns and yields line 1 as a record: the builder is given names.
  const { header: _header, ...named } = args;
  return { dtype: 'float32', expectedRows, ...named, source: args.source ?? path };
}

/** A block read with the schema into a Table (rows without a target left out, as the schema reader does). */
export function blockTable(header: readonly string[], block: CsvBlock, schema: TableSchema, args: TableArgs, source: string): Table {
  const reading = {
    ...(args.naValues !== undefined ? { naValues: args.naValues } : {}), ...(args.decimal !== undefined ? { decimal: args.decimal } : {}), ...(args.missing !== undefined ? { missing: args.missing } : {}),
    ...(args.carry !== undefined ? { carry: args.carry } : {}), ...(args.unknown !== undefined ? { unknown: args.unknown } : {}),
  };
  const builder = new TableBuilder(header, { dtype: 'float32', schema, requireTarget: schema.target !== undefined, expectedRows: block.records.length, source, ...reading });
  block.records.forEach((r, i) => builder.add(r, block.lines[i]!));
  return builder.finish();
}

/** Pass 1: decide the columns, fit the pipeline on the training rows (unless `fixed` is given), keep the validation rows. */
export async function scanCsv(path: string, spec: TrainingSpec, args: TableArgs, settings: StreamSettings, opts: ScanOptions = {}): Promise<StreamScan> {
  if (args.orderBy !== undefined) throw new UsageError(`--split time:${args.orderBy} validates on the latest rows by ${JSON.stringify(args.orderBy)}, which needs every row's time before the first epoch: not available when the file is streamed`, 'read the file whole with --no-stream, or use the random split');
  const reader = await openCsvChunks(path, settings.blockRows, opts.delimiter, args.header !== false, args.skipRows);
  const source = args.source ?? path;
  // Counted through gunzip for a gzip file (one more pass over its text).
  const lines = await countTextLines(path);
  const prefix = openTable(reader.header, readArgs(path, args, Math.min(lines, settings.prefixRows)), reader.delimiter);
  let prefixRecords = 0;
  let state: Decided | undefined;
  let rowBase = 0;
  let asked = 0;
  let fraction = 0;
  const decideOn = (first: Table, rows: number): Decided => {
    const used = opts.specFor ? opts.specFor(first, rows) : spec;
    asked = used.fit.validationSplit;
    fraction = asked > 0 ? Math.min(asked, settings.validationCap / Math.max(1, lines - 1)) : 0;
    return decide(first, used, settings, source, fraction, used.fit.seed, opts.fixed, opts.keepValidationTable === true, opts.trainingRowsTo?.(first, rows));
  };
  const blocks = reader.blocks();
  for await (const block of blocks) {
    opts.onBytes?.(block.bytes);
    let i = 0;
    if (state === undefined) {
      for (; i < block.records.length && prefixRecords < settings.prefixRows; i++, prefixRecords++) prefix.add(block.records[i]!, block.lines[i]!);
      if (i === block.records.length) continue;
      const first = prefix.finish();
      // More rows follow: the line count bounds them (a few may lack a target or be blank).
      state = decideOn(first, Math.max(first.rows, lines - 1));
      rowBase = state.summary.rows;
    }
    const rest = i === 0 ? block : { records: block.records.slice(i), lines: block.lines.slice(i), bytes: block.bytes };
    const t = blockTable(reader.header, rest, state.schema, args, source);
    state.absorb(t, rowBase);
    rowBase += t.rows;
  }
  if (state === undefined) {
    const first = prefix.finish();
    state = decideOn(first, first.rows);
    rowBase = state.summary.rows;
  }
  const decidedOn = state.tables > 1 ? state.prefixRows : undefined;
  return state.result(reader, rowBase, decidedOn, asked, fraction, lines);
}

interface Decided {
  readonly spec: TrainingSpec;
  readonly schema: TableSchema;
  readonly summary: Table;
  readonly prefixRows: number;
  tables: number;
  absorb(t: Table, rowBase: number): void;
  result(reader: CsvChunkReader, rows: number, decidedOn: number | undefined, asked: number, fraction: number, lines: number): StreamScan;
}

/** The columns decided on the prefix table; from here on blocks are absorbed with its schema. */
function decide(first: Table, spec: TrainingSpec, settings: StreamSettings, source: string, fraction: number, seed: number, fixed: Preprocessing | undefined, keepTable: boolean, sink: TrainingRowsSink | undefined): Decided {
  const schema = first.schema;
  if (schema.target === undefined) throw new InputError(`${source}: the data has no target column`);
  const plan = planOutput(schema.target, spec.compile.loss);
  const pipeline = new StreamPipeline({ schema, plan: spec.preprocessing, task: plan.task, sketchCapacity: settings.sketchCapacity });
  // Validation rows as read (before the pipeline, which is fitted only at the end): small sub-tables.
  const held: Table[] = [];
  let heldRows = 0;
  const counts = new Summary(first);
  const target = new TargetTally();
  const fingerprint = new FingerprintBuilder();
  let trainRows = 0;
  const absorb = (t: Table, rowBase: number) => {
    const isVal = (r: number) => isValidationRow(rowBase + r, seed, fraction);
    const rows: number[] = [];
    const training: number[] = [];
    for (let r = 0; r < t.rows; r++) (isVal(r) ? rows : training).push(r);
    // The rows as read, before anything encodes them: what evaluate hashes.
    fingerprint.add(rowHashes(t), training);
    target.add(t, training, rows);
    pipeline.add(t, (r) => !isVal(r));
    sink?.(t, training);
    trainRows += training.length;
    if (rows.length > 0) {
      held.push(subTable(t, rows));
      heldRows += rows.length;
    }
  };
  absorb(first, 0);
  const decided: Decided = {
    spec,
    schema,
    summary: first,
    prefixRows: first.rows,
    tables: 1,
    absorb(t, rowBase) {
      decided.tables++;
      counts.add(t);
      absorb(t, rowBase);
    },
    result(reader, rows, decidedOn, asked, used, lines) {
      // Continuing a saved model: its pipeline, not one fitted again.
      const preprocessing = fixed ?? pipeline.finish();
      const notes: string[] = [];
      if (used < asked) notes.push(`validation on ${heldRows.toLocaleString('en-US')} rows chosen by a seeded hash of the row number (${Math.round(asked * 100)} % of about ${(lines - 1).toLocaleString('en-US')} rows would be more than the ${settings.validationCap.toLocaleString('en-US')} held in memory)`);
      notes.push(...counts.notes(decidedOn));
      let validation: StreamScan['validation'];
      if (heldRows > 0) {
        const d = preprocessing.featureNames!.length;
        const x = Matrix.zeros(heldRows, d, 'float32');
        let y: Matrix | undefined;
        let at = 0;
        for (const t of held) {
          const xi = pipelineInputs(preprocessing, t);
          const yi = pipelineTargets(preprocessing, t, undefined, plan);
          y ??= Matrix.zeros(heldRows, yi.cols, 'float32');
          x.data.set(xi.data, at * d);
          y.data.set(yi.data, at * yi.cols);
          at += t.rows;
        }
        validation = { x, y: y! };
      }
      const validationTable = keepTable && heldRows > 0 ? concatTables(held, heldRows) : undefined;
      return { spec, reader, source, summary: counts.table(rows), schema, plan, preprocessing, rows, decidedOn, prefixRows: first.rows, validationFraction: used, trainRows, validation, ...(validationTable ? { validationTable } : {}), notes, ...target.baseline(), trainingRows: fingerprint.finish() };
    },
  };
  return decided;
}

/** The rows of a block table as a table of their own (x, target, missing categories). */
function subTable(t: Table, rows: readonly number[]): Table {
  const d = t.x.cols;
  const x = Matrix.zeros(rows.length, d, 'float32');
  rows.forEach((r, i) => x.data.set(t.x.data.subarray(r * d, (r + 1) * d), i * d));
  const index = new Map(rows.map((r, i) => [r, i]));
  const categoricalMissing = new Map<string, Int32Array>();
  for (const [name, missing] of t.categoricalMissing) categoricalMissing.set(name, Int32Array.from([...missing].filter((r) => index.has(r)).map((r) => index.get(r)!)));
  let y = t.y;
  if (y?.kind === 'classes') {
    const codes = Int32Array.from(rows, (r) => (y as { codes: Int32Array }).codes[r]!);
    y = { ...y, codes };
  } else if (y?.kind === 'numeric') {
    const v = y.values;
    const values = Matrix.zeros(rows.length, v.cols, v.dtype);
    rows.forEach((r, i) => values.data.set(v.data.subarray(r * v.cols, (r + 1) * v.cols), i * v.cols));
    y = { ...y, values };
  }
  return { ...t, rows: rows.length, x, y, categoricalMissing, carried: new Map() };
}

/** Tables read with one schema as one table of their rows in order (x, target, missing categories); the first one's report. */
function concatTables(tables: readonly Table[], rows: number): Table {
  const first = tables[0]!;
  const d = first.x.cols;
  const x = Matrix.zeros(rows, d, 'float32');
  const missing = new Map<string, number[]>();
  let at = 0;
  for (const t of tables) {
    x.data.set(t.x.data.subarray(0, t.rows * d), at * d);
    for (const [name, r] of t.categoricalMissing) {
      const list = missing.get(name) ?? [];
      for (const i of r) list.push(at + i);
      missing.set(name, list);
    }
    at += t.rows;
  }
  let y = first.y;
  if (y?.kind === 'classes') {
    const codes = new Int32Array(rows);
    let offset = 0;
    for (const t of tables) {
      codes.set((t.y as { codes: Int32Array }).codes.subarray(0, t.rows), offset);
      offset += t.rows;
    }
    const counts = y.classes.map(() => 0);
    for (const c of codes) counts[c]!++;
    y = { ...y, codes, counts };
  } else if (y?.kind === 'numeric') {
    const k = y.values.cols;
    const values = Matrix.zeros(rows, k, y.values.dtype);
    let offset = 0;
    for (const t of tables) {
      values.data.set((t.y as { values: Matrix }).values.data.subarray(0, t.rows * k), offset * k);
      offset += t.rows;
    }
    y = { ...y, values };
  }
  const categoricalMissing = new Map([...missing].map(([name, list]) => [name, Int32Array.from(list)]));
  return { ...first, rows, x, ...(y ? { y } : {}), categoricalMissing, carried: new Map() };
}

/**
 * The target of the rows pass 1 reads, for the baseline: the training rows' count per class or
 * sum per column, and the validation rows' codes or values (as many as the validation rows held).
 */
class TargetTally {
  private classes: readonly Label[] = [];
  private readonly counts: number[] = [];
  private sums: number[] | undefined;
  private trained = 0;
  private readonly held: number[] = [];
  private heldRows = 0;

  add(t: Table, training: readonly number[], validation: readonly number[]): void {
    const y = t.y;
    if (y?.kind === 'classes') {
      if (y.classes.length > this.classes.length) this.classes = y.classes;
      for (const r of training) this.counts[y.codes[r]!] = (this.counts[y.codes[r]!] ?? 0) + 1;
      for (const r of validation) this.held.push(y.codes[r]!);
    } else if (y?.kind === 'numeric') {
      const cols = y.values.cols;
      const sums = (this.sums ??= new Array<number>(cols).fill(0));
      for (const r of training) for (let c = 0; c < cols; c++) sums[c]! += y.values.data[r * cols + c]!;
      for (const r of validation) for (let c = 0; c < cols; c++) this.held.push(y.values.data[r * cols + c]!);
      this.trained += training.length;
    }
    this.heldRows += validation.length;
  }

  /** The baseline and the validation rows' truth to score it on (none without a target; no truth without validation rows). */
  baseline(): { baseline?: Baseline; validationTruth?: Int32Array | Matrix } {
    let baseline: Baseline;
    let truth: Int32Array | Matrix;
    if (this.sums !== undefined) {
      const cols = this.sums.length;
      baseline = { kind: 'mean', means: this.sums.map((s) => s / Math.max(1, this.trained)) };
      truth = new Matrix(this.heldRows, cols, Float64Array.from(this.held));
    } else if (this.classes.length > 0) {
      baseline = countsBaseline(Array.from(this.classes, (_, k) => this.counts[k] ?? 0), this.classes);
      truth = Int32Array.from(this.held);
    } else return {};
    return { baseline, ...(this.heldRows > 0 ? { validationTruth: truth } : {}) };
  }
}

/** The whole file's counts over the prefix table and the blocks after it. */
class Summary {
  private rowsRead: number;
  private droppedNoTarget: number;
  private droppedMissing: number;
  private readonly missing = new Map<string, number>();
  private readonly unknown = new Map<string, { count: number; examples: Set<string> }>();
  private readonly classCounts: number[] | undefined;

  constructor(private readonly first: Table) {
    const r = first.report;
    this.rowsRead = r.rowsRead;
    this.droppedNoTarget = r.droppedNoTarget;
    this.droppedMissing = r.droppedMissing;
    for (const m of r.missing) this.missing.set(m.column, m.count);
    this.classCounts = first.y?.kind === 'classes' ? [...first.y.counts] : undefined;
  }

  add(t: Table): void {
    const r = t.report;
    this.rowsRead += r.rowsRead;
    this.droppedNoTarget += r.droppedNoTarget;
    this.droppedMissing += r.droppedMissing;
    for (const m of r.missing) this.missing.set(m.column, (this.missing.get(m.column) ?? 0) + m.count);
    for (const u of r.unknown) {
      const e = this.unknown.get(u.column) ?? { count: 0, examples: new Set<string>() };
      e.count += u.count;
      for (const x of u.examples) if (e.examples.size < 10) e.examples.add(x);
      this.unknown.set(u.column, e);
    }
    if (this.classCounts !== undefined && t.y?.kind === 'classes') t.y.counts.forEach((c, k) => (this.classCounts![k]! += c));
  }

  notes(decidedOn: number | undefined): string[] {
    if (decidedOn === undefined) return [];
    const out = [`columns decided on the first ${decidedOn.toLocaleString('en-US')} rows (the same rules as in memory); the rest read with those columns`];
    for (const [column, u] of this.unknown) out.push(`${JSON.stringify(column)}: ${u.count === 1 ? '1 later row holds' : `${u.count.toLocaleString('en-US')} later rows hold`} categories not among the first rows' (${[...u.examples].slice(0, 5).map((e) => JSON.stringify(e)).join(', ')}), encoded as all zeros`);
    return out;
  }

  /** The prefix table with the whole file's counts. */
  table(rows: number): Table {
    const r = this.first.report;
    const order = new Map(r.columns.map((c, i) => [c.column, i]));
    const missing = [...this.missing].map(([column, count]) => ({ column, count })).sort((a, b) => order.get(a.column)! - order.get(b.column)!);
    const report: TableReport = { ...r, rowsRead: this.rowsRead, droppedNoTarget: this.droppedNoTarget, droppedMissing: this.droppedMissing, missing };
    const y = this.first.y?.kind === 'classes' && this.classCounts ? { ...this.first.y, counts: this.classCounts } : this.first.y;
    return { ...this.first, rows, report, ...(y ? { y } : {}) };
  }
}

/**
 * One pass over the file as model-ready blocks: each block read with the schema, its training
 * rows (not chosen by the validation hash) through the fitted pipeline. `row` numbers the rows
 * kept, as pass 1 did.
 */
export async function* encodedBlocks(scan: StreamScan, args: TableArgs, seed: number, onBytes?: (bytes: number) => void): AsyncGenerator<{ x: Matrix; y: Matrix }, void, undefined> {
  const source = scan.source;
  let rowBase = 0;
  for await (const block of scan.reader.blocks()) {
    onBytes?.(block.bytes);
    const t = blockTable(scan.reader.header, block, scan.schema, args, source);
    const rows: number[] = [];
    for (let r = 0; r < t.rows; r++) if (!isValidationRow(rowBase + r, seed, scan.validationFraction)) rows.push(r);
    rowBase += t.rows;
    if (rows.length === 0) continue;
    yield { x: pipelineInputs(scan.preprocessing, t, rows), y: pipelineTargets(scan.preprocessing, t, rows, scan.plan) };
  }
}

/** The columns of a file as a fresh `train` would decide them: its first `prefixRows` records read into a table (all of a smaller file). */
export async function decideColumns(path: string, args: TableArgs, prefixRows: number, delimiter?: string): Promise<Table> {
  // JSON is read whole, its prefix with it.
  if (jsonFileOpening(path) !== undefined) return readJsonTable(path, args, delimiter);
  const reader = await openCsvChunks(path, Math.min(prefixRows, 4096), delimiter, args.header !== false, args.skipRows);
  const builder = openTable(reader.header, readArgs(path, args, prefixRows), reader.delimiter);
  let n = 0;
  const blocks = reader.blocks();
  for await (const block of blocks) {
    for (let i = 0; i < block.records.length && n < prefixRows; i++, n++) builder.add(block.records[i]!, block.lines[i]!);
    if (n >= prefixRows) break;
  }
  await blocks.return();
  return builder.finish();
}

/** How a file's columns differ from a model's: one phrase per difference, empty when they agree. */
export function columnDifferences(model: TableSchema, fresh: Table): string[] {
  const out: string[] = [];
  const now = new Map(fresh.schema.inputs.map((c) => [c.name, c]));
  const before = new Map(model.inputs.map((c) => [c.name, c]));
  const decisions = new Map(fresh.report.columns.map((c) => [c.column, c]));
  for (const c of model.inputs) {
    const n = now.get(c.name);
    if (n === undefined) {
      const d = decisions.get(c.name);
      out.push(d === undefined ? `${JSON.stringify(c.name)} is missing` : `${JSON.stringify(c.name)} is ${d.role === 'target' ? 'the target here' : `left out here (${d.reason ?? d.role})`}`);
    } else if (n.kind !== c.kind) out.push(`${JSON.stringify(c.name)} was ${c.kind}, is ${n.kind} here`);
  }
  for (const c of fresh.schema.inputs) if (!before.has(c.name)) out.push(`${JSON.stringify(c.name)} is new`);
  const t0 = model.target?.names ?? [];
  const t1 = fresh.schema.target?.names ?? [];
  if (t0.join('\u0000') !== t1.join('\u0000')) out.push(`the target was ${t0.map((t) => JSON.stringify(t)).join(', ')}, is ${t1.map((t) => JSON.stringify(t)).join(', ')} here`);
  return out;
}
