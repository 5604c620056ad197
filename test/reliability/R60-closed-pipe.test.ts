// R60: `backprop predict … | head` — the reader closes the pipe early. The CLI stops quietly
// (exit 0, nothing on stderr), for predict and for --json output alike, instead of an EPIPE stack.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, startCli, tempDir } from '../cli/harness.js';

let bin: string;
const dir = tempDir('r60');
const model = join(dir, 'iris.bpm');
const big = join(dir, 'many.csv');

before(async () => {
  bin = await buildCli();
  const trained = runCli(bin, ['train', '--epochs', '2', '--out', model], dir);
  assert.equal(trained.code, 0, trained.stderr);
  // 40,000 rows: the predictions (~400 KB) are far more than a pipe's buffer (64 KB), so the CLI is
  // still writing when the reader goes, whatever the machine's speed.
  const rows = Array.from({ length: 40_000 }, (_, i) => `${4 + (i % 40) / 10},${2 + (i % 20) / 10},${1 + (i % 60) / 10},${(i % 25) / 10}`);
  writeFileSync(big, `sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n${rows.join('\n')}\n`);
});

/** Runs the CLI, closes its stdout after the first chunk, and returns how it ended. */
async function closeEarly(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; first: string }> {
  const child = startCli(bin, args, dir);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const chunk = await Promise.race([once(child.stdout, 'data').then(([c]) => c as Buffer), closed.then(() => Buffer.alloc(0))]);
  child.stdout.destroy(); // the reader is gone: like `head -1` after its line
  const [code, signal] = await closed;
  return { code, signal, stderr, first: chunk.toString('utf8').split('\n')[0]! };
}

test('R60: predict | head: exit 0, no stack trace, no EPIPE on stderr', async () => {
  const r = await closeEarly(['predict', model, big]);
  assert.equal(r.first, 'prediction', 'the reader got the first line');
  assert.equal(r.stderr, '');
  assert.equal(r.signal, null);
  assert.equal(r.code, 0);
});

test('R60: predict --probabilities and --json output cut short the same way', async () => {
  for (const extra of [['--probabilities'], ['--json']]) {
    const r = await closeEarly(['predict', model, big, ...extra]);
    assert.equal(r.stderr, '', `${extra.join(' ')}: nothing on stderr`);
    assert.equal(r.code, 0, `${extra.join(' ')}: exit 0`);
  }
});

test('R60: with the reader still there, the output is whole (the handler changes nothing else)', () => {
  const r = runCli(bin, ['predict', model, big], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 40_001);
});
