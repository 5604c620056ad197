import { parse, CsvError } from 'csv-parse';
import { InputError, emptyTableError } from '../src/index.js';
import { statSync } from 'node:fs';
import { CollapseWhitespace, MAX_RECORD_CHARS, RecordGuard, WHITESPACE, checkStreamedFile, parseOptions, sniffDelimiter } from './csv.js';
import { gzipError, textStream } from './textFile.js';

/** Records of a CSV file read a block at a time: the header, then blocks of records with their lines. */
export interface CsvBlock {
  readonly records: string[][];
  /** The line each record starts on (for messages). */
  readonly lines: number[];
  /** Bytes of the file read so far (the progress of a pass). */
  readonly bytes: number;
}

export interface CsvChunkReader {
  readonly header: string[];
  readonly delimiter: string;
  /** The file's size in bytes. */
  readonly size: number;
  blocks(): AsyncGenerator<CsvBlock, void, undefined>;
}

/**
 * Reads a CSV file in blocks of `blockRows` records with the parsing of readCsvTable (BOM, CRLF,
 * quotes, blank lines skipped, the record-size and UTF-8 guards, space-separated files). Memory
 * holds one block and the records of one 64 KB read: the file is read as blocks are taken.
 * Each call of `blocks()` reads the file again from the start (one pass; the header is skipped).
 * With `header` false the file has none: the columns are named 0, 1, … and line 1 is a record.
 * `skipRows` lines before the header (or the first record) are skipped.
 */
export async function openCsvChunks(path: string, blockRows: number, delimiter?: string, header = true, skipRows = 0): Promise<CsvChunkReader> {
  checkStreamedFile(path);
  const sep = delimiter ?? sniffDelimiter(path, skipRows);
  const size = statSync(path).size;
  let first: string[] | undefined;
  for await (const block of readBlocks(path, sep, 1, true, skipRows)) {
    first = block.records[0];
    break;
  }
  if (first === undefined) throw emptyTableError(path);
  const names = header ? first : first.map((_, i) => String(i));
  return { header: names, delimiter: sep, size, blocks: () => readBlocks(path, sep, blockRows, !header, skipRows) };
}

async function* readBlocks(path: string, sep: string, blockRows: number, withHeader: boolean, skipRows: number): AsyncGenerator<CsvBlock, void, undefined> {
  const { text: input, file } = textStream(path, 64 * 1024);
  const cap = new RecordGuard(MAX_RECORD_CHARS, path);
  const parser = parse(parseOptions(sep, skipRows));
  const collapse = sep === WHITESPACE ? new CollapseWhitespace() : undefined;
  const ready: CsvBlock[] = [];
  let current: { records: string[][]; lines: number[] } = { records: [], lines: [] };
  let first = !withHeader;
  let bytes = 0;
  let failure: unknown;
  const flush = () => {
    if (current.records.length === 0) return;
    ready.push({ ...current, bytes });
    current = { records: [], lines: [] };
  };
  // Flowing mode: each record arrives as csv-parse reads it, so parser.info.lines is its line.
  parser.on('data', (record: string[]) => {
    if (first) {
      first = false;
      return;
    }
    current.records.push(record);
    current.lines.push(parser.info.lines);
    if (current.records.length >= blockRows) flush();
  });
  const ended = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (e) => {
      failure ??= e;
      resolve();
    });
  });
  cap.on('error', (e) => parser.destroy(e));
  if (collapse) cap.pipe(collapse).pipe(parser);
  else cap.pipe(parser);
  try {
    // Pull-based: the next 64 KB is read only once the blocks its predecessor made are taken.
    for await (const chunk of input) {
      // The file's bytes read (compressed ones for a gzip file), as its size counts them.
      bytes = file.bytesRead;
      cap.write(chunk);
      if (failure !== undefined) throw readError(failure, path);
      while (ready.length > 0) yield ready.shift()!;
    }
    cap.end();
    await ended;
    if (failure !== undefined) throw readError(failure, path);
    flush();
    while (ready.length > 0) yield ready.shift()!;
  } catch (e) {
    throw readError(e, path);
  } finally {
    file.destroy();
    input.destroy();
    cap.destroy();
    collapse?.destroy();
    parser.destroy();
  }
}

/** A parse or file error as readCsvTable words it. */
function readError(e: unknown, source: string): unknown {
  if (e instanceof CsvError) {
    const line = (e as CsvError & { lines?: number }).lines;
    const message = e.code === 'CSV_MAX_RECORD_SIZE' ? `a record longer than ${MAX_RECORD_CHARS} characters` : e.message.replace(/ at line \d+$/, '');
    return new InputError(`${source}${line ? ` line ${line}` : ''}: ${message}`);
  }
  if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('E')) return new InputError(`cannot read ${source}: ${e.message}`);
  return gzipError(e, source);
}
