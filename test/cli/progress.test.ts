import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { datasets, layers, sequential } from '../../src/index.js';
import { Printer, type Io } from '../../cli/io.js';
import { Progress, formatLogs } from '../../cli/progress.js';
import { boxTable } from '../../cli/evaluation.js';
import { csvField, formatFloat32 } from '../../cli/apply.js';

/** A stream that records what is written, posing as a terminal or as a pipe. */
function fakeStream(isTTY: boolean): Writable & { text: string; isTTY: boolean; columns: number } {
  const s = new Writable({
    write(chunk: Buffer, _enc, cb) {
      s.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string; isTTY: boolean; columns: number };
  s.text = '';
  s.isTTY = isTTY;
  s.columns = 120;
  return s;
}

async function train(mode: 'tty' | 'plain' | 'json', isTTY: boolean): Promise<string> {
  const out = fakeStream(isTTY);
  const io: Io = { stdout: out, stderr: fakeStream(false) };
  const d = datasets.moons({ n: 2000, seed: 1 });
  const model = sequential([layers.dense({ units: 8, inputShape: [2], activation: 'relu' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const progress = new Progress(mode, new Printer(io, mode === 'json'), { epochs: 3, batches: Math.ceil(2000 / 4), initialEpoch: 0 });
  // In the terminal case a slow batch now and then, so the bar has time to draw at its frame rate.
  let slow = 0;
  const pause = { onBatchEnd: async () => { if (slow++ % 100 === 0) await new Promise((r) => setTimeout(r, 90)); } };
  await model.fit(d.x, d.y, { epochs: 3, batchSize: 4, verbose: 0, callbacks: mode === 'tty' ? [progress, pause] : [progress] });
  return out.text;
}

test('in a terminal: a cli-progress bar per epoch with batches, running loss and metrics and ETAs, then the epoch line', async () => {
  const text = await train('tty', true);
  assert.match(text, /\x1b\[/, 'terminal control codes drive the bar');
  assert.match(text, /Epoch 1\/3 [░█]+ \d+\/500 \| loss [\d.]+ \| accuracy [\d.]+ \| ETA \d+s \(run \d+s\)/);
  assert.match(text, /Epoch 3\/3 - loss: [\d.]+ - accuracy: [\d.]+ - \d+ms\n/);
});

test('when stdout is a pipe: plain epoch lines only, no control codes (RELIABILITY U2)', async () => {
  const text = await train('plain', false);
  assert.doesNotMatch(text, /\x1b/);
  assert.deepEqual(text.trim().split('\n').map((l) => l.replace(/[\d.]+/g, 'N')), [
    'Epoch N/N - loss: N - accuracy: N - Nms',
    'Epoch N/N - loss: N - accuracy: N - Nms',
    'Epoch N/N - loss: N - accuracy: N - Nms',
  ]);
});

test('--json: one parseable object per epoch', async () => {
  const lines = (await train('json', false)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
  assert.deepEqual(lines.map((l) => [l.event, l.epoch, l.epochs]), [['epoch', 1, 3], ['epoch', 2, 3], ['epoch', 3, 3]]);
  assert.equal(typeof lines[0]!.loss, 'number');
});

test('log and table formatting', () => {
  assert.equal(formatLogs({ loss: 0.123456, accuracy: 1, val_loss: 2e-5, lr: 0.001 }), 'loss: 0.1235 - accuracy: 1.0000 - val_loss: 2.000e-5');
  assert.equal(boxTable(['metric', 'value'], [['loss', '0.1235']]), ['┌────────┬────────┐', '│ metric │ value  │', '├────────┼────────┤', '│ loss   │ 0.1235 │', '└────────┴────────┘'].join('\n'));
  assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
  assert.equal(formatFloat32(Math.fround(1 / 3)), '0.33333334');
  assert.equal(formatFloat32(1 - Math.fround(4.6773063e-12)), '1');
  assert.equal(formatFloat32(Math.fround(123456.789)), '123456.79');
  assert.equal(csvField('dog, large'), '"dog, large"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField(2.5), '2.5');
});
