// A data file that is not delimited text (a workbook, a compressed file other than gzip, a
// columnar file, JSON where it cannot be read) is named for what it is, with the way out, by every command that reads
// data; text that merely begins like one of them (a column named "PAR1", a header "{id}") still
// reads. A gzip file is read through gunzip (gzip.test.ts) and judged by its text.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { notDelimitedText } from '../../cli/fileKind.js';
import { buildCli, runCli, tempDir, ROOT } from './harness.js';

const bytes = (...b: (number | string)[]): Uint8Array =>
  Uint8Array.from(b.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x, 'latin1')] : [x])));

test('formats told from their first bytes, each with what to do', () => {
  const cases: [Uint8Array, string, RegExp][] = [
    [gzipSync('a,b\n1,2\n'), 'd.csv.gz', /^gzip-compressed, not CSV: decompress it first \(gunzip -k d\.csv\.gz\)$/],
    [bytes('PK', 3, 4, 20, 0, 6, 0), 'book.xlsx', /^a ZIP archive \(an Excel \.xlsx workbook or zipped files\?\), not CSV: save the sheet as "CSV UTF-8"/],
    [bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1), 'old.xls', /^an old Excel \.xls workbook/],
    [bytes('PAR1', 0x15, 0x04, 0x15, 0), 'f.parquet', /^a Parquet file, not CSV: write it as CSV \(pandas: pd\.read_parquet/],
    [bytes('ARROW1', 0, 0, 0xff, 0xff), 'f.arrow', /^an Arrow IPC file/],
    [bytes('BZh91AY&SY', 0x8e, 0x1f), 'f.bz2', /^bzip2-compressed/],
    [bytes(0xfd, '7zXZ', 0), 'f.xz', /^xz-compressed/],
    [bytes('SQLite format 3', 0, 0x10, 0), 'db.sqlite', /^an SQLite database/],
    [bytes(0x89, 'PNG\r\n', 0x1a, '\n'), 'x.png', /^a PNG image/],
    [bytes(0xff, 0xfe, 'a', 0, ',', 0, 'b', 0), 'excel.txt', /^UTF-16 text \(little-endian\), not CSV: save it as UTF-8$/],
    [bytes('[\n  {\n    "Species": "Adelie",'), 'penguins.txt', /^JSON \(an array of records\), not CSV: write it as CSV \(pandas: pd\.read_json\(path\)\.to_csv/],
    [bytes('{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n'), 'rows.txt', /^JSON \(JSON Lines or one object\), not CSV: .*lines=True/],
    [bytes('[{"a":1}]'), 'one.data', /^JSON/],
    [bytes(' \n{"a": 1}'), 'x.ndjson', /^JSON/],
  ];
  for (const [head, path, expected] of cases) assert.match(notDelimitedText(head, path) ?? 'read as text', expected, path);
});

test('text that begins like a signature is still text', () => {
  for (const [text, path] of [
    ['PAR1,PAR2,y\n1,2,3\n', 'params.csv'],
    ['BZh,other\n1,2\n', 'b.csv'],
    ['{id},name\n1,a\n', 'braces.csv'],
    ['[a]\t[b]\n1\t2\n', 'brackets.tsv'],
    ['%PDF,x\n1,2\n', 'pdf.csv'],
    ['\uFEFFa,b\n1,2\n', 'bom.csv'],
  ] as const) {
    assert.equal(notDelimitedText(Buffer.from(text), path), undefined, `${path}: ${JSON.stringify(text)}`);
  }
});

let bin = '';
const dir = tempDir('filekind');
before(async () => {
  bin = await buildCli();
  const iris = readFileSync(join(ROOT, 'data', 'iris.csv'));
  const [header, ...rows] = iris.toString('utf8').trim().split('\n').map((l) => l.split(','));
  const json = JSON.stringify(rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]]))), null, 2);
  writeFileSync(join(dir, 'iris.json'), json);
  writeFileSync(join(dir, 'iris.json.gz'), gzipSync(json));
  writeFileSync(join(dir, 'PAR1.csv'), `PAR1,PAR2,y\n${Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2 === 0 ? 'a' : 'b'}`).join('\n')}\n`);
});

test('JSON (also gzip-compressed) trains and cross-validates; the readers that stream name it for what it is; a CSV whose first column is PAR1 trains', () => {
  for (const args of [['cv', 'iris.json', '--epochs', '2', '--folds', '3'], ['train', 'iris.json', '--target', 'species', '--epochs', '2'], ['train', 'iris.json.gz', '--epochs', '2']]) {
    const r = runCli(bin, args, dir);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Data {4}${args[1]!.replace(/\./g, '\\.')}: 150 rows, 4 features, target "species"`, 'm'), args.join(' '));
  }
  const t = runCli(bin, ['train', 'PAR1.csv', '--epochs', '1', '--out', 'par.bpm'], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^Data {4}PAR1\.csv: 40 rows, 2 features, target "y"/m);
  for (const args of [['train', 'iris.json', '--stream'], ['evaluate', 'par.bpm', 'iris.json', '--stream'], ['predict', 'par.bpm', 'iris.json.gz', '--stream', '--out', 'p.csv']]) {
    const r = runCli(bin, args, dir);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /iris\.json(\.gz)? is JSON \(an array of records\): it is read whole, not a block at a time as --stream reads; read it without --stream, or write it as CSV \(pandas: /, args.join(' '));
  }
});
