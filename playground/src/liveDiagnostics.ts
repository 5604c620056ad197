/**
 * The library's diagnostics over a whole playground session. The worker trains one epoch per
 * `fit`, and a fit starts every callback afresh; this wrapper starts the library's Diagnostics
 * once per network, numbers the epochs of the session, and passes every other hook on, so
 * patience and the plateau window count the session's epochs.
 */
import { callbacks, type Callback, type Diagnosis, type Diagnostics, type Logs, type Sequential } from '../../src/index.js';

export class LiveDiagnostics implements Callback {
  /**
   * Warns when 80% of a layer's outputs are saturated (the library's default is 90%): a sigmoid
   * layer with 100× too large weights sits at 85–90% on the circles and does not learn.
   */
  private readonly inner: Diagnostics = callbacks.diagnostics({ saturationThreshold: 0.8 });
  private started = false;
  private epoch = 0;

  /** Every finding since the network was built, in order. */
  get findings(): readonly Diagnosis[] {
    return this.inner.findings;
  }

  setModel(model: Sequential): void {
    if (!this.started) this.inner.setModel(model);
  }

  setWarningSink(warn: (message: string) => void): void {
    this.inner.setWarningSink(warn);
  }

  onTrainBegin(): void {
    if (this.started) return;
    this.started = true;
    this.inner.onTrainBegin();
  }

  onEpochBegin(): void {
    this.inner.onEpochBegin(this.epoch);
  }

  onBatchBegin(): void {
    this.inner.onBatchBegin();
  }

  onBatchEnd(): void {
    this.inner.onBatchEnd();
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    this.inner.onEpochEnd(this.epoch, logs);
    this.epoch++;
  }
}
