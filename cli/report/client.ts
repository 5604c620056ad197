import type uPlot from 'uplot';
import type { ReportCharts } from './data.js';

/**
 * Draws the report's charts with uPlot. Runs in the browser: the page embeds this function's
 * source text and calls it with the data, so it must not use anything from its module (no
 * imports at run time, no outer variables). Sets `data-charts="drawn"` on <body> when done, and
 * `data-charts="failed"` with the message if anything throws.
 */
export function drawReport(data: ReportCharts, UPlot: typeof uPlot): void {
  const width = 560;
  const height = 300;

  function lineChart(id: string, title: string, chart: NonNullable<ReportCharts['accuracy']>, yLabel: string): void {
    const el = document.getElementById(id);
    if (!el) return;
    const dashed = (name: string) => name.startsWith('val_');
    const series: uPlot.Series[] = [{ label: 'epoch' }];
    chart.series.forEach((s, i) => {
      const colour = data.colors[i % data.colors.length]!;
      series.push({ label: s.name, stroke: colour, width: 2, dash: dashed(s.name) ? [6, 4] : [], points: { show: false } });
    });
    const aligned = [chart.epochs, ...chart.series.map((s) => s.values)] as unknown as uPlot.AlignedData;
    new UPlot(
      {
        title,
        width,
        height,
        series,
        scales: { x: { time: false } },
        axes: [{ label: 'epoch' }, { label: yLabel }],
        legend: { show: true },
      },
      aligned,
      el,
    );
  }

  function rgb(hex: string): [number, number, number] {
    const v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }

  /** Scatter series over a shared, sorted x array (uPlot's aligned data), one series per class. */
  function scatterData(xs: readonly number[], ys: readonly number[], cls: readonly number[], k: number): (number | null)[][] {
    const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
    const x = order.map((i) => xs[i]!);
    const series: (number | null)[][] = [];
    for (let c = 0; c < k; c++) series.push(order.map((i) => (cls[i] === c ? ys[i]! : null)));
    return [x, ...series];
  }

  function boundaryChart(): void {
    const b = data.boundary;
    const el = document.getElementById('boundary-chart');
    if (!b || !el) return;
    // The grid as an image, one pixel per cell, tinted by class and faded by confidence.
    const image = document.createElement('canvas');
    image.width = b.size;
    image.height = b.size;
    const ictx = image.getContext('2d')!;
    const pixels = ictx.createImageData(b.size, b.size);
    for (let i = 0; i < b.size * b.size; i++) {
      const [r, g, bl] = rgb(data.colors[b.cells[i]! % data.colors.length]!);
      const alpha = 0.15 + 0.45 * Math.max(0, Math.min(1, (b.confidence[i]! - 1 / b.classes.length) / (1 - 1 / b.classes.length)));
      pixels.data[4 * i] = r;
      pixels.data[4 * i + 1] = g;
      pixels.data[4 * i + 2] = bl;
      pixels.data[4 * i + 3] = Math.round(255 * alpha);
    }
    ictx.putImageData(pixels, 0, 0);
    const series: uPlot.Series[] = [{ label: b.xName }];
    b.classes.forEach((name, c) => {
      const colour = data.colors[c % data.colors.length]!;
      series.push({ label: name, stroke: colour, fill: colour, paths: () => null, points: { show: true, size: 6, width: 1, stroke: colour, fill: colour } });
    });
    new UPlot(
      {
        title: 'Predicted class (background) and data (points)',
        width,
        height: width,
        series,
        scales: { x: { time: false, auto: false, range: [b.xRange[0], b.xRange[1]] }, y: { auto: false, range: [b.yRange[0], b.yRange[1]] } },
        axes: [{ label: b.xName }, { label: b.yName }],
        cursor: { drag: { x: false, y: false } },
        hooks: {
          drawClear: [
            (u: uPlot) => {
              const { left, top, width: w, height: h } = u.bbox;
              u.ctx.save();
              u.ctx.imageSmoothingEnabled = true;
              u.ctx.drawImage(image, left, top, w, h);
              u.ctx.restore();
            },
          ],
        },
      },
      scatterData(b.points.x, b.points.y, b.points.cls, b.classes.length) as unknown as uPlot.AlignedData,
      el,
    );
  }

  function fitChart(): void {
    const f = data.fit;
    const el = document.getElementById('fit-chart');
    if (!f || !el) return;
    // Points and curve share one sorted x array; each is null where the other has its values.
    const entries: [number, number | null, number | null][] = [];
    f.points.x.forEach((x, i) => entries.push([x, f.points.y[i]!, null]));
    f.curve.x.forEach((x, i) => entries.push([x, null, f.curve.y[i]!]));
    entries.sort((a, b) => a[0] - b[0]);
    new UPlot(
      {
        title: 'Model fit',
        width,
        height,
        series: [
          { label: f.xName },
          { label: 'data', stroke: data.colors[0], fill: data.colors[0], paths: () => null, points: { show: true, size: 5, fill: data.colors[0] } },
          { label: 'model', stroke: data.colors[2], width: 2, spanGaps: true, points: { show: false } },
        ],
        scales: { x: { time: false } },
        axes: [{ label: f.xName }, { label: f.yName }],
      },
      [entries.map((e) => e[0]), entries.map((e) => e[1]), entries.map((e) => e[2])] as unknown as uPlot.AlignedData,
      el,
    );
  }

  try {
    lineChart('loss-chart', 'Loss', data.loss, 'loss');
    if (data.accuracy) lineChart('accuracy-chart', 'Accuracy', data.accuracy, 'accuracy');
    boundaryChart();
    fitChart();
    document.body.dataset.charts = 'drawn';
  } catch (e) {
    document.body.dataset.charts = 'failed';
    document.body.dataset.chartError = e instanceof Error ? e.message : String(e);
    throw e;
  }
}
