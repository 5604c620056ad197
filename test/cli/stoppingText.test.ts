// How the CLI says counts: the Model line's account of how long a run trains (shared by train and its
// streaming path), and a count with its noun (countOf).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stoppingText } from '../../cli/describe.js';
import { countOf } from '../../src/core/format.js';

test('the Model line says "1 epoch", "64 epochs", with early stopping or the best epoch kept, naming the watched loss', () => {
  assert.equal(stoppingText({ epochs: 1 }, 'validation'), '1 epoch');
  assert.equal(stoppingText({ epochs: 64 }, 'validation'), '64 epochs');
  assert.equal(stoppingText({ epochs: 1, earlyStopping: 16 }, 'validation'), 'at most 1 epoch (early stopping: patience 16 on the validation loss, best weights kept)');
  assert.equal(stoppingText({ epochs: 200, earlyStopping: 10 }, 'training'), 'at most 200 epochs (early stopping: patience 10 on the training loss, best weights kept)');
  assert.equal(stoppingText({ epochs: 30, keepBest: true }, 'training'), '30 epochs (the epoch of lowest training loss kept)');
  assert.equal(stoppingText({ epochs: 1, keepBest: true }, 'validation'), '1 epoch (the epoch of lowest validation loss kept)');
});

test('counts are said with their noun in the singular only for one', () => {
  assert.equal(countOf(1, 'epoch'), '1 epoch');
  assert.equal(countOf(0, 'epoch'), '0 epochs');
  assert.equal(countOf(2, 'worker thread'), '2 worker threads');
});
