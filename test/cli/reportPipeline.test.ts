// `train --report` on files with missing values in the validation rows, categories and dates: the
// report reads those rows through the fitted pipeline (imputer, encoders, date features), as
// predict does, instead of failing after the model is saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir } from './harness.js';
import type { ReportCharts } from '../../cli/report/data.js';

const binPromise = buildCli();

function csv(header: string, n: number, row: (i: number) => string): string {
  return `${[header, ...Array.from({ length: n }, (_, i) => row(i))].join('\n')}\n`;
}

test('train --report with missing numbers, missing categories and dates: exit 0, the confusion matrix covers every validation row and gives the printed accuracy', async () => {
  const dir = tempDir('report-pipeline');
  const colours = ['red', 'blue', 'green'];
  writeFileSync(join(dir, 'c.csv'), csv('when,size,colour,y', 120, (i) => `20${10 + (i % 12)}-${String(1 + (i % 12)).padStart(2, '0')}-15,${i % 4 === 0 ? 'NA' : (i * 1.37) % 9},${i % 5 === 0 ? '' : colours[i % 3]},${(i * 1.37) % 9 > 4 ? 'yes' : 'no'}`));
  // Under 500 rows the tabular preset trains on every row: the validation charts need a typed split.
  const r = runCli(await binPromise, ['train', 'c.csv', '--target', 'y', '--epochs', '5', '--seed', '2', '--validation-split', '0.2', '--out', 'c.bpm', '--report', 'c.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(dir, 'c.html'), 'utf8');
  const section = /<section id="confusion">([\s\S]*?)<\/section>/.exec(html)?.[1];
  assert.ok(section !== undefined && /validation rows/.test(section), 'a confusion matrix on the validation rows');
  const rows = [...section.matchAll(/<tr><th scope="row">(?!precision)[^<]*<\/th>((?:<td style[^>]*>\d+<\/td>)+)/g)].map((m) => [...m[1]!.matchAll(/>(\d+)</g)].map((c) => Number(c[1])));
  const total = rows.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, 24, 'the 20% validation split of 120 rows, missing values included');
  const accuracy = rows.reduce((a, row, i) => a + row[i]!, 0) / total;
  const printed = /accuracy\s*│\s*[\d.]+\s*│\s*([\d.]+)/.exec(r.stdout)?.[1];
  assert.equal(accuracy.toFixed(4), printed, r.stdout);
});

test('train --report for a regression with missing numbers in the validation rows: residuals of every validation row', async () => {
  const dir = tempDir('report-pipeline-reg');
  writeFileSync(join(dir, 'r.csv'), csv('a,b,y', 100, (i) => `${i % 3 === 0 ? '' : (i * 0.37) % 9},${(i * 1.3) % 4},${(i * 0.37) % 9 + (i % 7)}`));
  // Under 500 rows the tabular preset trains on every row: the validation charts need a typed split.
  const r = runCli(await binPromise, ['train', 'r.csv', '--target', 'y', '--epochs', '5', '--seed', '2', '--validation-split', '0.2', '--out', 'r.bpm', '--report', 'r.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as ReportCharts;
  assert.equal(data.residuals?.on, 'validation');
  assert.equal(data.residuals!.rows.length, 20);
  assert.ok(data.residuals!.outputs[0]!.predicted.every((v) => Number.isFinite(v)));
});

test('train --report with --validation-data: the confusion matrix is of the validation file\'s rows, categories unseen in training among them', async () => {
  const dir = tempDir('report-pipeline-file');
  const colours = ['red', 'blue', 'green'];
  const row = (i: number, colour: string) => `20${10 + (i % 12)}-${String(1 + (i % 12)).padStart(2, '0')}-15,${i % 4 === 0 ? 'NA' : (i * 1.37) % 9},${colour},${(i * 1.37) % 9 > 4 ? 'yes' : 'no'}`;
  writeFileSync(join(dir, 'c.csv'), csv('when,size,colour,y', 120, (i) => row(i, i % 5 === 0 ? '' : colours[i % 3]!)));
  // 30 rows of another file, a third of them of a colour the training file never has.
  writeFileSync(join(dir, 'v.csv'), csv('when,size,colour,y', 30, (i) => row(i + 7, i % 3 === 0 ? 'purple' : colours[i % 3]!)));
  const r = runCli(await binPromise, ['train', 'c.csv', '--target', 'y', '--epochs', '5', '--seed', '2', '--validation-data', 'v.csv', '--out', 'c.bpm', '--report', 'c.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nWarning v\.csv: colour: 10 values not seen in training \("purple"\) encoded as all zeros\n/);
  const html = readFileSync(join(dir, 'c.html'), 'utf8');
  const section = /<section id="confusion">([\s\S]*?)<\/section>/.exec(html)?.[1];
  assert.ok(section !== undefined && /validation rows/.test(section), 'a confusion matrix on the validation rows');
  const rows = [...section.matchAll(/<tr><th scope="row">(?!precision)[^<]*<\/th>((?:<td style[^>]*>\d+<\/td>)+)/g)].map((m) => [...m[1]!.matchAll(/>(\d+)</g)].map((c) => Number(c[1])));
  assert.equal(rows.flat().reduce((a, b) => a + b, 0), 30, 'every row of v.csv');
  const accuracy = rows.reduce((a, row, i) => a + row[i]!, 0) / 30;
  const printed = /accuracy\s*│\s*[\d.]+\s*│\s*([\d.]+)/.exec(r.stdout)?.[1];
  assert.equal(accuracy.toFixed(4), printed, r.stdout);
});
