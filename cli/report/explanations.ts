// The report's "Which columns matter" section: permutation importance of every column and partial
// dependence (with ICE curves) of the top ones, computed by the library on the held-out rows.
import { partialDependence, permutationImportance, type ModelWithPipeline, type Table } from '../../src/index.js';
import { drawExplanations } from './explainClient.js';
import type { DependencePlot, ExplanationData } from './data.js';

export type { DependencePlot, ExplanationData } from './data.js';

/** Columns whose partial dependence the report plots. */
export const TOP_COLUMNS = 3;
/** Rows scored for importance and averaged for partial dependence: enough for stable bars, quick on a big file. */
export const IMPORTANCE_ROWS = 2000;
export const DEPENDENCE_ROWS = 500;

/**
 * Importance (5 shuffles, seed 0) on the given rows of the table and partial dependence of the top
 * columns; undefined when the model has no column schema or the rows no target.
 */
export function explanationData(m: ModelWithPipeline, table: Table, rows: readonly number[] | undefined, on: string): ExplanationData | undefined {
  if (m.preprocessing.schema === undefined || table.y === undefined || (rows ?? { length: table.rows }).length < 2) return undefined;
  const imp = permutationImportance(m, table, { repeats: 5, seed: 0, maxRows: IMPORTANCE_ROWS, ...(rows ? { rows } : {}) });
  const dependence: DependencePlot[] = [];
  for (const c of imp.columns.slice(0, TOP_COLUMNS)) {
    if (c.kind === 'date') continue;
    const pd = partialDependence(m, table, c.column, { grid: 20, maxRows: DEPENDENCE_ROWS, iceRows: 30, seed: 0, ...(rows ? { rows } : {}) });
    // A binary model's two probabilities mirror each other: show the second class's only.
    const shown = pd.task === 'classification' && pd.outputs.length === 2 ? [1] : pd.outputs.map((_, k) => k);
    const single = shown.length === 1;
    const binary = single && pd.task === 'classification';
    dependence.push({
      column: pd.column,
      kind: pd.kind,
      grid: [...pd.grid],
      curves: shown.map((k) => ({ name: pd.outputs[k]!, average: [...pd.average[k]!] })),
      ice: single ? pd.ice.map((curve) => [...curve.values[shown[0]!]!]) : [],
      yLabel: binary ? `P(${pd.outputs[1]})` : single ? pd.outputs[0]! : pd.task === 'classification' ? 'probability' : 'prediction',
    });
  }
  return {
    on,
    importance: { metric: imp.metric, baseline: imp.baseline, rows: imp.rows, repeats: imp.repeats, seed: imp.seed, columns: imp.columns.map((c) => ({ column: c.column, mean: c.mean, std: c.std })) },
    dependence,
  };
}

/** The page's parts for the section: its HTML, its CSS, the JSON block and the script that draws it (after uPlot). */
export function explanationParts(e: ExplanationData | undefined, colors: readonly string[]): { html: string; css: string; json: string; script: string } {
  if (e === undefined) return { html: '', css: '', json: '', script: '' };
  const json = `<script type="application/json" id="explanation-data">${JSON.stringify(e).replace(/</g, '\\u003c')}</script>`;
  // As the report's own script: tsx wraps inner functions in __name(...), a no-op keeps the source valid.
  const code = `var __name = function (f) { return f; };\n(${drawExplanations.toString()})(JSON.parse(document.getElementById('explanation-data').textContent), uPlot, ${JSON.stringify(colors)});`;
  return { html: explanationSection(e), css: EXPLANATION_CSS, json, script: `<script>${code.replace(/<\/script/gi, '<\\/script')}</script>` };
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const METRIC: Record<string, string> = { accuracy: 'accuracy', logLoss: 'log loss', r2: 'R²', mae: 'MAE', rmse: 'RMSE' };

function fixed(v: number, dp: number): string {
  return (v < 0 ? '−' : '') + Math.abs(v).toFixed(dp);
}

/** The section's HTML: the importance chart (bars with ± std whiskers) and a plot per top column. */
export function explanationSection(e: ExplanationData): string {
  const imp = e.importance;
  const metric = METRIC[imp.metric] ?? imp.metric;
  const top = Math.max(...imp.columns.map((c) => c.mean + c.std), 1e-12);
  const dp = Math.min(6, Math.max(2, 3 - Math.floor(Math.log10(Math.max(...imp.columns.map((c) => Math.abs(c.mean)), 1e-12)))));
  const pct = (v: number) => `${Math.max(0, Math.min(100, (100 * v) / top)).toFixed(1)}%`;
  const rows = imp.columns.map((c, i) => {
    const bar = `<span class="imp-bar" style="width:${pct(Math.max(0, c.mean))}"></span>` +
      `<span class="imp-whisker" style="left:${pct(Math.max(0, c.mean - c.std))};width:${pct(Math.min(c.mean + c.std, top) - Math.max(0, c.mean - c.std))}"></span>`;
    return `<tr data-column="${escape(c.column)}" data-mean="${c.mean}" data-std="${c.std}"><td>${i + 1}</td><th scope="row">${escape(c.column)}</th>` +
      `<td>${fixed(c.mean, dp)}</td><td>± ${c.std.toFixed(dp)}</td><td class="imp">${bar}</td></tr>`;
  }).join('');
  const plots = e.dependence.map((d, i) => (d.kind === 'numeric' ? `<div id="pd-${i}-plot" class="pd-plot" data-column="${escape(d.column)}"></div>` : categoricalPlot(d, i))).join('');
  return `<section id="explanations"><h2>Which columns matter <small>(${escape(e.on)})</small></h2>` +
    `<p class="lead">Permutation importance: each column's values shuffled ${imp.repeats} times (seed ${imp.seed}) over ${imp.rows} rows, the whole saved pipeline and the model run again; ` +
    `the bar is the ${metric} lost (mean), the whisker ± one standard deviation over the shuffles. Baseline ${metric} <span id="importance-baseline" data-v="${imp.baseline}">${imp.baseline.toFixed(4)}</span>. ` +
    'A column within its whisker of 0 is not used.</p>' +
    `<table class="importance"><thead><tr><th>#</th><th>column</th><th>${escape(metric)} lost</th><th>spread</th><th></th></tr></thead><tbody>${rows}</tbody></table>` +
    (e.dependence.length > 0
      ? '<h3>Partial dependence of the top columns</h3><p class="lead">The mean prediction (thick line) when every row\'s column is set to each value, the rest of the row kept; ' +
        'thin lines are single rows (ICE curves). Parallel thin lines: the column acts alone; crossing lines: it interacts with others.</p>' +
        `<div class="grid">${plots}</div>`
      : '') +
    '</section>';
}

/** A categorical column's partial dependence as bars, one row per category. */
function categoricalPlot(d: DependencePlot, i: number): string {
  const all = d.curves.flatMap((c) => c.average);
  const lo = Math.min(0, ...all);
  const hi = Math.max(...all, lo + 1e-12);
  const rows = d.grid.map((g, k) => `<tr><th scope="row">${escape(String(g))}</th>${d.curves.map((c) => `<td data-v="${c.average[k]}">${c.average[k]!.toPrecision(4)}</td><td class="bar"><span style="width:${((100 * (c.average[k]! - lo)) / (hi - lo)).toFixed(1)}%"></span></td>`).join('')}</tr>`).join('');
  const head = d.curves.map((c) => `<th colspan="2">${escape(d.curves.length === 1 ? d.yLabel : c.name)}</th>`).join('');
  return `<div id="pd-${i}-plot" class="pd-plot pd-categorical" data-column="${escape(d.column)}"><h4>${escape(d.column)}</h4><table><thead><tr><th>${escape(d.column)}</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

export const EXPLANATION_CSS = `
table.importance td.imp { width: 260px; position: relative; }
td.imp .imp-bar { display: block; height: 12px; background: #4e79a7; border-radius: 2px; }
td.imp .imp-whisker { position: absolute; top: 50%; height: 0; border-top: 2px solid #1f2328; }
.pd-categorical td.bar { width: 160px; } .pd-categorical td.bar span { display: block; height: 12px; background: #4e79a7; border-radius: 2px; }
.pd-plot h4 { margin: 4px 0; }
`;
