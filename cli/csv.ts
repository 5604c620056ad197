import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { countOf } from '../src/core/format.js';
import { ColumnNotFoundError, InputError, TableBuilder, emptyTableError, type Table, type TableArgs } from '../src/index.js';
import { UsageError } from './errors.js';
import { jsonAsCsv, jsonKind, jsonOpening, notDelimitedText } from './fileKind.js';
import { readJsonTable } from './jsonFile.js';
import { gzipError, isGzipped, readTextBytes, textHead, textStream } from './textFile.js';

/**
 * Fails with a usage error (exit 2) when `path` is not a readable file, and, for a data file,
 * with an input error naming what it is when its first bytes say it is not delimited text (a
 * workbook, a compressed file: fileKind.ts). Returns '[' or '{' for a JSON data file (jsonFile.ts
 * reads it), else undefined.
 */
export function checkFile(path: string, what = 'data file'): '[' | '{' | undefined {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(`${what} ${JSON.stringify(path)} does not exist`, 'check the path');
  }
  if (!isFile) throw new UsageError(`${what} ${JSON.stringify(path)} is not a file`);
  if (what !== 'data file') return undefined;
  // A gzip-compressed file is judged by its text (a compressed workbook is still not CSV); JSON
  // is read by readCsvTable (jsonFile.ts) and refused by the readers that stream (checkStreamedFile).
  const head = textHead(path, 512);
  const json = jsonOpening(head, path);
  if (json !== undefined) return json;
  const kind = notDelimitedText(head, path);
  if (kind !== undefined) throw new InputError(`${path} is ${kind}`);
  return undefined;
}

/** checkFile for the readers that take a block at a time: JSON, read whole, is refused with the way out. */
export function checkStreamedFile(path: string): void {
  const json = checkFile(path);
  if (json !== undefined) throw new InputError(`${path} is ${jsonKind(json)}: it is read whole, not a block at a time as --stream reads; read it without --stream, or ${jsonAsCsv(json)}`);
}

/**
 * The longest CSV record read, in characters (a line, or a quoted field across lines): a 200 MB
 * single-line file is refused at this cap with its line number, in bounded memory (RELIABILITY R3).
 */
export const MAX_RECORD_CHARS = 2 ** 24;

/**
 * Checks the bytes before csv-parse sees them: fails at the first physical line longer than `max`
 * bytes (csv-parse's max_record_size does not count empty fields, so 1e8 commas would grow its
 * record, RELIABILITY R3), and at the first byte sequence that is not UTF-8 (a Latin-1 file would
 * otherwise turn into U+FFFD in names and categories without a word, R12).
 */
export class RecordGuard extends Transform {
  private line = 1;
  private run = 0;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  constructor(private readonly max: number, private readonly source: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.utf8.decode(chunk, { stream: true });
    } catch {
      done(new InputError(`${this.source} line ${this.line + firstBadLine(chunk)}: the file is not UTF-8 text (Latin-1 or another encoding?); save it as UTF-8`));
      return;
    }
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      const end = nl < 0 ? chunk.length : nl;
      this.run += end - from;
      if (this.run > this.max) {
        done(new InputError(`${this.source} line ${this.line}: a record longer than ${this.max} characters; is this a CSV file with one record per line?`));
        return;
      }
      if (nl < 0) break;
      this.line++;
      this.run = 0;
      from = nl + 1;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      this.utf8.decode();
      done();
    } catch {
      done(new InputError(`${this.source} line ${this.line}: the file ends inside a UTF-8 character; save it as UTF-8`));
    }
  }
}

/** Lines into `chunk` before the first line that does not decode as UTF-8 (only on the error path). */
function firstBadLine(chunk: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let from = 0;
  for (let k = 0; ; k++) {
    const nl = chunk.indexOf(0x0a, from);
    try {
      decoder.decode(chunk.subarray(from, nl < 0 ? chunk.length : nl));
    } catch {
      return k;
    }
    if (nl < 0) return k;
    from = nl + 1;
  }
}

/** Line breaks in a file, plus one (an upper bound on its records), read in 1 MB blocks; undefined for a gzip-compressed file (not decompressed twice). */
export function countLines(path: string): number | undefined {
  if (isGzipped(path)) return undefined;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let lines = 1;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return lines;
      for (let at = buf.indexOf(0x0a); at >= 0 && at < n; at = buf.indexOf(0x0a, at + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
/** The delimiter that means "runs of spaces and tabs" (pandas' sep=r'\s+'): statsmodels' and R's printed tables. */
export const WHITESPACE = ' ';
/** Lines after the header that must split into as many fields for a file to be read as space-separated. */
const SNIFF_LINES = 5;

/** A delimiter as messages name it. */
export function delimiterName(d: string): string {
  return d === WHITESPACE ? 'spaces' : d === '\t' ? 'tab' : JSON.stringify(d);
}

/**
 * The field separator of a file, from its first lines: the one of , ; tab | that occurs most
 * outside quotes on the header line, as Python's csv.Sniffer guesses; when none does, spaces if
 * the header and the next lines split on runs of spaces into the same number (≥ 2) of fields;
 * else a comma. `skipRows` lines before the header are not looked at.
 */
export function sniffDelimiter(path: string, skipRows = 0): string {
  const text = afterLines(textHead(path, 64 * 1024).toString('utf8'), skipRows);
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  if (counts.get(best)! === 0 && spaceSeparated(text)) return WHITESPACE;
  return best;
}

/** `text` from the start of its line `skip` + 1 ('' when it has fewer lines). */
function afterLines(text: string, skip: number): string {
  let at = 0;
  for (let k = 0; k < skip; k++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return '';
    at = nl + 1;
  }
  return text.slice(at);
}

/**
 * csv-parse's options for a file read with `sep`, skipping `skipRows` lines first (its from_line
 * counts physical lines, so the lines in messages stay the file's).
 */
export function parseOptions(sep: string, skipRows = 0, maxRecordChars = MAX_RECORD_CHARS): { bom: true; relax_column_count: true; skip_empty_lines: true; max_record_size: number; delimiter: string; from_line: number } {
  return { bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: maxRecordChars, delimiter: sep, from_line: skipRows + 1 };
}

/** The header and the next few (complete) lines split on runs of spaces into the same number of fields, at least 2. */
function spaceSeparated(text: string): boolean {
  const lines = text.split(/\r?\n/);
  // The last line of a full 64 KB read may be cut short: only whole lines count.
  const whole = (text.length >= 60_000 ? lines.slice(0, -1) : lines).slice(0, SNIFF_LINES + 1).filter((l) => l.trim() !== '');
  const fields = whole.map((l) => splitOutsideQuotes(l.trim()));
  return fields.length >= 2 && fields[0]! >= 2 && fields.every((n) => n === fields[0]);
}

function splitOutsideQuotes(line: string): number {
  let n = 1;
  let quoted = false;
  let gap = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === ' ' || ch === '\t')) gap = true;
    else {
      if (gap) n++;
      gap = false;
    }
  }
  return n;
}

/**
 * Turns runs of spaces and tabs outside quotes into one space and drops them at the start and end
 * of lines, so csv-parse can read a space-separated file with the delimiter ' '. Works on bytes:
 * in UTF-8 no byte of a multi-byte character is a space, a tab, a quote or a line break.
 */
export class CollapseWhitespace extends Transform {
  private quoted = false;
  private lineStart = true;
  private gap = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    done(null, this.collapse(chunk));
  }

  collapse(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let k = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.quoted) {
        out[k++] = b;
        if (b === 0x22) this.quoted = false;
      } else if (b === 0x20 || b === 0x09) {
        if (!this.lineStart) this.gap = true;
      } else if (b === 0x0a || b === 0x0d) {
        this.gap = false;
        this.lineStart = true;
        out[k++] = b;
      } else {
        if (this.gap) out[k++] = 0x20;
        this.gap = false;
        this.lineStart = false;
        out[k++] = b;
        if (b === 0x22) this.quoted = true;
      }
    }
    return out.subarray(0, k);
  }
}

/**
 * The TableBuilder for a file's header; when the target is not found, the error says how the
 * header was split (a wrong delimiter is the usual cause) and names --delimiter. Without a header
 * the columns are numbered from the first line, which is what it says then (a count or title on
 * that line, as scikit-learn's CSVs have, gives too few columns: --skip-rows).
 */
export function openTable(header: string[], args: TableArgs, sep: string): TableBuilder {
  try {
    return new TableBuilder(header, args);
  } catch (e) {
    if (e instanceof ColumnNotFoundError && e.role === 'target column') {
      const split = args.header === false
        ? `there is no header, so the columns are numbered 0 to ${header.length - 1} from the first line, which was split on ${delimiterName(sep)} into ${countOf(header.length, 'column')}; --skip-rows skips lines before the data, --delimiter sets the separator`
        : `the header was split on ${delimiterName(sep)} into ${countOf(header.length, 'column')}; --delimiter sets the separator, e.g. --delimiter ';'`;
      throw new ColumnNotFoundError(`${e.message} (${split})`, e.column, e.role);
    }
    throw e;
  }
}

/**
 * Reads a CSV file into a Table, streaming: csv-parse (UTF-8 BOM, CRLF, quoted fields, blank
 * lines skipped) feeds one record at a time to the library's TableBuilder, so memory holds the
 * numbers, not the text (RELIABILITY C1–C5). Errors name the file and line.
 */
export async function readCsvTable(path: string, args: TableArgs = {}, maxRecordChars = MAX_RECORD_CHARS, delimiter?: string): Promise<Table> {
  // As the CSV below: float32, the model's precision.
  if (checkFile(path) !== undefined) return readJsonTable(path, { dtype: 'float32', ...args }, delimiter);
  const sep = delimiter ?? sniffDelimiter(path, args.skipRows);
  const source = args.source ?? path;
  // The model trains in float32; reading as float32 halves the memory of a large file. The line
  // count bounds the rows, so numeric values are read straight into x's buffer (C5).
  const lines = countLines(path);
  const tableArgs: TableArgs = { dtype: 'float32', ...(lines !== undefined ? { expectedRows: lines } : {}), ...args, source };
  // csv-parse's records of one chunk are alive together: reading the 1e6-row file peaked at 160 MB
  // with 1 MB chunks, 127 MB with 256 KB, about 90 MB with 64 KB and 16 KB (C5).
  const { text: input, file } = textStream(path, 16 * 1024);
  const cap = new RecordGuard(maxRecordChars, source);
  const parser = parse(parseOptions(sep, args.skipRows, maxRecordChars));
  const collapse = sep === WHITESPACE ? new CollapseWhitespace() : undefined;
  let builder: TableBuilder | undefined;
  // Flowing mode: each record is handled synchronously as csv-parse emits it, so parser.info.lines
  // is that record's line (csv-parse's per-record `info` option costs twice the time and memory).
  const done = new Promise<void>((resolve, reject) => {
    parser.on('data', (record: string[]) => {
      try {
        if (builder === undefined) builder = openTable(record, tableArgs, sep);
        else builder.add(record, parser.info.lines);
      } catch (e) {
        parser.destroy(e as Error);
      }
    });
    parser.on('end', resolve);
    parser.on('error', reject);
    input.on('error', (e) => parser.destroy(e));
    cap.on('error', (e) => parser.destroy(e));
  });
  if (collapse) input.pipe(cap).pipe(collapse).pipe(parser);
  else input.pipe(cap).pipe(parser);
  try {
    await done;
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      const message = e.code === 'CSV_MAX_RECORD_SIZE' ? `a record longer than ${maxRecordChars} characters` : e.message.replace(/ at line \d+$/, '');
      throw new InputError(`${source}${line ? ` line ${line}` : ''}: ${message}`);
    }
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('E')) {
      throw new InputError(`cannot read ${source}: ${e.message}`);
    }
    throw gzipError(e, source);
  } finally {
    file.destroy();
    input.destroy();
    cap.destroy();
    collapse?.destroy();
  }
  if (builder === undefined) throw emptyTableError(source);
  return builder.finish();
}

/**
 * Reads a small CSV file at once (for commands that need data synchronously, such as gradcheck),
 * with the same parsing options and errors as readCsvTable.
 */
export function readCsvTableSync(path: string, args: TableArgs = {}, delimiter?: string): Table {
  if (checkFile(path) !== undefined) return readJsonTable(path, args, delimiter);
  const sep = delimiter ?? sniffDelimiter(path, args.skipRows);
  const source = args.source ?? path;
  let records: { record: string[]; info: { lines: number } }[];
  const bytes = readTextBytes(path);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${source} line ${1 + firstBadLine(bytes)}: the file is not UTF-8 text (Latin-1 or another encoding?); save it as UTF-8`);
  }
  try {
    records = parseSync(sep === WHITESPACE ? new CollapseWhitespace().collapse(bytes) : bytes, { ...parseOptions(sep, args.skipRows), info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    if (e instanceof CsvError) throw new InputError(`${source}: ${e.message}`);
    throw e;
  }
  if (records.length === 0) throw emptyTableError(source);
  const builder = openTable(records[0]!.record, { ...args, source }, sep);
  for (let i = 1; i < records.length; i++) builder.add(records[i]!.record, records[i]!.info.lines);
  return builder.finish();
}
