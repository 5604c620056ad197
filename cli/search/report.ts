import type uPlot from 'uplot';
import { writeFileAtomic, type JsonValue, type SearchResult, type Space } from '../../src/index.js';
import { formatMetric } from '../evaluation.js';
import { uplotAssets } from '../report/assets.js';
import { PALETTE } from '../report/data.js';
import type { ResultRow } from './results.js';

/** What the search report draws, embedded in the page as JSON. */
export interface SearchCharts {
  readonly metric: string;
  readonly direction: 'minimize' | 'maximize';
  /** Complete trials by number, with the best value so far at each. */
  readonly trials: { readonly number: number[]; readonly value: number[]; readonly best: number[] };
  /** Per parameter: its value (or choice index) and the trial's score. */
  readonly params: readonly { readonly name: string; readonly log: boolean; readonly labels: readonly string[] | undefined; readonly x: number[]; readonly y: number[] }[];
  readonly colors: readonly string[];
}

/**
 * Draws the search report's charts in the browser (its source text is embedded in the page, so it
 * uses nothing from its module): score per trial with the best-so-far line, and the score against
 * each parameter. Sets data-charts="drawn" (or "failed") on <body>.
 */
export function drawSearch(data: SearchCharts, UPlot: typeof uPlot): void {
  try {
    const width = 560;
    const height = 300;
    const dots = { show: true, size: 7, width: 1 };
    const trialsEl = document.getElementById('trials-chart');
    if (trialsEl) {
      new UPlot(
        {
          title: `${data.metric} per trial`,
          width,
          height,
          scales: { x: { time: false } },
          axes: [{ label: 'trial' }, { label: data.metric }],
          series: [
            { label: 'trial' },
            { label: data.metric, stroke: data.colors[0], width: 0, points: dots },
            { label: 'best so far', stroke: data.colors[1], width: 2, points: { show: false } },
          ],
        },
        [data.trials.number, data.trials.value, data.trials.best] as unknown as uPlot.AlignedData,
        trialsEl,
      );
    }
    const holder = document.getElementById('param-charts');
    data.params.forEach((p, i) => {
      if (!holder) return;
      const el = document.createElement('div');
      holder.appendChild(el);
      const order = p.x.map((_, k) => k).sort((a, b) => p.x[a]! - p.x[b]!);
      const labels = p.labels;
      new UPlot(
        {
          title: `${data.metric} against ${p.name}`,
          width,
          height,
          scales: { x: { time: false, distr: p.log ? 3 : 1, ...(labels ? { range: [-0.5, labels.length - 0.5] as [number, number] } : {}) } },
          axes: [
            { label: p.name, ...(labels ? { splits: () => labels.map((_, k) => k), values: () => [...labels] } : {}) },
            { label: data.metric },
          ],
          series: [{ label: p.name }, { label: data.metric, stroke: data.colors[(i + 2) % data.colors.length], width: 0, points: dots }],
        },
        [order.map((k) => p.x[k]!), order.map((k) => p.y[k]!)] as unknown as uPlot.AlignedData,
        el,
      );
    });
    document.body.dataset.charts = 'drawn';
  } catch (e) {
    document.body.dataset.charts = 'failed';
    document.body.dataset.error = e instanceof Error ? e.message : String(e);
  }
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface SearchReportInput {
  readonly command: string;
  readonly result: SearchResult;
  readonly metric: string;
  readonly space: Space;
  readonly rows: readonly ResultRow[];
}

/** The chart data: complete trials only (failed ones have no score). */
export function searchCharts(input: SearchReportInput): SearchCharts {
  const { result, space } = input;
  const done = result.trials.filter((t) => t.state === 'complete');
  const sign = result.direction === 'maximize' ? -1 : 1;
  let best = Infinity;
  const bests = done.map((t) => {
    best = Math.min(best, sign * t.value!);
    return sign * best;
  });
  const params = Object.entries(space).map(([name, spec]) => {
    const withIt = done.filter((t) => name in t.params);
    const labels = spec.type === 'categorical' ? spec.choices.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))) : undefined;
    const keys = spec.type === 'categorical' ? spec.choices.map((c) => JSON.stringify(c)) : [];
    return {
      name,
      log: spec.type !== 'categorical' && spec.log === true,
      labels,
      x: withIt.map((t) => (labels ? keys.indexOf(JSON.stringify(t.params[name])) : (t.params[name] as number))),
      y: withIt.map((t) => t.value!),
    };
  });
  return { metric: input.metric, direction: result.direction, trials: { number: done.map((t) => t.number), value: done.map((t) => t.value!), best: bests }, params, colors: PALETTE };
}

/** The search report as one self-contained HTML file (uPlot inlined), written atomically. */
export function writeSearchReport(path: string, input: SearchReportInput): void {
  const { js, css } = uplotAssets();
  const charts = searchCharts(input);
  const json = JSON.stringify(charts).replace(/</g, '\\u003c');
  const bestRow = input.rows.find((r) => r.rank === 1)!;
  const facts = Object.entries(input.result.best.params).map(([k, v]) => `<tr><th scope="row">${escape(k)}</th><td>${escape(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`).join('');
  const columns = ['number', 'state', 'value', 'value_std', 'rank', ...Object.keys(bestRow).filter((k) => k.startsWith('params_')), 'epochs_run', 'duration_s'];
  const cell = (v: JsonValue | undefined): string => (v === null || v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? formatMetric(v) : typeof v === 'string' ? v : JSON.stringify(v));
  const sorted = [...input.rows].sort((a, b) => ((a.rank as number | null) ?? Infinity) - ((b.rank as number | null) ?? Infinity));
  const table = `<table><thead><tr>${columns.map((c) => `<th>${escape(c.replace(/^params_/, ''))}</th>`).join('')}</tr></thead><tbody>${sorted.map((r) => `<tr>${columns.map((c) => `<td>${escape(cell(r[c]))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const script = `var __name = function (f) { return f; };\n(${drawSearch.toString()})(JSON.parse(document.getElementById('search-data').textContent), uPlot);`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>backprop search report</title>
<style>${css}</style>
<style>body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#1f2328}.grid{display:flex;flex-wrap:wrap;gap:24px}table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}th{background:#f6f8fa}code{background:#f6f8fa;padding:2px 4px}</style>
</head>
<body>
<h1>Hyperparameter search</h1>
<p><code>${escape(input.command)}</code></p>
<section id="best"><h2>Best configuration</h2><p>Trial ${input.result.best.number}: ${escape(input.metric)} ${escape(formatMetric(input.result.best.value))}</p><table>${facts}</table></section>
<section id="progress"><h2>Score per trial</h2><div id="trials-chart"></div></section>
<section id="parameters"><h2>Score against each parameter</h2><div class="grid" id="param-charts"></div></section>
<section id="table"><h2>All trials</h2>${table}</section>
<script type="application/json" id="search-data">${json}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
  writeFileAtomic(path, new TextEncoder().encode(html));
}
