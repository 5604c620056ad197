import { formatScore } from '../core/format.js';
import type { Callback, Logs } from './callback.js';

/** verbose: 1 — one line per epoch on the console: `Epoch 3/100 - loss: 0.1234 - accuracy: 0.9500`. */
export class EpochLogger implements Callback {
  constructor(private readonly epochs: number, private readonly print: (line: string) => void = console.log) {}

  onEpochEnd(epoch: number, logs: Logs): void {
    const parts = Object.entries(logs)
      .filter(([k]) => k !== 'lr')
      .map(([k, v]) => `${k}: ${formatScore(v)}`);
    this.print(`Epoch ${epoch + 1}/${this.epochs} - ${parts.join(' - ')}`);
  }
}

