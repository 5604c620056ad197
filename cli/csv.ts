import { createReadStream, statSync } from 'node:fs';
import { parse, CsvError } from 'csv-parse';
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

/**
 * Reads a CSV file into a Table, streaming: csv-parse (UTF-8 BOM, CRLF, quoted fields, blank
 * lines skipped) feeds one record at a time to the library's TableBuilder, so memory holds the
 * numbers, not the text (RELIABILITY C1–C5). Errors name the file and line.
 */
export async function readCsvTable(path: string, args: TableArgs = {}): Promise<Table> {
  checkFile(path);
  const source = args.source ?? path;
  const input = createReadStream(path);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let builder: TableBuilder | undefined;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (builder === undefined) builder = new TableBuilder(item.record, { ...args, source });
      else builder.add(item.record, item.info.lines);
    }
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
