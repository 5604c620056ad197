import type { Table } from '../../src/index.js';
import { formatMetric, precisionRecall, type SetMetrics } from '../evaluation.js';
import { taskName } from '../describe.js';
import type { Task } from '../../src/index.js';
import { uplotAssets } from './assets.js';
import { drawReport } from './client.js';
import { explanationParts, type ExplanationData } from './explanations.js';
import { PALETTE, type BoundaryData, type ChartSeries, type FitData, type InsideData, type ReportCharts, type ResidualData, type TrajectoryData } from './data.js';

/** Everything a training report shows. */
export interface ReportInput {
  readonly title: string;
  readonly command: string;
  readonly dataLabel: string;
  readonly table: Table;
  readonly task: Task;
  readonly split: { readonly train: number; readonly validation: number; readonly stratified: boolean };
  readonly settings: readonly (readonly [string, string])[];
  readonly summary: string;
  readonly history: { readonly epoch: readonly number[]; readonly history: Readonly<Record<string, readonly number[]>> };
  readonly metrics: { readonly training: SetMetrics; readonly validation: SetMetrics | undefined };
  readonly confusion: { readonly on: string; readonly classes: readonly string[]; readonly matrix: readonly (readonly number[])[] } | undefined;
  readonly boundary: BoundaryData | undefined;
  readonly fit: FitData | undefined;
  readonly residuals: ResidualData | undefined;
  readonly inside: InsideData | undefined;
  readonly trajectory: TrajectoryData | undefined;
  /** Why a part of "Inside the network" is missing, when it is. */
  readonly insideNote: string | undefined;
  readonly notes: readonly string[];
  /** "Which columns matter": importance and partial dependence, when the model has a column schema. */
  readonly explanations?: ExplanationData | undefined;
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function series(history: ReportInput['history'], names: readonly string[]): ChartSeries | undefined {
  const present = names.filter((n) => history.history[n] !== undefined);
  if (present.length === 0) return undefined;
  return { epochs: history.epoch.map((e) => e + 1), series: present.map((name) => ({ name, values: history.history[name]!.map(finiteOrNull) })) };
}

function table(header: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const head = `<tr>${header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escape(c)}</th>` : `<td>${escape(c)}</td>`)).join('')}</tr>`).join('');
  return `<table class="${cls}"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function metricsTable(m: ReportInput['metrics']): string {
  const keys: Exclude<keyof SetMetrics, 'outputs'>[] = ['rows', 'loss', 'accuracy', 'mae', 'rmse', 'r2'];
  const label: Record<string, string> = { rows: 'rows', loss: 'loss', accuracy: 'accuracy', mae: 'MAE', rmse: 'RMSE', r2: 'R²' };
  const rows = keys
    .filter((k) => m.training[k] !== undefined)
    .map((k) => [label[k]!, k === 'rows' ? String(m.training[k]) : formatMetric(m.training[k]), m.validation ? (k === 'rows' ? String(m.validation[k]) : formatMetric(m.validation[k])) : '—']);
  return table(['metric', 'training', 'validation'], rows, 'metrics');
}

function confusionTable(c: NonNullable<ReportInput['confusion']>): string {
  const { precision, recall } = precisionRecall(c.matrix);
  // A class never predicted (or absent) has no precision (recall): "—" with why, not NaN (gss_cat's "No answer").
  const cell = (v: number | undefined, why: string) => (v === undefined || Number.isNaN(v) ? `<td class="pr" title="${why}">—</td>` : `<td class="pr">${formatMetric(v)}</td>`);
  const head = `<tr><th>true ↓ / predicted →</th>${c.classes.map((k) => `<th>${escape(k)}</th>`).join('')}<th>recall</th></tr>`;
  const body = c.matrix
    .map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      const cells = row.map((v, j) => {
        const share = v / total;
        const tint = i === j ? `rgba(89,161,79,${(0.15 + 0.75 * share).toFixed(3)})` : `rgba(225,87,89,${(share === 0 ? 0 : 0.15 + 0.75 * share).toFixed(3)})`;
        return `<td style="background:${tint}">${v}</td>`;
      });
      return `<tr><th scope="row">${escape(c.classes[i]!)}</th>${cells.join('')}${cell(recall[i], 'no rows of this class')}</tr>`;
    })
    .join('');
  const foot = `<tr><th scope="row">precision</th>${precision.map((p) => cell(p, 'never predicted')).join('')}<td></td></tr>`;
  return `<table class="confusion"><thead>${head}</thead><tbody>${body}${foot}</tbody></table>`;
}

function dataSection(input: ReportInput): string {
  const t = input.table;
  const rows: [string, string][] = [
    ['source', input.dataLabel],
    ['rows', String(t.rows)],
    ['features', `${t.featureNames.length}: ${t.featureNames.slice(0, 12).join(', ')}${t.featureNames.length > 12 ? ', …' : ''}`],
    ['target', t.schema.target?.names.join(', ') ?? '—'],
    ['task', taskName(input.task)],
    ['split', `${input.split.train} training / ${input.split.validation} validation rows${input.split.stratified ? ' (stratified)' : ''}`],
  ];
  const categorical = t.schema.inputs.filter((c) => c.kind === 'categorical');
  if (categorical.length > 0) rows.push(['one-hot encoded', categorical.map((c) => `${c.name} (${c.kind === 'categorical' ? c.categories.length : 0})`).join(', ')]);
  let balance = '';
  const y = t.y;
  if (y?.kind === 'classes') {
    const max = Math.max(...y.counts);
    const bars = y.classes
      .map((c, k) => {
        const n = y.counts[k]!;
        const pct = ((100 * n) / t.rows).toFixed(1);
        return `<tr><th scope="row">${escape(String(c))}</th><td>${n}</td><td>${pct}%</td><td class="bar"><span style="width:${((100 * n) / max).toFixed(1)}%;background:${PALETTE[k % PALETTE.length]}"></span></td></tr>`;
      })
      .join('');
    balance = `<h3>Class balance</h3><table class="balance"><thead><tr><th>class</th><th>rows</th><th>share</th><th></th></tr></thead><tbody>${bars}</tbody></table>`;
  }
  return `<section id="data"><h2>Data</h2>${table(['', ''], rows, 'facts')}${balance}</section>`;
}

/** Regression: per output, predicted against actual and the residuals, and its metrics. */
function residualSection(r: ResidualData): string {
  const rows = r.outputs.map((o) => [o.name, formatMetric(o.mse), formatMetric(o.mae), formatMetric(o.r2)]);
  const charts = r.outputs.map((_, i) => `<div id="predicted-${i}-chart"></div><div id="residual-${i}-chart"></div>`).join('');
  return (
    `<section id="residuals"><h2>Predictions <small>(${r.on} rows)</small></h2>` +
    `<p class="lead">Per output, in the target's units: each ${r.on} row's prediction against its actual value (on the dashed line y = x when exact), ` +
    'and the residual actual − predicted against the prediction (a good fit scatters evenly around 0, with no trend or funnel).</p>' +
    `${table(['output', 'MSE', 'MAE', 'R²'], rows, 'metrics')}<div class="grid">${charts}</div></section>`
  );
}

function percent(v: number): string {
  return `${(100 * v).toFixed(v >= 0.1 ? 0 : 1)}%`;
}

/** "Inside the network": per-layer statistics over the epochs and the parameters' path. */
function insideSection(input: ReportInput): string {
  const s = input.inside;
  const t = input.trajectory;
  if (!s && !t) return '';
  const parts: string[] = ['<section id="inside"><h2>Inside the network</h2>'];
  if (s) {
    const every = s.epochs.length > 1 ? s.epochs[1]! - s.epochs[0]! : 1;
    const fractions = s.layers.some((l) => l.saturated !== null || l.dead !== null);
    parts.push(
      `<p class="lead">Per Dense layer, measured on the training batches of ${every === 1 ? 'every epoch' : `every ${every}th epoch`} while it trained. ` +
        'Healthy layers keep a spread of outputs (std neither collapsing to 0 nor pinned at the saturated tails), ' +
        'gradient norms that neither vanish nor explode from layer to layer, and updates of about 10⁻³ of the weights per step (dashed line). ' +
        'A saturated sigmoid output layer is a confident classifier, not a problem; saturated or dead hidden layers stop passing gradients back.</p>',
      '<div class="grid"><div id="activation-chart"></div>',
      fractions ? '<div id="saturation-chart"></div>' : '',
      '<div id="gradient-chart"></div><div id="update-chart"></div></div>',
    );
  }
  if (t) {
    const explained = t.explained[0] + t.explained[1];
    parts.push(
      '<h3>Parameter trajectory</h3>',
      `<p class="lead">All ${t.parameters.toLocaleString('en-US')} trainable parameters, recorded ${t.epoch.length} times from the initial weights to the trained ones, ` +
        `projected on the path's first two principal components: PC1 explains ${percent(t.explained[0])} and PC2 ${percent(t.explained[1])} of its variance ` +
        `(${percent(explained)} together). Labels are epochs.</p>`,
      '<div id="trajectory-chart"></div>',
    );
  }
  if (input.insideNote) parts.push(`<p class="lead">${escape(input.insideNote)}</p>`);
  parts.push('</section>');
  return parts.join('');
}

export const CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
body { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 1rem; margin: 16px 0 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: #f6f8fa; padding: 12px; border-radius: 6px; overflow-x: auto; }
.lead { color: #57606a; margin: 0 0 8px; }
.grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 6px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: right; }
th { background: #f6f8fa; } th[scope=row] { text-align: left; }
table.facts thead { display: none; } table.facts td { text-align: left; }
td.bar { width: 220px; } td.bar span { display: block; height: 12px; border-radius: 2px; }
table.confusion td { min-width: 48px; text-align: center; } td.pr { background: #f6f8fa; }
.notes li { color: #57606a; }
footer { margin-top: 40px; color: #57606a; font-size: 0.8rem; }
`;

/**
 * The report as one self-contained HTML file: uPlot's script and stylesheet inlined, the chart
 * data embedded as JSON (`<script type="application/json" id="report-data">`, a ReportCharts),
 * the charts drawn on load by `drawReport`. Opens offline in any browser.
 */
export function reportHtml(input: ReportInput): string {
  const { js, css } = uplotAssets();
  const charts: ReportCharts = {
    loss: series(input.history, ['loss', 'val_loss'])!,
    accuracy: series(input.history, ['accuracy', 'val_accuracy']),
    boundary: input.boundary,
    fit: input.fit,
    residuals: input.residuals,
    inside: input.inside,
    trajectory: input.trajectory,
    colors: PALETTE,
  };
  const json = JSON.stringify(charts).replace(/</g, '\\u003c');
  const settings = table(['', ''], input.settings.map(([k, v]) => [k, v]), 'facts');
  const boundary = input.boundary ? `<section id="boundary"><h2>Decision boundary</h2><div id="boundary-chart"></div></section>` : '';
  const fit = input.fit ? `<section id="fit"><h2>Model fit</h2><div id="fit-chart"></div></section>` : '';
  const residuals = input.residuals ? residualSection(input.residuals) : '';
  const confusion = input.confusion
    ? `<section id="confusion"><h2>Confusion matrix <small>(${escape(input.confusion.on)} rows)</small></h2>${confusionTable(input.confusion)}</section>`
    : '';
  const explained = explanationParts(input.explanations, PALETTE);
  const notes = input.notes.length > 0 ? `<ul class="notes">${input.notes.map((n) => `<li>${escape(n)}</li>`).join('')}</ul>` : '';
  // tsx (esbuild with keepNames) wraps inner functions in __name(...); a no-op keeps the source valid anywhere.
  // The data sits in its own JSON block so that anything (a test, a user's script) can read it back.
  const script = `var __name = function (f) { return f; };\n(${drawReport.toString()})(JSON.parse(document.getElementById('report-data').textContent), uPlot);`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(input.title)}</title>
<style>${css}</style>
<style>${CSS}${explained.css}</style>
</head>
<body>
<header><h1>${escape(input.title)}</h1><p class="lead"><code>${escape(input.command)}</code></p>${notes}</header>
<section id="results"><h2>Results</h2>${metricsTable(input.metrics)}</section>
<section id="curves"><h2>Training curves</h2><div class="grid"><div id="loss-chart"></div><div id="accuracy-chart"></div></div></section>
${boundary}${fit}${residuals}${confusion}
${explained.html}
${insideSection(input)}
${dataSection(input)}
<section id="model"><h2>Model</h2>${settings}<pre>${escape(input.summary)}</pre></section>
<footer>Written by backprop. Charts drawn with uPlot (MIT), inlined so the file works offline.</footer>
<script type="application/json" id="report-data">${json}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
${explained.json}${explained.script}
</body>
</html>
`;
}
