// `evaluate --report`: a saved model on a labelled file, as one self-contained HTML page: the
// metrics, which columns matter and the partial dependence of the top ones.
import { writeFileAtomic, type LoadedModel, type Table } from '../../src/index.js';
import { formatMetric } from '../evaluation.js';
import { uplotAssets } from './assets.js';
import { PALETTE } from './data.js';
import { explanationData, explanationParts } from './explanations.js';
import { CSS } from './html.js';

export interface EvaluationOutcome {
  readonly command: string;
  readonly modelPath: string;
  readonly dataPath: string;
  readonly loaded: LoadedModel;
  /** The file as read (not transformed in place). */
  readonly table: Table;
  readonly metrics: readonly (readonly [string, number])[];
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function evaluationReportHtml(o: EvaluationOutcome): string {
  const { js, css } = uplotAssets();
  const explained = explanationParts(explanationData(o.loaded, o.table, undefined, `${o.table.rows} rows of ${o.dataPath}`), PALETTE);
  const title = `backprop evaluation: ${o.modelPath} on ${o.dataPath}`;
  const metrics = o.metrics.map(([k, v]) => `<tr><th scope="row">${escape(k)}</th><td>${formatMetric(v)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${css}</style>
<style>${CSS}${explained.css}</style>
</head>
<body>
<header><h1>${escape(title)}</h1><p class="lead"><code>${escape(o.command)}</code></p></header>
<section id="results"><h2>Results <small>(${o.table.rows} rows)</small></h2><table class="metrics"><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>${metrics}</tbody></table></section>
${explained.html}
<footer>Written by backprop. Charts drawn with uPlot (MIT), inlined so the file works offline.</footer>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
${explained.json}${explained.script}
</body>
</html>
`;
}

/** Writes the evaluation report (atomically, like the model). */
export function writeEvaluationReport(path: string, o: EvaluationOutcome): void {
  writeFileAtomic(path, new TextEncoder().encode(evaluationReportHtml(o)));
}
