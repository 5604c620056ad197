import cliProgress from 'cli-progress';
import type { Callback, Logs } from '../src/index.js';
import type { Printer } from './io.js';
import { formatMetric } from './evaluation.js';

export type ProgressMode = 'tty' | 'plain' | 'json';

export interface ProgressArgs {
  readonly epochs: number;
  readonly batches: number;
  /** Epochs already done before this run (when resuming). */
  readonly initialEpoch: number;
  /** A streamed file: the bar counts its megabytes read instead of batches (whose number is not known). */
  readonly bytes?: { readonly total: number; readonly read: () => number };
}

const MB = 1e6;

/** "loss: 0.1234 - accuracy: 0.9500 - val_loss: ..." (Keras' epoch line, lr left out). */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'lr')
    .map(([k, v]) => `${k}: ${formatMetric(v)}`)
    .join(' - ');
}

function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Training progress: in a terminal a cli-progress bar per epoch (batches done, running loss and metrics, ETA
 * of the epoch and of the whole run) followed by the epoch's line; when stdout is not a terminal
 * only the plain epoch lines (no control codes); with --json one JSON object per epoch.
 */
export class Progress implements Callback {
  private bar: cliProgress.SingleBar | undefined;
  private trainStart = 0;
  private epochStart = 0;
  private epochsDone = 0;
  private lossSum = 0;
  private seen = 0;

  constructor(
    private readonly mode: ProgressMode,
    private readonly printer: Printer,
    private readonly args: ProgressArgs,
  ) {}

  onTrainBegin(): void {
    this.trainStart = performance.now();
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.lossSum = 0;
    this.seen = 0;
    if (this.mode !== 'tty') return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.printer.io.stdout as unknown as NodeJS.WritableStream,
        format: `Epoch ${epoch + 1}/${this.args.epochs} {bar} {value}/{total}${this.args.bytes ? ' MB' : ''} | loss {loss}{metrics} | ETA {eta_formatted} (run {run_eta})`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        fps: 12,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(this.args.bytes ? Math.ceil(this.args.bytes.total / MB) : this.args.batches, 0, { loss: '…', metrics: '', run_eta: this.runEta(0) });
  }

  onBatchEnd(batch: number, logs: Logs): void {
    if (this.bar === undefined) return;
    const size = logs.size ?? 1;
    this.lossSum += (logs.loss ?? NaN) * size;
    this.seen += size;
    const b = this.args.bytes;
    const fraction = b ? b.read() / b.total : (batch + 1) / this.args.batches;
    // The running metrics of the epoch so far (fit puts them in the batch logs).
    const metrics = Object.entries(logs)
      .filter(([k]) => k !== 'batch' && k !== 'size' && k !== 'loss')
      .map(([k, v]) => ` | ${k} ${formatMetric(v)}`)
      .join('');
    this.bar.update(b ? Math.round(b.read() / MB) : batch + 1, { loss: formatMetric(this.lossSum / this.seen), metrics, run_eta: this.runEta(fraction) });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.stop();
    this.epochsDone++;
    const ms = performance.now() - this.epochStart;
    if (this.mode === 'json') {
      this.printer.event({ event: 'epoch', epoch: epoch + 1, epochs: this.args.epochs, ...logs, ms: Math.round(ms) });
      return;
    }
    this.printer.line(`Epoch ${epoch + 1}/${this.args.epochs} - ${formatLogs(logs)} - ${Math.round(ms)}ms`);
  }

  /** Removes the bar (at the end of an epoch, or when training is interrupted). */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  /** Time left for the whole run, from the mean epoch time so far. */
  private runEta(fractionOfEpoch: number): string {
    const done = this.epochsDone + fractionOfEpoch;
    if (done <= 0) return '?';
    const elapsed = performance.now() - this.trainStart;
    const remaining = this.args.epochs - this.args.initialEpoch - done;
    return seconds((elapsed / done) * remaining);
  }
}
