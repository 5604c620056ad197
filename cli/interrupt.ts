import type { Callback, Sequential } from '../src/index.js';
import { EXIT_INTERRUPTED } from './errors.js';
import type { Io } from './io.js';

/**
 * Ctrl-C during training: the first stops after the current batch (the fit loop yields to the
 * event loop between batches, so the signal is seen), the second exits at once.
 */
export class Interrupt implements Callback {
  interrupted = false;
  private model: Sequential | undefined;
  private handler: (() => void) | undefined;

  setModel(model: Sequential): void {
    this.model = model;
  }

  listen(io: Io): void {
    this.handler = () => {
      if (this.interrupted) process.exit(EXIT_INTERRUPTED);
      this.interrupted = true;
      if (this.model) this.model.stopTraining = true;
      io.stderr.write('\nInterrupted: stopping after the current batch (Ctrl-C again to quit without saving)\n');
    };
    process.on('SIGINT', this.handler);
  }

  unlisten(): void {
    if (this.handler) process.off('SIGINT', this.handler);
  }

  onBatchEnd(): void {
    if (this.interrupted && this.model) this.model.stopTraining = true;
  }
}

