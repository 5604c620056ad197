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

  interface Line {
    readonly label: string;
    readonly colour: string;
    readonly dash: boolean;
    readonly values: readonly (number | null)[];
  }

  /** Lines over the epochs; `log` plots only the positive values, on a log10 axis. */
  function epochChart(id: string, title: string, epochs: readonly number[], lines: readonly Line[], yLabel: string, y: { log?: boolean; range?: [number, number] }): void {
    const el = document.getElementById(id);
    if (!el || lines.length === 0) return;
    const series: uPlot.Series[] = [{ label: 'epoch' }];
    for (const l of lines) series.push({ label: l.label, stroke: l.colour, width: 2, dash: l.dash ? [6, 4] : [], spanGaps: true, points: { show: epochs.length === 1 } });
    const clean = (v: number | null) => (v === null || (y.log && !(v > 0)) ? null : v);
    const aligned = [epochs, ...lines.map((l) => l.values.map(clean))] as unknown as uPlot.AlignedData;
    const yScale: uPlot.Scale = y.log ? { distr: 3, log: 10 } : y.range ? { auto: false, range: y.range } : {};
    // Log ticks as powers of ten, 10⁻⁴ (uPlot's default prints 0.0001 as "0" at this width).
    const sup = (k: number) => String(k).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]!);
    const logTicks = (_u: uPlot, ticks: number[]) =>
      ticks.map((v) => {
        const k = Math.round(Math.log10(v));
        return Math.abs(Math.log10(v) - k) < 1e-9 ? (k === 0 ? '1' : `10${sup(k)}`) : '';
      });
    new UPlot(
      {
        title,
        width,
        height,
        series,
        scales: { x: { time: false }, y: yScale },
        axes: [{ label: 'epoch' }, { label: yLabel, ...(y.log ? { values: logTicks } : {}) }],
        // Many lines: a compact legend of names, no hover values.
        legend: { show: true, live: false },
      },
      aligned,
      el,
    );
  }

  function insideCharts(): void {
    const s = data.inside;
    if (!s) return;
    const colour = (i: number) => data.colors[i % data.colors.length]!;
    const name = (l: (typeof s.layers)[number]) => `${l.name} (${l.activation})`;
    epochChart(
      'activation-chart',
      'Layer outputs: std (solid) and mean (dashed)',
      s.epochs,
      s.layers.flatMap((l, i) => [
        { label: `${name(l)} std`, colour: colour(i), dash: false, values: l.std },
        { label: `${name(l)} mean`, colour: colour(i), dash: true, values: l.mean },
      ]),
      'output a = g(z)',
      {},
    );
    const fractions: Line[] = [];
    s.layers.forEach((l, i) => {
      if (l.saturated) fractions.push({ label: `${name(l)} saturated`, colour: colour(i), dash: false, values: l.saturated });
      if (l.dead) fractions.push({ label: `${name(l)} dead`, colour: colour(i), dash: true, values: l.dead });
    });
    epochChart('saturation-chart', 'Saturated outputs (sigmoid, tanh), dead units (ReLU)', s.epochs, fractions, 'fraction', { range: [0, 1] });
    epochChart('gradient-chart', 'Gradient norm ‖∂J/∂θ‖ per layer', s.epochs, s.layers.map((l, i) => ({ label: name(l), colour: colour(i), dash: false, values: l.gradientNorm })), 'norm (log scale)', { log: true });
    const healthy: Line = { label: '10⁻³', colour: '#8c959f', dash: true, values: s.epochs.map(() => 1e-3) };
    epochChart(
      'update-chart',
      'Update-to-weight ratio ‖ΔW‖ / ‖W‖ per step',
      s.epochs,
      [...s.layers.map((l, i) => ({ label: name(l), colour: colour(i), dash: false, values: l.updateRatio })), healthy],
      'ratio (log scale)',
      { log: true },
    );
  }

  /**
   * A path builder for uPlot's xy mode: the points in their order, joined by a line when `line`,
   * each a dot of `radius` CSS pixels (the stroke path gets the line, the fill path the dots).
   */
  function xyPaths(line: boolean, radius: number): uPlot.Series.PathBuilder {
    return (u, si) => {
      const [xs, ys] = u.data[si] as unknown as [number[], number[]];
      const r = radius * (devicePixelRatio || 1);
      const stroke = new Path2D();
      const fill = new Path2D();
      xs.forEach((xv, i) => {
        const x = u.valToPos(xv, 'x', true);
        const y = u.valToPos(ys[i]!, 'y', true);
        if (line) {
          if (i === 0) stroke.moveTo(x, y);
          else stroke.lineTo(x, y);
        }
        fill.moveTo(x + r, y);
        fill.arc(x, y, r, 0, 2 * Math.PI);
      });
      if (!line) stroke.addPath(fill);
      return { stroke, fill, clip: null, band: null, flags: 0 };
    };
  }

  /** [min, max] of values widened by `pad` of their span on both sides (markers are not clipped). */
  function padded(values: readonly number[], pad: number): [number, number] {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const span = hi - lo || Math.abs(hi) || 1;
    return [lo - pad * span, hi + pad * span];
  }

  /** The PCA projection of the parameters' path (uPlot's xy mode), start and end marked, epochs labelled. */
  function trajectoryChart(): void {
    const t = data.trajectory;
    const el = document.getElementById('trajectory-chart');
    if (!t || !el) return;
    const n = t.x.length;
    const facets: uPlot.Series.Facet[] = [
      { scale: 'x', auto: false },
      { scale: 'y', auto: false },
    ];
    const path = data.colors[0]!;
    const start = data.colors[4]!;
    const end = data.colors[2]!;
    const pct = (v: number) => `${(100 * v).toFixed(v >= 0.1 ? 0 : 1)}%`;
    const epochText = (e: number) => (Number.isInteger(e) ? String(e) : e.toFixed(1));
    const first = t.epoch[0]!;
    const last = t.epoch[n - 1]!;
    new UPlot(
      {
        mode: 2,
        title: 'Parameter trajectory on the first two principal components',
        width,
        height: 420,
        scales: { x: { time: false, auto: false, range: padded(t.x, 0.06) }, y: { auto: false, range: padded(t.y, 0.08) } },
        axes: [{ label: `PC1 (${pct(t.explained[0])} of variance)` }, { label: `PC2 (${pct(t.explained[1])} of variance)` }],
        legend: { live: false },
        cursor: { show: false },
        series: [
          {},
          { label: `path (${n} snapshots)`, stroke: path, fill: path, width: 1.5, facets, paths: xyPaths(true, 2) },
          { label: `start (epoch ${epochText(first)})`, stroke: '#fff', fill: start, width: 2, facets, paths: xyPaths(false, 7) },
          { label: `end (epoch ${epochText(last)})`, stroke: '#fff', fill: end, width: 2, facets, paths: xyPaths(false, 7) },
        ],
        hooks: {
          draw: [
            (u: uPlot) => {
              const ctx = u.ctx;
              const dpr = devicePixelRatio || 1;
              const placed: [number, number][] = [];
              ctx.save();
              ctx.font = `${12 * dpr}px system-ui, sans-serif`;
              ctx.fillStyle = '#1f2328';
              ctx.textBaseline = 'bottom';
              ctx.textAlign = 'left';
              // The start and the end, then five points evenly spaced along the drawn path (where
              // the weights move fast, labels are far apart in epochs), skipping any that would overlap.
              const xy = t.x.map((x, i) => [u.valToPos(x, 'x', true), u.valToPos(t.y[i]!, 'y', true)] as const);
              const along = [0];
              for (let i = 1; i < n; i++) along.push(along[i - 1]! + Math.hypot(xy[i]![0] - xy[i - 1]![0], xy[i]![1] - xy[i - 1]![1]));
              const wanted = [0, n - 1];
              for (let k = 1; k < 6; k++) {
                const i = along.findIndex((d) => d >= (along[n - 1]! * k) / 6);
                if (i > 0 && i < n - 1 && !wanted.includes(i)) wanted.push(i);
              }
              for (const i of wanted) {
                const [px, py] = xy[i]!;
                if (placed.some(([x, y]) => Math.hypot(x - px, y - py) < 32 * dpr)) continue;
                placed.push([px, py]);
                const text = `${i === 0 || i === n - 1 ? 'epoch ' : ''}${epochText(t.epoch[i]!)}`;
                // Keep the label inside the plot: to the left of points near the right edge.
                const w = ctx.measureText(text).width;
                const right = px + 9 * dpr + w > u.bbox.left + u.bbox.width;
                ctx.fillText(text, right ? px - 9 * dpr - w : px + 9 * dpr, py - 5 * dpr);
              }
              ctx.restore();
            },
          ],
        },
      },
      [null, [t.x, t.y], [[t.x[0]!], [t.y[0]!]], [[t.x[n - 1]!], [t.y[n - 1]!]]] as unknown as uPlot.AlignedData,
      el,
    );
  }

  /** A scatter of (x, y) points (uPlot's xy mode) with a dashed reference line through `line`. */
  function scatterChart(id: string, title: string, labels: [string, string], xs: readonly number[], ys: readonly number[], line: { label: string; x: [number, number]; y: [number, number] }): void {
    const el = document.getElementById(id);
    if (!el || xs.length === 0) return;
    const facets: uPlot.Series.Facet[] = [
      { scale: 'x', auto: false },
      { scale: 'y', auto: false },
    ];
    const dots = data.colors[0]!;
    new UPlot(
      {
        mode: 2,
        title,
        width,
        height: width,
        scales: { x: { time: false, auto: false, range: padded([...xs, ...line.x], 0.04) }, y: { auto: false, range: padded([...ys, ...line.y], 0.04) } },
        axes: [{ label: labels[0] }, { label: labels[1] }],
        legend: { live: false },
        cursor: { show: false },
        series: [
          {},
          { label: `rows (${xs.length})`, stroke: dots, fill: dots, width: 0, facets, paths: xyPaths(false, 2.5) },
          { label: line.label, stroke: '#57606a', width: 1.5, dash: [6, 4], facets, paths: xyPaths(true, 0) },
        ],
      },
      [null, [xs, ys], [line.x, line.y]] as unknown as uPlot.AlignedData,
      el,
    );
  }

  /** Per regression output: predicted against actual (with y = x) and residual against predicted (with 0). */
  function residualCharts(): void {
    const r = data.residuals;
    if (!r) return;
    r.outputs.forEach((o, i) => {
      const all = [...o.actual, ...o.predicted];
      const lo = Math.min(...all);
      const hi = Math.max(...all);
      scatterChart(`predicted-${i}-chart`, `${o.name}: predicted against actual`, [`actual ${o.name}`, `predicted ${o.name}`], o.actual, o.predicted, { label: 'y = x', x: [lo, hi], y: [lo, hi] });
      const plo = Math.min(...o.predicted);
      const phi = Math.max(...o.predicted);
      scatterChart(`residual-${i}-chart`, `${o.name}: residuals`, [`predicted ${o.name}`, 'residual (actual − predicted)'], o.predicted, o.residual, { label: 'residual 0', x: [plo, phi], y: [0, 0] });
    });
  }

  try {
    lineChart('loss-chart', 'Loss', data.loss, 'loss');
    if (data.accuracy) lineChart('accuracy-chart', 'Accuracy', data.accuracy, 'accuracy');
    boundaryChart();
    fitChart();
    residualCharts();
    insideCharts();
    trajectoryChart();
    document.body.dataset.charts = 'drawn';
  } catch (e) {
    document.body.dataset.charts = 'failed';
    document.body.dataset.chartError = e instanceof Error ? e.message : String(e);
    throw e;
  }
}
