/**
 * The "why here?" bars beside the output plot: for the point under the mouse, each input
 * feature's push on the output (integrated gradients from the origin), right for up, left for
 * down, with its number. Every number carries its full value in data-v (the tests read it).
 */
import type { PointAttribution } from '../attribution.js';
import { featureLabel } from '../features.js';
import { fmt } from './dom.js';

export function renderAttribution(panel: HTMLElement, a: PointAttribution, axisNames: [string, string]): void {
  const doc = panel.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const num = (v: number, key: string, cls = 'num'): HTMLElement => {
    const s = el('span', cls, fmt(v));
    s.dataset.key = key;
    s.dataset.v = String(v);
    return s;
  };
  const head = el('p', 'attr-head');
  head.append(`at (${a.point.map((v) => fmt(v)).join(', ')}): ${a.label} = `, num(a.output, 'output'), ', at the origin ', num(a.baselineOutput, 'baseline'));
  const top = Math.max(...a.attributions.map(Math.abs), 1e-12);
  const rows = a.features.map((f, j) => {
    const row = el('div', 'attr-row');
    row.dataset.feature = f;
    const name = el('span', 'attr-name', featureLabel(f, axisNames));
    const track = el('span', 'attr-track');
    const bar = el('span', a.attributions[j]! >= 0 ? 'attr-bar up' : 'attr-bar down');
    const width = (50 * Math.abs(a.attributions[j]!)) / top;
    bar.style.width = `${width.toFixed(1)}%`;
    bar.style.left = a.attributions[j]! >= 0 ? '50%' : `${(50 - width).toFixed(1)}%`;
    track.append(bar);
    row.append(name, track, num(a.attributions[j]!, `attribution.${f}`));
    return row;
  });
  const sum = a.attributions.reduce((s, v) => s + v, 0);
  const foot = el('p', 'note attr-foot');
  foot.append('sum ', num(sum, 'sum', 'num'), ` = ${a.label} − its value at the origin (integrated gradients, ${a.steps} steps; residual `, num(a.residual, 'residual'), ')');
  panel.dataset.point = JSON.stringify(a.point);
  panel.replaceChildren(head, ...rows, foot);
  panel.hidden = false;
}
