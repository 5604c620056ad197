/**
 * What a numeric column's values say about it beyond being numbers: an ID or a row number (left
 * out), a few integer codes or a group ID (kept, with a one-line note suggesting --categorical or
 * --ignore). The name decides only together with the values: x = 0, 1, 2, ... is a fine feature
 * of a toy set, so a column is left out on its values alone never.
 */

/** Names of keys and row numbers: id, ID, user_id, index, row, No, #, seqno, serial, Unnamed: 0 (pandas' saved index). */
const ID_WORD = /(^|[^a-z])(id|idx|index|row|key|no|num|number|seq|seqno|seqnum|serial)s?([^a-z]|$)|^#|^unnamed/i;
/** camelCase keys (patientId, userID), matched with case: "paid", "humid" and "valid" are not IDs. */
const CAMEL_ID = /[a-z](Id|ID)s?$/;
/** Names that say "identifier" and nothing else (id, ID, Id, user_id, patientId): never a quantity's name, unlike num or no. */
const KEY_NAME = /(^|[^a-z])(id|ids|idx)([^a-z]|$)/i;
/** "Number of ..." names (num_pending, no_of_rooms, number_of_reviews): counts, though num and no alone are IDs. */
const COUNT_OF = /^(num|no|nr|number)([_.\s-]of)?[_.\s-][a-z]/i;
const isIdName = (name: string): boolean => KEY_NAME.test(name) || CAMEL_ID.test(name) || (ID_WORD.test(name) && !COUNT_OF.test(name));
const isKeyName = (name: string): boolean => KEY_NAME.test(name) || CAMEL_ID.test(name);
/** Names of observation numbers (statsmodels' OBS, R's rownames); quotes around the name kept by the reader (spector.csv's 'OBS') do not hide it. */
const ROW_NAME = /^['`]?(obs|observation|observations|rownames|row\.names|case|record)['`]?$/i;
/** Names of group identifiers: many rows per value. */
const GROUP_NAME = /individual|subject|group|person|household|family|patient|cluster|user|customer|participant|respondent|firm|company|school/i;
/** Names of times, whose values increase row by row in a series without being IDs. */
const TIME_NAME = /year|date|time|day|week|month|quarter|period|age/i;
/** Names of how many cases a row stands for: R's as.data.frame of a table writes Freq. */
const COUNT_NAME = /^['`]?(freq|frequency|count|counts|n|weight|weights|wt|wgt)['`]?$/i;
/** Integer columns with this few distinct values (at least 3) may be codes. */
export const MAX_CODE_VALUES = 12;
/** Fewer present values than this say nothing about IDs. */
const MIN_ROWS = 10;
/** A sorted integer column is a group ID when it has at least this many values (fewer are codes: `few`)… */
const MIN_GROUPS = MAX_CODE_VALUES + 1;
/** …and its groups have this many rows on average. */
const MIN_GROUP_ROWS = 3;

/** The values of one numeric column, NaN where missing. */
export interface NumberValues {
  readonly length: number;
  forEach(fn: (value: number, row: number) => void): void;
}

interface Profile {
  /** Every present value is an integer. */
  readonly integers: boolean;
  readonly lo: number;
  readonly hi: number;
  /** No value missing and each equal to the first plus its row (0 or 1 first): the row's number. */
  readonly rowNumber: boolean;
  /** No value missing and each larger than the one before: one value per row, in row order. */
  readonly increasing: boolean;
  /** The distinct values, ascending, when there are at most MAX_CODE_VALUES. */
  readonly few: readonly number[] | undefined;
  /** No value missing and none smaller than the one before: the file is sorted by this column. */
  readonly sorted: boolean;
  /** Runs of equal values in row order (when sorted, the distinct values). */
  readonly runs: number;
}

function profile(values: NumberValues): Profile {
  let integers = true;
  let lo = Infinity;
  let hi = -Infinity;
  let first = NaN;
  let rowNumber = true;
  let increasing = true;
  let sorted = true;
  let runs = 0;
  let previous = -Infinity;
  let few: Set<number> | undefined = new Set();
  values.forEach((v, row) => {
    if (row === 0) first = v;
    if (v !== first + row) rowNumber = false;
    if (!(v > previous)) increasing = false;
    if (!(v >= previous)) sorted = false;
    if (v !== previous) runs++;
    previous = v;
    if (Number.isNaN(v)) return;
    if (!Number.isInteger(v)) integers = false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (few !== undefined) {
      few.add(v);
      if (few.size > MAX_CODE_VALUES) few = undefined;
    }
  });
  return { integers, lo, hi, rowNumber: rowNumber && (first === 0 || first === 1), increasing, few: few === undefined ? undefined : [...few].sort((a, b) => a - b), sorted, runs };
}

/** The number of distinct present values (sorted copy: only for the few columns whose name asks). */
function distinctCount(values: NumberValues, present: number): number {
  const sorted = new Float64Array(present);
  let k = 0;
  values.forEach((v) => {
    if (!Number.isNaN(v) && k < present) sorted[k++] = v;
  });
  const used = sorted.subarray(0, k).sort();
  let d = k > 0 ? 1 : 0;
  for (let i = 1; i < k; i++) if (used[i] !== used[i - 1]) d++;
  return d;
}

/**
 * Why an inferred numeric column is better left out, or undefined: integers named like an ID
 * that are distinct per row (with or without gaps), integers named only as an ID (id, Id,
 * patient_id) that are distinct in most rows (mlbench's BreastCancer Id: 645 sample numbers in
 * 699 rows, a patient sampled twice repeating one), or observation numbers in row order.
 */
export function numericLeaveOutReason(name: string, values: NumberValues, present: number, strays: number): string | undefined {
  if (present < MIN_ROWS || strays > 0) return undefined;
  const idName = isIdName(name);
  if (!idName && !ROW_NAME.test(name)) return undefined;
  const p = profile(values);
  if (!p.integers) return undefined;
  if (idName) {
    const distinct = p.rowNumber ? present : distinctCount(values, present);
    if (distinct === present) return p.hi - p.lo + 1 === present ? `ID-like: the integers ${p.lo}…${p.hi} each once` : `ID-like: ${present} distinct integers (${p.lo}…${p.hi}), one per row`;
    // As a text column of this many distinct values is left out as ID-like; fewer are a group ID (a note).
    if (isKeyName(name) && distinct > present / 2) return `ID-like: ${distinct} distinct integers (${p.lo}…${p.hi}) in ${present} rows, named like an ID`;
  }
  return p.rowNumber ? `row number: the integers ${p.lo}…${p.hi} in row order` : undefined;
}

/**
 * A one-line note on a kept, inferred numeric column whose integers may not be quantities: row
 * numbers under another name, a few codes (1–4 of a mode of transport), a group ID. Undefined
 * when the values look like plain numbers.
 */
export function numericColumnNote(name: string, values: NumberValues, present: number): string | undefined {
  if (present < MIN_ROWS) return undefined;
  const p = profile(values);
  if (!p.integers) return undefined;
  if (p.rowNumber) return `${name}: the integers ${p.lo}…${p.hi} in row order, like row numbers; --ignore ${name} if they are`;
  if (p.lo >= 10_000_101 && p.hi <= 99_991_231 && allDates(values)) {
    return `${name}: integers ${p.lo}…${p.hi} look like dates written yyyymmdd, used as plain numbers (Dec 31 to Jan 1 is a step of 8870); write them yyyy-mm-dd to read them as dates`;
  }
  // Quantities are rarely sorted in the file with no value twice; sequence numbers with gaps are (nwtco's seqno).
  if (p.increasing && p.few === undefined && !TIME_NAME.test(name)) return `${name}: ${present} distinct integers (${p.lo}…${p.hi}) increasing row by row, like a sequence number or ID; --ignore ${name} if it is`;
  if (p.few !== undefined) {
    if (p.few.length < 3) return undefined;
    return `${name}: ${p.few.length} integer values (${p.few.join(', ')}) used as numbers; --categorical ${name} if they are codes`;
  }
  const idName = isIdName(name);
  if (!GROUP_NAME.test(name) && !idName) {
    // Not named like one, but the file is sorted by it, each value one run of rows (R's
    // ChickWeight: Chick 1…50, 12 rows each): rows grouped by an ID.
    if (!p.sorted || p.runs < MIN_GROUPS || p.runs * MIN_GROUP_ROWS > present || TIME_NAME.test(name)) return undefined;
    return `${name}: ${p.runs} integer values (${p.lo}…${p.hi}) in runs of about ${Math.round(present / p.runs)} rows, the file sorted by them, used as numbers; a group ID? --ignore ${name} leaves it out, --categorical ${name} encodes it`;
  }
  const d = distinctCount(values, present);
  if (d > present / 2) {
    // Named like a number or key but also like a quantity (num, no, number): kept, and said.
    return idName && !isKeyName(name) ? `${name}: ${d} distinct integers (${p.lo}…${p.hi}) in ${present} rows, named like an ID, used as numbers; --ignore ${name} if it is one` : undefined;
  }
  return `${name}: ${d} integer values, about ${Math.round(present / d)} rows each, used as numbers; a group ID? --ignore ${name} leaves it out, --categorical ${name} encodes it`;
}

/** Every present value is a valid calendar date written yyyymmdd (lubridate::lakers' 20081028). */
function allDates(values: NumberValues): boolean {
  let ok = true;
  values.forEach((v) => {
    if (ok && !Number.isNaN(v)) ok = isYmd(v);
  });
  return ok;
}

function isYmd(v: number): boolean {
  const y = Math.floor(v / 10_000);
  const m = Math.floor(v / 100) % 100;
  const d = v % 100;
  const date = new Date(Date.UTC(y, m - 1, d));
  return m >= 1 && m <= 12 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * A one-line note on a numeric column that looks like the count column of a frequency table (R's
 * as.data.frame(Titanic): Class, Sex, Age, Survived and Freq, each row standing for Freq people):
 * named like a count or weight, no value below 0, and every other input categorical. The column
 * is then read as an input like any other (permutation importance ranks Titanic's Freq first),
 * where it means how often the row occurs. Undefined otherwise.
 */
export function countColumnNote(name: string, values: NumberValues, otherInputsAllCategorical: boolean): string | undefined {
  if (!otherInputsAllCategorical || !COUNT_NAME.test(name)) return undefined;
  const p = profile(values);
  if (!(p.lo >= 0)) return undefined;
  return `${name}: ${p.integers ? 'counts' : 'weights'} (${p.lo}…${p.hi}) beside categorical columns only, as in a frequency table (R's as.data.frame of a table): each row stands for ${name} cases, but ${name} is read as an input, not a count; ${p.integers ? `--count ${name} reads each row as many times` : 'expand to one row per case'}, or --ignore ${name}`;
}
