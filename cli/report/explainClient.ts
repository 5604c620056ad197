import type uPlot from 'uplot';
import type { ExplanationData } from './data.js';

/**
 * Draws the numeric partial-dependence plots (uPlot: ICE curves thin and grey, the mean thick).
 * Runs in the browser from its source text, as drawReport: nothing from its module at run time.
 * Sets `data-explanations="drawn"` (or "failed") on <body>.
 */
export function drawExplanations(data: ExplanationData, UPlot: typeof uPlot, colors: readonly string[]): void {
  try {
    data.dependence.forEach((d, i) => {
      const el = document.getElementById(`pd-${i}-plot`);
      if (!el || d.kind !== 'numeric') return;
      const x = d.grid as readonly number[];
      const series: uPlot.Series[] = [{ label: d.column }];
      d.ice.forEach((_, k) => series.push({ label: k === 0 ? 'rows (ICE)' : '', stroke: 'rgba(87,96,106,0.25)', width: 1, points: { show: false } }));
      d.curves.forEach((c, k) => series.push({ label: d.curves.length === 1 ? `mean ${d.yLabel}` : c.name, stroke: colors[k % colors.length]!, width: 3, points: { show: d.grid.length < 12 } }));
      new UPlot(
        {
          title: `${d.column}`,
          width: 360,
          height: 240,
          series,
          scales: { x: { time: false } },
          axes: [{ label: d.column }, { label: d.yLabel }],
          legend: { show: false },
        },
        [x, ...d.ice, ...d.curves.map((c) => c.average)] as unknown as uPlot.AlignedData,
        el,
      );
    });
    document.body.dataset.explanations = 'drawn';
  } catch (e) {
    document.body.dataset.explanations = 'failed';
    document.body.dataset.explanationError = e instanceof Error ? e.message : String(e);
    throw e;
  }
}
