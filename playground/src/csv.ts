/**
 * Reads a CSV for the playground: two numeric feature columns and one label column (2-D
 * classification), or two numeric columns x, y (a 1-D regression), with or without a header. Every problem is returned as one message naming the
 * line and column, so the page can show it and keep the current data. Pure: no DOM.
 */

import { parseNumberCell, quote } from '../../src/index.js';

/** Most classes the page has colours for. */
export const MAX_CSV_CLASSES = 8;
/** Most rows the page trains on: beyond it an epoch takes seconds and the drawing stutters. */
export const MAX_CSV_ROWS = 200_000;
/** How much of a column name a message quotes (RELIABILITY R1). */
const NAME_CHARS = 60;

export interface CsvPoints {
  /** 'classification': x is 2-D and y a class index; 'regression': x is 1-D and y a number. */
  task: 'classification' | 'regression';
  /** Column names (from the header, or x1, x2, label / x, y). */
  columns: string[];
  x: number[][];
  /** Class index per row into `classNames`, or the target of a regression. */
  y: number[];
  /** The label values as written, in class-index order (numbers ascending, then text); [] for a regression. */
  classNames: string[];
}

export type CsvResult = { ok: true; data: CsvPoints } | { ok: false; error: string };

/**
 * Splits one CSV line into fields; double quotes may wrap a field and "" is a quote inside one.
 * Fields are cut with indexOf and slice, never built a character at a time (a 4 MB field took
 * seconds that way).
 */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let start = i;
    while (line[start] === ' ' || line[start] === '\t') start++;
    let field = '';
    let k = i;
    if (line[start] === '"') {
      k = start + 1;
      for (;;) {
        const q = line.indexOf('"', k);
        if (q < 0) {
          field += line.slice(k);
          k = line.length;
          break;
        }
        field += line.slice(k, q);
        k = q + 1;
        if (line[k] !== '"') break;
        field += '"';
        k++;
      }
    }
    const comma = line.indexOf(',', k);
    out.push((field + line.slice(k, comma < 0 ? line.length : comma)).trim());
    if (comma < 0) return out;
    i = comma + 1;
  }
}

/** A finite number as the library and the CLI read one (no hex, no decimal comma, no Infinity). */
function isNumber(s: string): boolean {
  return parseNumberCell(s).ok;
}

/** `line 7, column "x": "0x10" is not a number`: the library's reason, the value quoted to at most ~200 characters. */
function notNumber(line: number, column: string, cell: string, note = ''): string {
  const r = parseNumberCell(cell);
  const reason = r.ok ? 'is not a finite number' : r.reason;
  return `line ${line}, column ${quote(column, NAME_CHARS)}: ${reason}${note}`;
}

/** Parses the text of an uploaded file; see CsvResult. */
export function parsePointsCsv(text: string): CsvResult {
  const fail = (error: string): CsvResult => ({ ok: false, error });
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const rows: { line: number; fields: string[] }[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') rows.push({ line: i + 1, fields: splitLine(l) });
  });
  if (rows.length === 0) return fail('the file is empty: expected rows of x1, x2, label (or x, y)');
  if (rows.length > MAX_CSV_ROWS + 1) return fail(`the file has ${rows.length.toLocaleString('en-US')} rows; the playground trains on up to ${MAX_CSV_ROWS.toLocaleString('en-US')} (take a sample, or train on the whole file with the CLI: backprop train)`);
  const first = rows[0]!;
  const hasHeader = !(isNumber(first.fields[0] ?? '') && isNumber(first.fields[1] ?? ''));
  if (first.fields.length === 2) return parseRegression(rows, hasHeader);
  if (first.fields.length !== 3) {
    return fail(`expected 3 columns (2 numeric features and a label) or 2 (x, y), but line ${first.line} has ${first.fields.length}${first.fields.length > 3 ? ': the playground draws 2-D data only' : ''}`);
  }
  const columns = hasHeader ? [first.fields[0]!, first.fields[1]!, first.fields[2]!] : ['x1', 'x2', 'label'];
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) return fail('no data rows: the file has a header only');

  const x: number[][] = [];
  const labels: string[] = [];
  for (const { line, fields } of body) {
    if (fields.length !== 3) return fail(`line ${line}: expected 3 fields (x1, x2, label), got ${fields.length}`);
    for (let c = 0; c < 2; c++) {
      const v = fields[c]!;
      if (!isNumber(v)) return fail(notNumber(line, columns[c]!, v));
    }
    if (fields[2] === '') return fail(`line ${line}, column ${quote(columns[2]!, NAME_CHARS)}: the label is empty`);
    x.push([Number(fields[0]), Number(fields[1])]);
    labels.push(fields[2]!);
  }
  const classNames = [...new Set(labels)].sort((a, b) => {
    const na = isNumber(a);
    const nb = isNumber(b);
    if (na && nb) return Number(a) - Number(b);
    if (na !== nb) return na ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  if (classNames.length < 2) return fail(`column ${quote(columns[2]!, NAME_CHARS)} has a single class (${quote(classNames[0]!, NAME_CHARS)}); need at least 2`);
  if (classNames.length > MAX_CSV_CLASSES) {
    return fail(`column ${quote(columns[2]!, NAME_CHARS)} has ${classNames.length} distinct labels; the playground classifies 2 to ${MAX_CSV_CLASSES} classes`);
  }
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { ok: true, data: { task: 'classification', columns, x, y: labels.map((l) => index.get(l)!), classNames } };
}

/** Two numeric columns: y as a function of x. */
function parseRegression(rows: readonly { line: number; fields: string[] }[], hasHeader: boolean): CsvResult {
  const first = rows[0]!;
  const columns = hasHeader ? [first.fields[0]!, first.fields[1]!] : ['x', 'y'];
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) return { ok: false, error: 'no data rows: the file has a header only' };
  const x: number[][] = [];
  const y: number[] = [];
  for (const { line, fields } of body) {
    if (fields.length !== 2) return { ok: false, error: `line ${line}: expected 2 fields (${columns.map((c) => quote(c, NAME_CHARS)).join(', ')}), got ${fields.length}` };
    for (let c = 0; c < 2; c++) {
      if (!isNumber(fields[c]!)) return { ok: false, error: notNumber(line, columns[c]!, fields[c]!, ' (two columns are read as a 1-D regression of y on x)') };
    }
    x.push([Number(fields[0])]);
    y.push(Number(fields[1]));
  }
  if (x.length < 4) return { ok: false, error: `a regression needs at least 4 rows, the file has ${x.length}` };
  return { ok: true, data: { task: 'regression', columns, x, y, classNames: [] } };
}
