import { aboveThreshold, argmaxRow } from '../core/labels.js';
import type { Matrix } from '../core/matrix.js';
import type { Loss } from '../losses/loss.js';
import type { Metric, MetricFactory } from './metric.js';
import { averagedScore, countsFromConfusion, type Average, type ClassCounts, type ScoreKind } from './counts.js';

/**
 * How a batch's outputs become class decisions, from the compiled loss (as accuracy):
 * sparse targets → argmax vs index; one output → threshold 0.5 (0 for logits) as classes 0/1;
 * binary cross-entropy over several outputs → multi-label (each output its own yes/no);
 * otherwise argmax vs argmax of one-hot rows.
 */
/** How targets are laid out: class indices, one sigmoid output, several independent outputs, or one-hot rows. */
export type Layout = 'sparse' | 'binary' | 'multiLabel' | 'categorical';

function layoutOf(loss: Loss, yPred: Matrix): Layout {
  if (loss.targets === 'sparse') return 'sparse';
  if (yPred.cols === 1) return 'binary';
  return loss.name === 'binaryCrossentropy' ? 'multiLabel' : 'categorical';
}

/**
 * Streaming class counts over batches. Single-label data fills a k×k confusion matrix (k = 2
 * for one output); multi-label data counts tp/fp/fn per output directly.
 */
export class ConfusionCounter {
  private confusion = new Float64Array(0);
  private multi: { tp: Float64Array; fp: Float64Array; fn: Float64Array } | undefined;
  private k = 0;
  /** The layout, found from the loss and the first batch. */
  layout: Layout | undefined;

  constructor(private readonly loss: Loss) {}

  /** Zeroes the counts. */
  reset(): void {
    this.confusion.fill(0);
    if (this.multi) for (const a of Object.values(this.multi)) a.fill(0);
  }

  /** Adds one batch of predictions and targets to the counts. */
  update(yPred: Matrix, yTrue: Matrix): void {
    const layout = (this.layout ??= layoutOf(this.loss, yPred));
    const threshold = this.loss.config.fromLogits ? 0 : 0.5;
    if (layout === 'multiLabel') {
      const k = yPred.cols;
      if (this.multi === undefined || this.k !== k) {
        this.k = k;
        this.multi = { tp: new Float64Array(k), fp: new Float64Array(k), fn: new Float64Array(k) };
      }
      const { tp, fp, fn } = this.multi;
      for (let i = 0; i < yPred.rows * k; i++) {
        const p = aboveThreshold(yPred.data[i]!, threshold);
        const t = aboveThreshold(yTrue.data[i]!, 0.5);
        const j = i % k;
        if (p && t) tp[j]!++;
        else if (p) fp[j]!++;
        else if (t) fn[j]!++;
      }
      return;
    }
    const k = layout === 'binary' ? 2 : yPred.cols;
    if (this.k !== k) {
      this.k = k;
      this.confusion = new Float64Array(k * k);
    }
    for (let i = 0; i < yPred.rows; i++) {
      let truth: number;
      let guess: number;
      if (layout === 'binary') {
        truth = aboveThreshold(yTrue.data[i]!, 0.5) ? 1 : 0;
        guess = aboveThreshold(yPred.data[i]!, threshold) ? 1 : 0;
      } else {
        truth = layout === 'sparse' ? yTrue.data[i]! : argmaxRow(yTrue, i);
        guess = argmaxRow(yPred, i);
      }
      this.confusion[truth * k + guess]!++;
    }
  }

  /** The k×k matrix (rows: true class, columns: predicted); empty for multi-label data. */
  matrix(): number[][] {
    if (this.layout === 'multiLabel') return [];
    const out: number[][] = [];
    for (let i = 0; i < this.k; i++) out.push(Array.from(this.confusion.subarray(i * this.k, (i + 1) * this.k)));
    return out;
  }

  /** Per-class true positives, false positives and false negatives so far. */
  counts(): ClassCounts {
    if (this.multi) return this.multi;
    return countsFromConfusion(this.confusion, this.k);
  }
}

/**
 * A precision / recall / F1 metric for compile. `average` undefined means the natural choice:
 * the positive class for one output, the macro average for several classes or labels.
 */
export function classScoreMetric(name: string, kind: ScoreKind, average: Average | undefined): MetricFactory {
  return (loss: Loss): Metric => {
    const counter = new ConfusionCounter(loss);
    return {
      name,
      reset: () => counter.reset(),
      update: (p, y) => counter.update(p, y),
      result() {
        const layout = counter.layout;
        if (layout === undefined) return NaN;
        const avg = average ?? (layout === 'binary' ? 'binary' : 'macro');
        return averagedScore(kind, counter.counts(), avg, 1);
      },
    };
  };
}
