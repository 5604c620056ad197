import cliProgress from 'cli-progress';
import type { SearchProgress as Progress, TrialRecord } from '../../src/index.js';
import { formatMetric } from '../evaluation.js';
import type { Printer } from '../io.js';

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const r = Math.max(0, Math.round(s));
  return r >= 60 ? `${Math.floor(r / 60)}m${String(r % 60).padStart(2, '0')}s` : `${r}s`;
}

/**
 * The search's progress: in a terminal a bar of trials done with the best value so far and the
 * ETA; otherwise a line per finished trial; with --json one JSON object per trial event.
 */
export class SearchProgress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly start = performance.now();
  private doneHere = 0;

  constructor(
    private readonly mode: 'tty' | 'plain' | 'json',
    private readonly printer: Printer,
    private readonly metric: string,
  ) {}

  update(t: TrialRecord, p: Progress): void {
    if (this.mode === 'json') {
      this.printer.event({ event: 'trial', ...t });
      return;
    }
    if (t.state === 'running') return;
    this.doneHere++;
    const elapsed = (performance.now() - this.start) / 1000;
    const eta = ((p.total - p.finished) * elapsed) / this.doneHere;
    const best = p.best ? `${formatMetric(p.best.value)} (#${p.best.number})` : '—';
    if (this.mode === 'plain') {
      const what = t.state === 'fail' ? `failed: ${t.error}` : `${t.state} ${this.metric} ${formatMetric(t.value)}`;
      this.printer.line(`trial ${String(t.number).padStart(3)} ${what}  [${p.finished}/${p.total}, best ${best}, ${seconds(t.durationS ?? 0)}, ETA ${seconds(eta)}]`);
      return;
    }
    if (this.bar === undefined) {
      this.bar = new cliProgress.SingleBar({ format: `trials |{bar}| {value}/{total} | best ${this.metric} {best} | ETA {eta_s}`, hideCursor: true, clearOnComplete: false, stream: process.stdout }, cliProgress.Presets.shades_classic);
      this.bar.start(p.total, p.finished, { best, eta_s: seconds(eta) });
    }
    this.bar.update(p.finished, { best, eta_s: seconds(eta) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
