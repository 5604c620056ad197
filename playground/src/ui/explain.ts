/**
 * "Explain this step": one sample's forward pass, backward pass, gradients and update, laid out
 * per layer as the lecture notes write them. Every number cell carries its full-precision value
 * in data-v and a key in data-key (layer.field.row.col), so it can be checked exactly.
 */
import type { Explanation, ExplainLayer } from '../inspectAdapter.js';
import { el, fmt } from './dom.js';

function cell(key: string, v: number): HTMLTableCellElement {
  return el('td', { 'data-key': key, 'data-v': String(v), title: String(v) }, fmt(v));
}

/** A table with one row per named vector (each [1 × units] for one sample). */
function vectors(prefix: string, rows: readonly (readonly [string, string, number[][] | null])[], units: number): HTMLTableElement {
  const head = el('tr', {}, el('th', {}, ''), ...Array.from({ length: units }, (_, j) => el('th', {}, `unit ${j + 1}`)));
  const body = rows
    .filter(([, , v]) => v !== null)
    .map(([field, label, v]) => el('tr', {}, el('th', { scope: 'row' }, label), ...v![0]!.map((x, j) => cell(`${prefix}.${field}.0.${j}`, x))));
  return el('table', { class: 'vectors' }, el('thead', {}, head), el('tbody', {}, ...body));
}

/** A weight matrix [in × units] with its bias as the last row. */
function matrix(prefix: string, field: string, biasField: string, title: string, w: number[][], b: number[] | null): HTMLElement {
  const units = w[0]?.length ?? 0;
  const head = el('tr', {}, el('th', {}, ''), ...Array.from({ length: units }, (_, j) => el('th', {}, `→ ${j + 1}`)));
  const rows = w.map((row, i) => el('tr', {}, el('th', { scope: 'row' }, `from ${i + 1}`), ...row.map((v, j) => cell(`${prefix}.${field}.${i}.${j}`, v))));
  if (b) rows.push(el('tr', { class: 'bias-row' }, el('th', { scope: 'row' }, 'bias'), ...b.map((v, j) => cell(`${prefix}.${biasField}.${j}`, v))));
  return el('figure', { class: 'matrix' }, el('figcaption', {}, title), el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function chainRule(l: ExplainLayer, isOutput: boolean, lossName: string): string {
  if (isOutput) {
    const fused = (l.activation === 'sigmoid' && lossName === 'binaryCrossentropy') || (l.activation === 'softmax' && lossName.toLowerCase().includes('categoricalcrossentropy'));
    if (fused) return `δ = ∂E/∂z = (ŷ − y)/m: ${l.activation} and ${lossName} together have this simple derivative.`;
    return `∂E/∂a is the derivative of ${lossName}; δ = ∂E/∂a ⊙ g′(z) with g = ${l.activation}.`;
  }
  return `∂E/∂a = δ(next)·W(next)ᵀ; δ = ∂E/∂a ⊙ g′(z) with g = ${l.activation}. ∂E/∂W = a(prev)ᵀ·δ, ∂E/∂b = δ.`;
}

/** Renders an explanation into `root` (replacing what was there). */
export function renderExplanation(root: HTMLElement, e: Explanation, what: string, source: string): void {
  const head = el('div', { class: 'explain-head' },
    el('p', {}, `One gradient-descent step on ${what}, learning rate η = ${fmt(e.learningRate)} (numbers from the ${source}).`),
    el('table', { class: 'vectors' }, el('tbody', {},
      el('tr', {}, el('th', { scope: 'row' }, 'x'), ...e.x[0]!.map((v, j) => cell(`x.0.${j}`, v))),
      el('tr', {}, el('th', { scope: 'row' }, 'target y'), ...e.target[0]!.map((v, j) => cell(`target.0.${j}`, v))),
      el('tr', {}, el('th', { scope: 'row' }, 'output ŷ'), ...e.output[0]!.map((v, j) => cell(`output.0.${j}`, v))),
      el('tr', {}, el('th', { scope: 'row' }, `loss E (${e.lossName})`), cell('loss', e.loss)),
    )),
  );
  const layers = e.layers.map((l, idx) => {
    const p = l.name;
    const isOutput = idx === e.layers.length - 1;
    const units = l.z[0]?.length ?? 0;
    return el('section', { class: 'explain-layer', 'data-layer': p },
      el('h4', {}, `${p} (${l.className}, ${l.activation})${isOutput ? ' — output' : ''}`),
      el('p', { class: 'chain' }, chainRule(l, isOutput, e.lossName)),
      vectors(p, [
        ['input', 'input a(prev)', null],
        ['z', 'z = a(prev)·W + b', l.z],
        ['a', 'a = g(z)', l.a],
        ['dA', '∂E/∂a', l.dA],
        ['gPrime', 'g′(z)', l.gPrime],
        ['delta', 'δ = ∂E/∂z', l.delta],
      ], units),
      el('div', { class: 'matrices' },
        matrix(p, 'kernel', 'bias', 'W and b', l.kernel, l.bias),
        matrix(p, 'dKernel', 'dBias', '∂E/∂W and ∂E/∂b', l.dKernel, l.dBias),
        matrix(p, 'kernelAfter', 'biasAfter', 'after: W − η·∂E/∂W', l.kernelAfter, l.biasAfter),
      ),
    );
  });
  root.replaceChildren(head, ...layers);
}
