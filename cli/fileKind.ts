import { extname } from 'node:path';

/*
 * What a data file is when it is not delimited text, told from its first bytes, so that a
 * workbook, a compressed file or JSON gets a sentence naming it and the way out instead of
 * "not UTF-8" or a header split into one column named "[".
 */

/**
 * Leading bytes of formats users hand to a CSV reader, and what to call them. A signature of
 * printable characters (PAR1, ARROW1, BZh, %PDF, SQLite) counts only when the bytes after it are
 * not text, so that a CSV whose first column is named "PAR1" still reads.
 */
const SIGNATURES: readonly { bytes: readonly number[]; what: string; fix: string; printable?: true }[] = [
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed', fix: 'decompress it first (gunzip -k FILE)' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', fix: 'decompress it first (bunzip2 -k FILE)', printable: true },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', fix: 'decompress it first (unxz -k FILE)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', fix: 'decompress it first (unzstd FILE)' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx workbook or zipped files?)', fix: 'save the sheet as "CSV UTF-8", or unzip it' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel .xls workbook (OLE2)', fix: 'save the sheet as "CSV UTF-8"' },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file', fix: 'write it as CSV (pandas: pd.read_parquet(path).to_csv(out, index=False))', printable: true },
  { bytes: [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], what: 'an Arrow IPC file', fix: 'write it as CSV (pandas: pd.read_feather(path).to_csv(out, index=False))', printable: true },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], what: 'an SQLite database', fix: 'export a table as CSV (sqlite3 -header -csv FILE "select * from t")', printable: true },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', fix: 'give a CSV file' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', fix: 'give a CSV file' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', fix: 'give a CSV file', printable: true },
  // Excel's "Unicode Text" export and PowerShell's default output.
  { bytes: [0xff, 0xfe], what: 'UTF-16 text (little-endian)', fix: 'save it as UTF-8' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text (big-endian)', fix: 'save it as UTF-8' },
];

const JSON_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson', '.geojson']);

/** Why `head` (a file's first bytes) is not delimited text, as "<what>: <fix>", or undefined when it may be. */
export function notDelimitedText(head: Uint8Array, path: string): string | undefined {
  for (const s of SIGNATURES) {
    if (head.length < s.bytes.length || !s.bytes.every((b, i) => head[i] === b)) continue;
    if (s.printable && isText(head)) continue;
    return `${s.what}, not CSV: ${s.fix.replace('FILE', path)}`;
  }
  const json = jsonOpening(head, path);
  return json === undefined ? undefined : `${jsonKind(json)}, not CSV: ${jsonAsCsv(json)}`;
}

/** What a JSON data file holds, from its opening character. */
export function jsonKind(opening: '[' | '{'): string {
  return `JSON (${opening === '[' ? 'an array of records' : 'JSON Lines or one object'})`;
}

/** How to turn a JSON data file into CSV, from its opening character. */
export function jsonAsCsv(opening: '[' | '{'): string {
  return `write it as CSV (pandas: pd.read_json(path${opening === '{' ? ', lines=True' : ''}).to_csv(out, index=False)); in JavaScript, tableFromObjects builds a table from rows`;
}

/**
 * '[' or '{' when a file's head is JSON: an array or object first, in a file named so or whose
 * first line opens a record; else undefined (a CSV whose first column is named "[x]" stays CSV).
 */
export function jsonOpening(head: Uint8Array, path: string): '[' | '{' | undefined {
  const text = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first !== '[' && first !== '{') return undefined;
  const line = text.trimStart().split(/\r?\n/, 1)[0]!.trim();
  return JSON_EXTENSIONS.has(extname(path.replace(/\.gz$/i, '')).toLowerCase()) || /^(\[|\{|\[\s*\{.*|\{\s*".*)$/.test(line) ? first : undefined;
}

/** Whether `head` reads as text: no NUL byte and valid UTF-8 (a character cut at its end allowed). */
function isText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}
