/**
 * Dates in CSV cells: ISO `2012-01-31` (optionally `T`/space and a time, seconds, a zone),
 * `2012/01/31` and `31.01.2012` (optionally with a time), and with the month's name in English
 * (lower, Title or UPPER case, abbreviated or not, with or without a dot): `Jan 31 2012` and `January 31, 2012`
 * (vega's stocks.csv), `31-Jan-2012` (R, Excel) and `31 Jan 2012`, without a time. A column keeps
 * the format of its first value; features are the year and cyclical (sin, cos) pairs of month, day
 * of year, weekday and, when times are given, the time of day, so December sits next to January.
 */
export type DateFormat = 'iso' | 'ymd-slash' | 'dmy-dot' | 'mon-d-y' | 'd-mon-y';

/** The formats and the order they are tried in. */
export const DATE_FORMATS: readonly DateFormat[] = ['iso', 'ymd-slash', 'dmy-dot', 'mon-d-y', 'd-mon-y'];

/** Whether a format spells the month's name (and has no time of day); the others are all digits. */
export function namesMonth(format: DateFormat): boolean {
  return format === 'mon-d-y' || format === 'd-mon-y';
}

/**
 * Each month's names as a cell may spell them, lower case, without the dot an abbreviation may
 * carry: the one list the parser and the ONNX export's month lookup are built from.
 */
const MONTH_NAMES: readonly (readonly string[])[] = [
  ['jan', 'january'], ['feb', 'february'], ['mar', 'march'], ['apr', 'april'], ['may'], ['jun', 'june'],
  ['jul', 'july'], ['aug', 'august'], ['sep', 'sept', 'september'], ['oct', 'october'], ['nov', 'november'], ['dec', 'december'],
];
/**
 * Every spelling a cell may give a month: its names in lower case, Title case and UPPER case,
 * with or without a dot ("Jan", "jan.", "JANUARY"), and the month's number. Mixed case such as
 * "jAN" is not a month: the ONNX export looks these spellings up as they are, and an exporter
 * cannot count on a locale to lower-case a string in every runtime.
 */
export const MONTH_SPELLINGS: readonly (readonly [string, number])[] = MONTH_NAMES.flatMap((names, i) =>
  names.flatMap((n) => [n, n[0]!.toUpperCase() + n.slice(1), n.toUpperCase()].flatMap((w) => [[w, i + 1], [`${w}.`, i + 1]] as [string, number][])));
const MONTH_NUMBER = new Map(MONTH_SPELLINGS);
const MONTH = `(${[...MONTH_NUMBER.keys()].filter((w) => !w.endsWith('.')).sort((a, b) => b.length - a.length).join('|')})\\.?`;
/** 1-12 for a month's name as MONTH matched it (a dot after it or not). */
function monthNumber(name: string): number {
  return MONTH_NUMBER.get(name) ?? 0;
}

const TIME = '(?:[T ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?';
const PATTERNS: Record<DateFormat, RegExp> = {
  iso: new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})${TIME}$`),
  'ymd-slash': new RegExp(`^(\\d{4})/(\\d{1,2})/(\\d{1,2})${TIME}$`),
  'dmy-dot': new RegExp(`^(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})${TIME}$`),
  'mon-d-y': new RegExp(`^${MONTH} (\\d{1,2}),? (\\d{4})$`),
  // One separator, the same twice: 31-Jan-2012 or 31 Jan 2012.
  'd-mon-y': new RegExp(`^(\\d{1,2})([- ])${MONTH}\\2(\\d{4})$`),
};
export const DATE_FORMAT_EXAMPLES: Record<DateFormat, string> = { iso: 'yyyy-mm-dd', 'ymd-slash': 'yyyy/mm/dd', 'dmy-dot': 'dd.mm.yyyy', 'mon-d-y': 'Mon d yyyy', 'd-mon-y': 'd-Mon-yyyy' };

/** The format a cell is written in, if it is a date in one of them. */
export function dateFormatOf(text: string): DateFormat | undefined {
  for (const f of DATE_FORMATS) if (PATTERNS[f].test(text)) return f;
  return undefined;
}

/** A parsed date cell: days since the epoch and whether it had a time of day, or why it could not be read. */
export type ParsedDate = { ok: true; days: number; hasTime: boolean } | { ok: false; reason: string };

/** Days since 1970-01-01 UTC (the time of day as a fraction), or why the cell is not a date of `format`. */
export function parseDate(text: string, format: DateFormat): ParsedDate {
  const m = PATTERNS[format].exec(text);
  if (!m) {
    const other = dateFormatOf(text);
    return { ok: false, reason: other ? `${JSON.stringify(text)} is written ${DATE_FORMAT_EXAMPLES[other]} but the column's dates are ${DATE_FORMAT_EXAMPLES[format]} (mixed date formats)` : `${JSON.stringify(text.slice(0, 40))} is not a date (${DATE_FORMAT_EXAMPLES[format]})` };
  }
  // The regex's month group holds the name without its dot.
  const [y, mo, d] = format === 'dmy-dot' ? [Number(m[3]), Number(m[2]), Number(m[1])]
    : format === 'mon-d-y' ? [Number(m[3]), monthNumber(m[1]!), Number(m[2])]
    : format === 'd-mon-y' ? [Number(m[4]), monthNumber(m[3]!), Number(m[1])]
    : [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (mo < 1 || mo > 12 || check.getUTCDate() !== d) return { ok: false, reason: `${JSON.stringify(text)} is not a valid date` };
  // The month-name formats have no time (their groups 4 and 5 are other parts).
  const hasTime = !namesMonth(format) && m[4] !== undefined;
  const seconds = hasTime ? Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6] ?? 0) : 0;
  return { ok: true, days: ms / 86_400_000 + seconds / 86_400, hasTime };
}

/** Feature suffixes of a date column: `date:year`, `date:month_sin`, ... */
export function dateFeatureSuffixes(hasTime: boolean): string[] {
  return ['year', 'month_sin', 'month_cos', 'yearday_sin', 'yearday_cos', 'weekday_sin', 'weekday_cos', ...(hasTime ? ['time_sin', 'time_cos'] : [])];
}

/** Writes the date's features (see dateFeatureSuffixes) into out[at...]; NaN for a missing date. */
export function dateFeatures(days: number, hasTime: boolean, out: { [i: number]: number }, at: number): void {
  const n = hasTime ? 9 : 7;
  if (Number.isNaN(days)) {
    for (let k = 0; k < n; k++) out[at + k] = NaN;
    return;
  }
  const whole = Math.floor(days);
  const date = new Date(whole * 86_400_000);
  const year = date.getUTCFullYear();
  const yearday = (whole - Date.UTC(year, 0, 1) / 86_400_000) / (isLeap(year) ? 366 : 365);
  const month = date.getUTCMonth() / 12;
  // 1970-01-01 was a Thursday (getUTCDay 4).
  const weekday = date.getUTCDay() / 7;
  const turn = 2 * Math.PI;
  out[at] = year;
  out[at + 1] = Math.sin(turn * month);
  out[at + 2] = Math.cos(turn * month);
  out[at + 3] = Math.sin(turn * yearday);
  out[at + 4] = Math.cos(turn * yearday);
  out[at + 5] = Math.sin(turn * weekday);
  out[at + 6] = Math.cos(turn * weekday);
  if (hasTime) {
    const t = days - whole;
    out[at + 7] = Math.sin(turn * t);
    out[at + 8] = Math.cos(turn * t);
  }
}

/**
 * The date features at out[at...] stand for, for display: `yyyy-mm-dd` (and ` hh:mm` with a time),
 * from the year and the day-of-year (and time) angles; null when missing. Features that are not
 * one date's (medians of each feature, as a typical row holds) give the nearest date, marked `≈`.
 */
export function dateFromFeatures(features: ArrayLike<number>, at: number, hasTime: boolean): string | null {
  const year = features[at]!;
  if (Number.isNaN(year)) return null;
  const turn = 2 * Math.PI;
  const y = Math.round(year);
  const length = isLeap(y) ? 366 : 365;
  const fraction = (Math.atan2(features[at + 3]!, features[at + 4]!) / turn + 1) % 1;
  const yearday = Math.round(fraction * length) % length;
  let days = Date.UTC(y, 0, 1) / 86_400_000 + yearday;
  if (hasTime) days += Math.round(((Math.atan2(features[at + 7]!, features[at + 8]!) / turn + 1) % 1) * 1440) / 1440;
  const iso = new Date(Math.round(days * 86_400_000)).toISOString();
  const text = hasTime ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
  // The date's own features again: equal when the features were one date's.
  const again = new Array<number>(hasTime ? 9 : 7);
  dateFeatures(days, hasTime, again, 0);
  const exact = again.every((v, k) => Math.abs(v - features[at + k]!) < 1e-6);
  return exact ? text : `≈${text}`;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
