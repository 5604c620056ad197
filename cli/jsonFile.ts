import { extname } from 'node:path';
import { InputError, tableFromObjects, type Table, type TableArgs } from '../src/index.js';
import { UsageError } from './errors.js';
import { jsonOpening } from './fileKind.js';
import { readTextBytes, textHead } from './textFile.js';

/*
 * A data file in JSON, read as pandas' read_json reads a table: an array of records
 * (`[{"age": 31, "city": "Oslo"}, …]`, pandas' orient='records', JSON.stringify of rows), JSON
 * Lines (one record per line: lines=True, BigQuery and Spark exports), or one object as pandas
 * writes a DataFrame with orient 'columns' (its default), 'index' or 'split'. The rows become a
 * Table through tableFromObjects, so columns are inferred, noted and checked as a CSV's are.
 * JSON is read whole (a file of up to MAX_JSON_BYTES of text); CSV streams.
 */

/** The most JSON text read: JSON.parse holds the text and every row's object at once. */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

/** '[' or '{' when the data file at `path` is JSON, else undefined (the CSV readers take it). */
export function jsonFileOpening(path: string): '[' | '{' | undefined {
  return jsonOpening(textHead(path, 512), path);
}

/** The line (1-based) of character `at` of `text`. */
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A JSON.parse failure on `text` as an InputError naming the file and, where V8 gives a position, the line. */
function syntaxError(e: unknown, text: string, source: string, firstLine = 1): InputError {
  const message = e instanceof Error ? e.message : String(e);
  const at = /position (\d+)/.exec(message);
  const where = at !== null ? ` line ${firstLine - 1 + lineAt(text, Number(at[1]))}` : '';
  return new InputError(`${source}${where}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '').slice(0, 120)})`);
}

/**
 * The line where each element of a top-level JSON array begins, found by one pass over the text
 * (strings and nesting followed, as JSON.parse reads them), so messages name the record's line.
 */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++; // a backslash escapes the next character (never a line break in JSON)
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (depth === 1 && expectValue && c !== 93) {
      lines.push(line);
      expectValue = false;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === 125 || c === 93) depth--;
    else if (c === 44 && depth === 1) expectValue = true;
  }
  return lines;
}

/** The rows of pandas' one-object orients, or an InputError saying what the object is. */
function rowsOfObject(o: Record<string, unknown>, source: string): { rows: unknown[]; orient: string } {
  const keys = Object.keys(o);
  if (Array.isArray(o.columns) && Array.isArray(o.data)) {
    const names = o.columns.map(String);
    const rows = (o.data as unknown[]).map((r, i) => {
      if (!Array.isArray(r) || r.length !== names.length) throw new InputError(`${source}: row ${i + 1} of "data" is ${Array.isArray(r) ? `${r.length} values` : 'not an array'}; orient 'split' has ${names.length} (as "columns")`);
      return Object.fromEntries(names.map((n, j) => [n, r[j]]));
    });
    return { rows, orient: 'split' };
  }
  const nested = keys.length > 0 && keys.every((k) => typeof o[k] === 'object' && o[k] !== null && !Array.isArray(o[k]));
  if (!nested) {
    // Which of its arrays holds objects (GeoJSON's "features" beside its "bbox" of numbers).
    const arrays = keys.filter((k) => Array.isArray(o[k]) && (o[k] as unknown[]).some((x) => typeof x === 'object' && x !== null && !Array.isArray(x)));
    const geo = o.type === 'FeatureCollection' && arrays.includes('features')
      ? '; it is GeoJSON: its rows are the features\' "properties" (geopandas: gpd.read_file(path).drop(columns="geometry").to_csv(out, index=False))'
      : '';
    const hint = geo !== '' ? geo : arrays.length === 1 ? `; its rows may be the array under ${JSON.stringify(arrays[0])}: write that array alone, or JSON Lines` : '';
    throw new InputError(`${source} is one JSON object that is not a table (pandas writes tables as an array of records, JSON Lines, or an object of columns: orient 'records', lines=True, 'columns', 'index' or 'split')${hint}`);
  }
  const inner = keys.map((k) => Object.keys(o[k] as object));
  const integers = (ks: readonly string[]) => ks.every((k) => /^\d+$/.test(k));
  // Orient 'index' is keyed by row labels (0, 1, …) whose objects are named by column; orient
  // 'columns' (pandas' default) the other way round. Keys that are all row numbers tell which.
  if (integers(keys) && !inner.every(integers)) return { rows: keys.map((k) => o[k]), orient: 'index' };
  const labels = new Map<string, true>();
  for (const ks of inner) for (const k of ks) labels.set(k, true);
  const rows = [...labels.keys()].map((label) => Object.fromEntries(keys.map((k) => [k, (o[k] as Record<string, unknown>)[label]])));
  return { rows, orient: 'columns' };
}

/** JSON Lines: each non-blank line one record; the rows parsed, with their lines. */
function parseLines(text: string, source: string): { rows: unknown[]; lines: number[] } {
  const rows: unknown[] = [];
  const lines: number[] = [];
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    line++;
    const body = text.slice(start, stop).trim();
    start = stop + 1;
    if (body === '') continue;
    try {
      rows.push(JSON.parse(body));
    } catch (e) {
      throw syntaxError(e, body, source, line);
    }
    lines.push(line);
  }
  return { rows, lines };
}

/** Options of delimited text that have no meaning for JSON, refused by name. */
function refuseTextOptions(args: TableArgs, delimiter: string | undefined, source: string): void {
  const given = [
    ...(delimiter !== undefined ? ['--delimiter'] : []),
    ...((args.skipRows ?? 0) > 0 ? ['--skip-rows'] : []),
    ...(args.header === false ? ['--no-header'] : []),
  ];
  if (given.length > 0) throw new UsageError(`${given.join(', ')} ${given.length === 1 ? 'reads' : 'read'} delimited text, and ${source} is JSON: its keys name the columns`);
}

/** Reads a JSON data file (array of records, JSON Lines, or pandas' one-object orients) into a Table. */
export function readJsonTable(path: string, args: TableArgs = {}, delimiter?: string): Table {
  const source = args.source ?? path;
  refuseTextOptions(args, delimiter, source);
  const bytes = readTextBytes(path);
  if (bytes.length > MAX_JSON_BYTES) {
    throw new InputError(`${source} holds ${(bytes.length / 1e6).toFixed(0)} MB of JSON, over the ${MAX_JSON_BYTES / 2 ** 20} MiB read whole: write it as CSV, which is read a block at a time (pandas: pd.read_json(path, lines=True, chunksize=100_000), each chunk .to_csv(out, mode="a"))`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${source}: the file is not UTF-8 text; JSON is UTF-8`);
  }
  return jsonTableFromText(text, path, { ...args, source });
}

/**
 * The table of a JSON data file's text (a search's queue job carries it so): `name` is the file's
 * name, whose extension says JSON Lines (.jsonl, .ndjson).
 */
export function jsonTableFromText(whole: string, name: string, args: TableArgs = {}): Table {
  const source = args.source ?? name;
  const text = whole.replace(/^\uFEFF/, '');
  const opening = text.trimStart()[0];
  const lineMode = ['.jsonl', '.ndjson'].includes(extname(name.replace(/\.gz$/i, '')).toLowerCase());
  if (opening === '[' && !lineMode) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw syntaxError(e, text, source);
    }
    const rows = parsed as unknown[];
    if (rows.length > 0 && rows.every((r) => Array.isArray(r))) {
      throw new InputError(`${source} is an array of arrays (pandas' orient 'values'), which names no column: write an array of records (orient 'records') or CSV`);
    }
    const lines = arrayElementLines(text);
    return tableFromObjects({ rows, ...(lines.length === rows.length ? { line: (i: number) => lines[i]! } : {}) }, { ...args, source });
  }
  if (!lineMode) {
    // One object (pandas' orients), or JSON Lines whose file is named .json.
    let parsed: unknown;
    let whole = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      whole = false;
    }
    if (whole) {
      const { rows, orient } = rowsOfObject(parsed as Record<string, unknown>, source);
      return tableFromObjects(rows, { ...args, source: `${source} (pandas orient '${orient}': line n is its row n)` });
    }
  }
  const { rows, lines } = parseLines(text, source);
  return tableFromObjects({ rows, line: (i) => lines[i]! }, { ...args, source });
}
