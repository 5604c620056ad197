import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { parse, CsvError } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError, TableBuilder, emptyTableError, type Table, type TableArgs } from '../src/index.js';
import { UsageError } from './errors.js';

/** Fails with a usage error (exit 2) when `path` is not a readable file. */
export function checkFile(path: string, what = 'data file'): void {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(`${what} ${JSON.stringify(path)} does not exist`, 'check the path');
  }
  if (!isFile) throw new UsageError(`${what} ${JSON.stringify(path)} is not a file`);
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * The field separator of a file, from its header line: the one of , ; tab | that occurs most
 * outside quotes (a comma when none does), as Python's csv.Sniffer guesses.
 */
export function sniffDelimiter(path: string): string {
  const fd = openSync(path, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    text = buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/**
 * Reads a CSV file into a Table, streaming: csv-parse (UTF-8 BOM, CRLF, quoted fields, blank
 * lines skipped) feeds one record at a time to the library's TableBuilder, so memory holds the
 * numbers, not the text (RELIABILITY C1–C5). Errors name the file and line.
 */
export async function readCsvTable(path: string, args: TableArgs = {}, delimiter?: string): Promise<Table> {
  checkFile(path);
  const sep = delimiter ?? sniffDelimiter(path);
  const source = args.source ?? path;
  // The model trains in float32; reading as float32 halves the memory of a large file.
  const tableArgs: TableArgs = { dtype: 'float32', ...args, source };
  const input = createReadStream(path);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, delimiter: sep });
  let builder: TableBuilder | undefined;
  // Flowing mode: each record is handled synchronously as csv-parse emits it, so parser.info.lines
  // is that record's line (csv-parse's per-record `info` option costs twice the time and memory).
  const done = new Promise<void>((resolve, reject) => {
    parser.on('data', (record: string[]) => {
      try {
        if (builder === undefined) builder = new TableBuilder(record, tableArgs);
        else builder.add(record, parser.info.lines);
      } catch (e) {
        parser.destroy(e as Error);
      }
    });
    parser.on('end', resolve);
    parser.on('error', reject);
    input.on('error', (e) => parser.destroy(e));
  });
  input.pipe(parser);
  try {
    await done;
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new InputError(`${source}${line ? ` line ${line}` : ''}: ${e.message.replace(/ at line \d+$/, '')}`);
    }
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('E')) {
      throw new InputError(`cannot read ${source}: ${e.message}`);
    }
    throw e;
  } finally {
    input.destroy();
  }
  if (builder === undefined) throw emptyTableError(source);
  return builder.finish();
}

/**
 * Reads a small CSV file at once (for commands that need data synchronously, such as gradcheck),
 * with the same parsing options and errors as readCsvTable.
 */
export function readCsvTableSync(path: string, args: TableArgs = {}, delimiter?: string): Table {
  checkFile(path);
  const sep = delimiter ?? sniffDelimiter(path);
  const source = args.source ?? path;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseSync(readFileSync(path), { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, delimiter: sep }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    if (e instanceof CsvError) throw new InputError(`${source}: ${e.message}`);
    throw e;
  }
  if (records.length === 0) throw emptyTableError(source);
  const builder = new TableBuilder(records[0]!.record, { ...args, source });
  for (let i = 1; i < records.length; i++) builder.add(records[i]!.record, records[i]!.info.lines);
  return builder.finish();
}
