/**
 * "Explain this step": one sample's forward pass, backward pass, gradients and update, laid out
 * per layer as the lecture notes write them, each layer a collapsible section. The update is the
 * chosen optimiser's (Adam's moments, momentum's velocity, ...) with the notes' plain
 * gradient-descent step one click away. Every number cell carries its full-precision value in
 * data-v and a key in data-key (layer.field.row.col; update terms in data-ukey), so it can be
 * checked exactly; the cell shows it compactly so that the panel fits its column.
 */
import type { Explanation, ExplainLayer, OptimizerUpdate, ParamUpdate } from '../inspectAdapter.js';
import { el, fmt } from './dom.js';

/** Which update the panel shows. */
export type UpdateView = 'optimizer' | 'plain';

/** A number in at most `digits` significant digits (2 for wide tables), exponent for very small or large ones. */
export function compact(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-2 && a < 1e4) return String(Number(v.toPrecision(digits)));
  const [m, e] = v.toExponential(Math.max(0, digits - 2)).split('e');
  return `${m}e${Number(e)}`;
}

/** Tables wider than this many value columns use 2 significant digits. */
const WIDE = 8;

function cell(attr: 'data-key' | 'data-ukey', key: string, v: number, digits: number): HTMLTableCellElement {
  return el('td', { [attr]: key, 'data-v': String(v), title: fmt(v) }, compact(v, digits));
}

function unitHead(units: number, arrow: boolean): HTMLTableRowElement {
  return el('tr', {}, el('th', {}, ''), ...Array.from({ length: units }, (_, j) => el('th', {}, arrow ? `→${j + 1}` : `${j + 1}`)));
}

/** A table with one row per named vector (each [1 × units] for one sample). */
function vectors(prefix: string, rows: readonly (readonly [string, string, number[][] | null])[], units: number): HTMLTableElement {
  const digits = units > WIDE ? 2 : 3;
  const body = rows
    .filter(([, , v]) => v !== null)
    .map(([field, label, v]) => el('tr', {}, el('th', { scope: 'row' }, label), ...v![0]!.map((x, j) => cell('data-key', `${prefix}.${field}.0.${j}`, x, digits))));
  return el('table', { class: `vectors${units > WIDE ? ' wide' : ''}` }, el('thead', {}, unitHead(units, false)), el('tbody', {}, ...body));
}

/** A weight-shaped matrix [in × units] with its bias as the last row. */
function matrix(attr: 'data-key' | 'data-ukey', prefix: string, field: string, biasField: string, title: string, w: number[][], b: number[] | null): HTMLElement {
  const units = w[0]?.length ?? b?.length ?? 0;
  const digits = units > WIDE ? 2 : 3;
  const rows = w.map((row, i) => el('tr', {}, el('th', { scope: 'row' }, `${i + 1}`), ...row.map((v, j) => cell(attr, `${prefix}.${field}.${i}.${j}`, v, digits))));
  if (b) rows.push(el('tr', { class: 'bias-row' }, el('th', { scope: 'row' }, 'b'), ...b.map((v, j) => cell(attr, `${prefix}.${biasField}.${j}`, v, digits))));
  return el('figure', { class: 'matrix' }, el('figcaption', {}, title), el('table', { class: units > WIDE ? 'wide' : '' }, el('thead', {}, unitHead(units, true)), el('tbody', {}, ...rows)));
}

function chainRule(l: ExplainLayer, isOutput: boolean, lossName: string): string {
  if (isOutput) {
    const fused = (l.activation === 'sigmoid' && lossName === 'binaryCrossentropy') || (l.activation === 'softmax' && lossName.toLowerCase().includes('categoricalcrossentropy'));
    if (fused) return `δ = ∂E/∂z = (ŷ − y)/m: ${l.activation} and ${lossName} together have this simple derivative.`;
    return `∂E/∂a is the derivative of ${lossName}; δ = ∂E/∂a ⊙ g′(z) with g = ${l.activation}.`;
  }
  return `∂E/∂a = δ(next)·W(next)ᵀ; δ = ∂E/∂a ⊙ g′(z) with g = ${l.activation}. ∂E/∂W = a(prev)ᵀ·δ, ∂E/∂b = δ.`;
}

const RULE_NAMES: Record<string, string> = { sgd: 'SGD', momentum: 'SGD with momentum', nesterov: 'Nesterov momentum', adam: 'Adam', rmsprop: 'RMSprop', adagrad: 'Adagrad' };
const CONSTANT_NAMES: Record<string, string> = { beta1: 'β₁', beta2: 'β₂', epsilon: 'ε', alpha: 'α', momentum: 'μ', rho: 'ρ', initialAccumulatorValue: 's₀' };

export function ruleName(u: OptimizerUpdate): string {
  return RULE_NAMES[u.rule] ?? u.rule;
}

/** The optimiser's terms for one Dense layer: a matrix per term, kernel rows with the bias row under them. */
function optimizerTerms(p: string, kernel: ParamUpdate | undefined, bias: ParamUpdate | undefined): HTMLElement[] {
  if (!kernel) return [];
  const out: HTMLElement[] = [];
  kernel.terms.forEach((t, k) => {
    if (t.key === 'g') return; // shown as ∂E/∂W already
    const b = bias?.terms[k];
    out.push(matrix('data-ukey', p, t.key, `${t.key}Bias`, t.label, t.values as number[][], (b?.values as number[] | undefined) ?? null));
  });
  out.push(matrix('data-ukey', p, 'after', 'afterBias', 'after: W + Δw', kernel.after as number[][], (bias?.after as number[] | undefined) ?? null));
  return out;
}

/** Renders an explanation into `root` (replacing what was there), showing `view`; returns a function that switches the view. */
export function renderExplanation(root: HTMLElement, e: Explanation, update: OptimizerUpdate, what: string, source: string, view: UpdateView): (v: UpdateView) => void {
  const name = ruleName(update);
  const showOptimizer = el('button', { id: 'show-optimizer-step', 'aria-pressed': 'false' }, `${name}'s update`);
  const showPlain = el('button', { id: 'show-plain-step', 'aria-pressed': 'false' }, 'Plain gradient-descent step (the notes)');
  const constants = Object.entries(update.constants).map(([k, v]) => `${CONSTANT_NAMES[k] ?? k} = ${fmt(v)}`).join(', ');
  const rule = el('div', { class: 'rule' },
    el('p', { class: 'only-optimizer' }, `${name}, step t = ${update.step}, η = ${fmt(update.learningRate)}${constants ? `, ${constants}` : ''}:`),
    el('p', { class: 'only-optimizer equations' }, update.equations.join(';  ')),
    el('p', { class: 'only-plain equations' }, `The notes' step: w ← w − η·∂E/∂w with η = ${fmt(e.learningRate)}.`),
  );
  const head = el('div', { class: 'explain-head' },
    el('p', {}, `One step on ${what} (numbers from the ${source}).`),
    el('div', { class: 'view-buttons', role: 'group', 'aria-label': 'update shown' }, showOptimizer, showPlain),
    rule,
    el('table', { class: 'vectors' }, el('tbody', {},
      el('tr', {}, el('th', { scope: 'row' }, 'x'), ...e.x[0]!.map((v, j) => cell('data-key', `x.0.${j}`, v, 3))),
      el('tr', {}, el('th', { scope: 'row' }, 'target y'), ...e.target[0]!.map((v, j) => cell('data-key', `target.0.${j}`, v, 3))),
      el('tr', {}, el('th', { scope: 'row' }, 'output ŷ'), ...e.output[0]!.map((v, j) => cell('data-key', `output.0.${j}`, v, 3))),
      el('tr', {}, el('th', { scope: 'row' }, `loss E (${e.lossName})`), cell('data-key', 'loss', e.loss, 4)),
    )),
  );
  const byName = new Map(update.params.map((p) => [p.name, p]));
  const layers = e.layers.map((l, idx) => {
    const p = l.name;
    const isOutput = idx === e.layers.length - 1;
    const units = l.z[0]?.length ?? 0;
    const hasKernel = l.kernel.length > 0;
    const kernel = hasKernel ? byName.get(l.params[0]!.name) : undefined;
    const bias = hasKernel && l.bias ? byName.get(l.params[1]!.name) : undefined;
    return el('details', { class: 'explain-layer', 'data-layer': p, open: true },
      el('summary', {}, `${p} (${l.className}, ${l.activation}, ${units} unit${units === 1 ? '' : 's'})${isOutput ? ' — output' : ''}`),
      el('p', { class: 'chain' }, chainRule(l, isOutput, e.lossName)),
      vectors(p, [
        ['input', 'input a(prev)', null],
        ['z', 'z = a(prev)·W + b', l.z],
        ['a', 'a = g(z)', l.a],
        ['dA', '∂E/∂a', l.dA],
        ['gPrime', 'g′(z)', l.gPrime],
        ['delta', 'δ = ∂E/∂z', l.delta],
      ], units),
      ...(hasKernel ? [el('div', { class: 'matrices' },
        matrix('data-key', p, 'kernel', 'bias', 'W and b', l.kernel, l.bias),
        matrix('data-key', p, 'dKernel', 'dBias', '∂E/∂W and ∂E/∂b', l.dKernel, l.dBias),
        el('div', { class: 'only-plain group' }, matrix('data-key', p, 'kernelAfter', 'biasAfter', 'after: W − η·∂E/∂W', l.kernelAfter, l.biasAfter)),
        el('div', { class: 'only-optimizer group' }, ...optimizerTerms(p, kernel, bias)),
      )] : []),
    );
  });
  root.replaceChildren(head, ...layers);
  const setView = (v: UpdateView) => {
    root.dataset.view = v;
    showOptimizer.setAttribute('aria-pressed', String(v === 'optimizer'));
    showPlain.setAttribute('aria-pressed', String(v === 'plain'));
  };
  showOptimizer.addEventListener('click', () => setView('optimizer'));
  showPlain.addEventListener('click', () => setView('plain'));
  setView(view);
  return setView;
}
