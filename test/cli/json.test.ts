// A JSON data file reads as pandas' read_json reads a table: an array of records, JSON Lines
// (also gzip-compressed), or one object in pandas' orients 'columns', 'index' and 'split'. Each
// gives the table of the same rows as CSV, value for value, and train, evaluate and predict give
// what the CSV gives; errors name the line; streaming refuses JSON with the way out.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/index.js';
import { UsageError } from '../../cli/errors.js';
import { readCsvTable, readCsvTableSync } from '../../cli/csv.js';
import { arrayElementLines } from '../../cli/jsonFile.js';
import { buildCli, outputOf, runCli, tempDir, ROOT } from './harness.js';

let bin = '';
const dir = tempDir('json');
const lines = readFileSync(join(ROOT, 'data', 'iris.csv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
const [names, ...body] = lines as [string[], ...string[][]];
const records = body.map((r) => Object.fromEntries(names.map((n, i) => [n, i < 4 ? Number(r[i]) : r[i]])));
const write = (file: string, text: string | Buffer) => writeFileSync(join(dir, file), text);

before(async () => {
  bin = await buildCli();
  write('iris.csv', readFileSync(join(ROOT, 'data', 'iris.csv')));
  write('iris.json', JSON.stringify(records, null, 2));
  write('iris.jsonl', records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  write('iris.jsonl.gz', gzipSync(readFileSync(join(dir, 'iris.jsonl'))));
  // JSON Lines in a file named .json (pandas' to_json(lines=True) to any name).
  write('lines.json', readFileSync(join(dir, 'iris.jsonl')));
  const columns = Object.fromEntries(names.map((n) => [n, Object.fromEntries(records.map((r, i) => [String(i), r[n]]))]));
  write('columns.json', JSON.stringify(columns));
  write('index.json', JSON.stringify(Object.fromEntries(records.map((r, i) => [String(i), r]))));
  write('split.json', JSON.stringify({ columns: names, index: records.map((_, i) => i), data: records.map((r) => names.map((n) => r[n])) }));
});

test('every form of JSON reads as the CSV of the same rows: schema, values, target', async () => {
  const csv = await readCsvTable(join(dir, 'iris.csv'));
  for (const f of ['iris.json', 'iris.jsonl', 'iris.jsonl.gz', 'lines.json', 'columns.json', 'index.json', 'split.json']) {
    const t = await readCsvTable(join(dir, f));
    assert.deepEqual(t.schema, csv.schema, f);
    assert.deepEqual(Array.from(t.x.data), Array.from(csv.x.data), f);
    assert.deepEqual(t.y, csv.y, f);
    assert.equal(t.rows, 150, f);
  }
  // The sync reader (gradcheck, explain) reads as it reads CSV: float64.
  assert.deepEqual(Array.from(readCsvTableSync(join(dir, 'iris.json')).x.data), Array.from(readCsvTableSync(join(dir, 'iris.csv')).x.data), 'the sync reader too');
});

test('the line of each element of a JSON array, through strings, escapes and nesting', () => {
  const text = '[\n{"a": "]}{,[\\"\\\\", "b": [1, {"c": 2}]},\n\n  {"a": 1},\n 5, "x\\n", [\n1], {\n}\n]';
  assert.deepEqual(arrayElementLines(text), [2, 4, 5, 5, 5, 6]);
  assert.deepEqual(arrayElementLines('[]'), []);
  assert.deepEqual(arrayElementLines('[{"a":1},{"a":2}]'), [1, 1]);
});

test('bad JSON and values with no cell: InputErrors naming the file, line and key', async () => {
  write('bad.jsonl', '{"a": 1, "y": 0}\n\n{"a": 2, "y": 1,}\n');
  await assert.rejects(readCsvTable(join(dir, 'bad.jsonl')), (e: unknown) => e instanceof InputError && /bad\.jsonl line 3: not valid JSON \(/.test(e.message));
  write('bad.json', '[\n {"a": 1, "y": 0},\n {"a": 2 "y": 1}\n]');
  await assert.rejects(readCsvTable(join(dir, 'bad.json')), (e: unknown) => e instanceof InputError && /bad\.json line 3: not valid JSON \(/.test(e.message));
  write('nested.json', '[\n {"a": 1, "y": 0},\n\n {"a": {"b": 2}, "y": 1}\n]');
  await assert.rejects(readCsvTable(join(dir, 'nested.json')), (e: unknown) => e instanceof InputError && /^\S*nested\.json line 4: "a" holds an object \(\{"b":2\}\); a cell is a number, text, true\/false or null/.test(e.message));
  // A cell error of the table is at the record's line.
  write('stray.json', JSON.stringify([...records.slice(0, 20), { ...records[20], sepal_length_cm: 'Infinity' }], null, 1));
  await assert.rejects(readCsvTable(join(dir, 'stray.json')), (e: unknown) => e instanceof InputError && new RegExp(`stray\\.json line ${2 + 20 * 7}, column 1`).test(e.message));
  write('values.json', '[[1, 2], [3, 4]]');
  await assert.rejects(readCsvTable(join(dir, 'values.json')), (e: unknown) => e instanceof InputError && /is an array of arrays \(pandas' orient 'values'\), which names no column/.test(e.message));
  write('api.json', '{"count": 2, "results": [{"a": 1}, {"a": 2}]}');
  await assert.rejects(readCsvTable(join(dir, 'api.json')), (e: unknown) => e instanceof InputError && /is one JSON object that is not a table .*; its rows may be the array under "results"/.test(e.message));
  write('quakes.json', '{"type": "FeatureCollection", "bbox": [1, 2, 3, 4], "features": [{"type": "Feature", "properties": {"mag": 1.2}, "geometry": null}]}');
  await assert.rejects(readCsvTable(join(dir, 'quakes.json')), (e: unknown) => e instanceof InputError && /is one JSON object that is not a table .*; it is GeoJSON: its rows are the features' "properties" \(geopandas: /.test(e.message));
  write('split-bad.json', '{"columns": ["a", "y"], "data": [[1, 0], [2]]}');
  await assert.rejects(readCsvTable(join(dir, 'split-bad.json')), (e: unknown) => e instanceof InputError && /row 2 of "data" is 1 values; orient 'split' has 2/.test(e.message));
  // The options of delimited text are refused by name.
  await assert.rejects(readCsvTable(join(dir, 'iris.json'), { skipRows: 1 }), (e: unknown) => e instanceof UsageError && /--skip-rows reads delimited text, and \S+iris\.json is JSON/.test(e.message));
  await assert.rejects(readCsvTable(join(dir, 'iris.json'), { header: false }, undefined, ';'), (e: unknown) => e instanceof UsageError && /--delimiter, --no-header read delimited text/.test(e.message));
});


test('train, evaluate and predict on JSON give what the CSV gives; --stream refuses JSON with the way out', () => {
  const plain = runCli(bin, ['train', 'iris.csv', '--epochs', '5', '--out', 'csv.bpm'], dir);
  assert.equal(plain.code, 0, plain.stderr);
  for (const f of ['iris.json', 'iris.jsonl.gz']) {
    const json = runCli(bin, ['train', f, '--epochs', '5', '--out', 'csv.bpm'], dir);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(outputOf(json.stdout, f), outputOf(plain.stdout, 'iris.csv'), f);
  }
  const predictCsv = runCli(bin, ['predict', 'csv.bpm', 'iris.csv', '--probabilities'], dir);
  const predictJson = runCli(bin, ['predict', 'csv.bpm', 'iris.jsonl', '--probabilities'], dir);
  assert.equal(predictJson.code, 0, predictJson.stderr);
  assert.equal(predictJson.stdout, predictCsv.stdout);
  assert.equal(predictJson.stdout.trim().split('\n').length, 151);
  const evaluate = runCli(bin, ['evaluate', 'csv.bpm', 'split.json'], dir);
  assert.equal(evaluate.code, 0, evaluate.stderr);
  assert.equal(outputOf(evaluate.stdout, 'split.json'), outputOf(runCli(bin, ['evaluate', 'csv.bpm', 'iris.csv'], dir).stdout, 'iris.csv'));
  const streamed = runCli(bin, ['train', 'iris.json', '--stream', '--epochs', '2'], dir);
  assert.equal(streamed.code, 1);
  assert.match(streamed.stderr, /iris\.json is JSON \(an array of records\): it is read whole, not a block at a time as --stream reads; read it without --stream, or write it as CSV/);
});
