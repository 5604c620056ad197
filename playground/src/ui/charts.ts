/** The loss and accuracy curves (uPlot): training and test, per epoch. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistoryPoint } from '../protocol.js';
import { css, NEGATIVE, POSITIVE } from './colors.js';

/** Points kept per curve; beyond it every other point is dropped (long runs stay cheap to draw). */
const MAX_POINTS = 4000;

export class Curves {
  private readonly epochs: number[] = [];
  private readonly trainLoss: number[] = [];
  private readonly testLoss: number[] = [];
  private readonly trainAcc: (number | null)[] = [];
  private readonly testAcc: (number | null)[] = [];
  private readonly loss: uPlot;
  private readonly accuracy: uPlot;
  private changed = false;

  constructor(lossRoot: HTMLElement, accuracyRoot: HTMLElement, width: number) {
    const series = (label: string, color: string, dash?: number[]): uPlot.Series => ({ label, stroke: color, width: 2, ...(dash ? { dash } : {}), points: { show: false } });
    const opts = (title: string, yLabel: string, range?: uPlot.Scale['range']): uPlot.Options => ({
      title,
      width,
      height: 150,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: false },
      scales: { x: { time: false }, y: range ? { range } : {} },
      axes: [{ label: 'epoch', size: 34 }, { label: yLabel, size: 50 }],
      series: [{ label: 'epoch' }, series('train', css(POSITIVE)), series('test', css(NEGATIVE), [6, 3])],
    });
    this.loss = new uPlot(opts('Loss', 'loss'), [[], [], []], lossRoot);
    this.accuracy = new uPlot(opts('Accuracy', 'accuracy', [0, 1]), [[], [], []], accuracyRoot);
  }

  clear(): void {
    for (const a of [this.epochs, this.trainLoss, this.testLoss, this.trainAcc, this.testAcc]) a.length = 0;
    this.changed = true;
  }

  add(points: readonly HistoryPoint[]): void {
    for (const p of points) {
      this.epochs.push(p.epoch);
      this.trainLoss.push(p.trainLoss);
      this.testLoss.push(p.testLoss);
      this.trainAcc.push(Number.isNaN(p.trainAccuracy) ? null : p.trainAccuracy);
      this.testAcc.push(Number.isNaN(p.testAccuracy) ? null : p.testAccuracy);
    }
    if (this.epochs.length > MAX_POINTS) {
      for (const a of [this.epochs, this.trainLoss, this.testLoss, this.trainAcc, this.testAcc] as unknown[][]) {
        const kept = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
        a.length = 0;
        a.push(...kept);
      }
    }
    this.changed ||= points.length > 0;
  }

  draw(): void {
    if (!this.changed) return;
    this.changed = false;
    // uPlot takes a finite range only: non-finite losses (a diverged run) are left out.
    const finite = (v: number[]) => v.map((x) => (Number.isFinite(x) ? x : null));
    this.loss.setData([this.epochs, finite(this.trainLoss), finite(this.testLoss)]);
    this.accuracy.setData([this.epochs, this.trainAcc, this.testAcc]);
  }

  get length(): number {
    return this.epochs.length;
  }
}
