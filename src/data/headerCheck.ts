/**
 * A header row that reads like a row of data. A file without one (UCI's iris.data, adult.data,
 * pima-indians-diabetes.data) has its first record taken as the column names, as pandas and
 * csv-parse take it: one row fewer, columns named "5.1" and a target named "Iris-setosa", and
 * nothing said. The sign is that every column's name is one of its own values: a number inside
 * the column's range, one of its categories or classes, or a date in its format. A real header
 * almost never is (a wide table's year columns need values around their own years, and its first
 * column's name a value of that column too), so the table says so in one line and names
 * `header: false` (--no-header); it never decides.
 */
import type { Label } from '../core/labels.js';
import { isNumberCell, type CellRules } from './cells.js';
import { parseDate, type DateFormat } from './dates.js';
import type { NumberValues } from './columnChecks.js';

/** One column of the file as read: its name in the header and what its values are. */
export type ReadColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly values: NumberValues }
  | { readonly name: string; readonly kind: 'categorical'; readonly values: ReadonlySet<string> | ReadonlyMap<string, unknown> }
  | { readonly name: string; readonly kind: 'classes'; readonly values: readonly Label[] }
  | { readonly name: string; readonly kind: 'date'; readonly format: DateFormat };

/** Names listed in the note before "…". */
const SHOWN = 8;

/**
 * Whether a column's name is one of its values, but for a numeric column only whether it is a
 * number (its value, to be checked against the column's range), without reading the values.
 */
function nameMayBeValue(c: ReadColumn, name: string, rules: CellRules): boolean | number {
  switch (c.kind) {
    case 'categorical':
      return c.values.has(c.name) || c.values.has(name);
    case 'classes':
      return c.values.some((v) => String(v) === name);
    case 'date':
      return parseDate(name, c.format).ok;
    case 'numeric': {
      const n = rules.parseNumber(name);
      return n.ok ? n.value : false;
    }
  }
}

/** Whether x lies inside the range of the values read. */
function inRange(values: NumberValues, x: number): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  values.forEach((v) => {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  });
  return x >= lo && x <= hi;
}

/**
 * The one-line note when every column's name (at least two columns) is one of its own values,
 * else undefined. The cheap tests (is the name a number, a category) run on every column before
 * any column's range is scanned, so a real header costs nothing.
 */
export function headerLikeDataNote(columns: readonly ReadColumn[], rules: CellRules): string | undefined {
  if (columns.length < 2) return undefined;
  const names = columns.map((c) => c.name.trim());
  const maybe = columns.map((c, i) => nameMayBeValue(c, names[i]!, rules));
  if (maybe.some((m) => m === false)) return undefined;
  if (!columns.every((c, i) => c.kind !== 'numeric' || inRange(c.values, maybe[i] as number))) return undefined;
  const shown = names.slice(0, SHOWN).join(', ') + (names.length > SHOWN ? ', …' : '');
  return `line 1 reads like a row of data, not column names: each of the ${names.length} columns' names is one of its own values (${shown}); if the file has no header row, its first row was read as the names and is not in the data: read it with --no-header (header: false), or add a line of column names`;
}

/**
 * The one-line note when the header's first two names are whole numbers and the rest words, as
 * scikit-learn's bundled CSVs begin ("150,4,setosa,versicolor,virginica": the row count, the
 * column count, the class names), else undefined. Such a line has as many fields as the rows of
 * iris.csv, so it reads without an error, its numbers naming the columns. The first counts the
 * rows after it (`rows`, the records read), or more than them with the second counting the
 * columns but one (a file cut short); a header of years does neither.
 * Names that are all numbers are left to headerLikeDataNote.
 */
export function countLineNote(header: readonly string[], rows: number): string | undefined {
  const names = header.map((h) => h.trim());
  const whole = (h: string) => /^\d+$/.test(h);
  if (names.length < 3 || !whole(names[0]!) || !whole(names[1]!) || names.every((h) => isNumberCell(h))) return undefined;
  // A count line counts the rows after it (or more, the file cut short) and maybe the columns
  // but the target; small numbers that count only columns are as likely names.
  const [first, second] = [Number(names[0]), Number(names[1])];
  const columns = second === names.length - 1;
  if (first !== rows && !(columns && first > rows)) return undefined;
  const counted = [first === rows ? `${first} is the number of rows after it` : `${first} is more than the ${rows} rows after it`, ...(columns ? [`${second} the number of columns but one`] : [])];
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');
  return `line 1 begins with numbers (${shown}), as a count line does (${counted.join(', ')}); its fields were read as the column names: if the header is on line 2, read with --skip-rows 1 (skipRows: 1); if there is none, with --skip-rows 1 --no-header (header: false)`;
}

/**
 * Words for an error about line 1 when most of its names are numbers: a file without a header
 * row, or with a line before it (scikit-learn's bundled CSVs begin "506,13" or "178,13,class_0,…",
 * the row and column counts). Empty when the names are words.
 */
export function numericHeaderHint(header: readonly string[], line = 1, skipped = 0): string {
  const named = header.map((h) => h.trim()).filter((h) => h !== '');
  const numbers = named.filter((h) => isNumberCell(h)).length;
  // Most names numbers, or a count line: numbers first, then words.
  if (numbers < 2 || (numbers * 2 < named.length && !isNumberCell(named[0]!))) return '';
  const holds = `line ${line} holds ${numbers === named.length ? 'only numbers' : `${numbers} numbers among its ${named.length} names`}, ${named.slice(0, 4).join(', ')}${named.length > 4 ? ', …' : ''}`;
  if (skipped > 0) return ` (${holds}, and was read as the header after ${skipped === 1 ? 'line 1' : `lines 1 to ${skipped}`} skipped (--skip-rows ${skipped}; evaluate and predict skip as the model was trained): does this file begin with ${skipped === 1 ? 'that line' : 'those lines'}?)`;
  return ` (${holds}: the header must name the columns: a file without a header row reads with --no-header (header: false); a line before the header, such as a row count, is skipped with --skip-rows 1 (skipRows: 1))`;
}
