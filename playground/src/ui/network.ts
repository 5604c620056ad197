/**
 * The network drawing: a column per layer, each unit a small map of its output over the input
 * space, each edge coloured by the sign and sized by the size of its weight. Hovering an edge
 * shows its weight and the last batch's gradient; clicking it lets the learner type a new value.
 */
import { activationNames, type ActivationName } from '../../../src/index.js';
import type { Snapshot } from '../protocol.js';
import { css, divergingColor, NEGATIVE, POSITIVE } from './colors.js';
import { el, fmt, select, svg } from './dom.js';
import { paintClassProbability, paintCurve, paintUnit } from './draw.js';
import { LIMITS } from '../state.js';

/** One unit of the input column: a feature, drawn as a unit when on, faded when off. */
export interface InputUnit {
  /** Key of the feature ('x1', 'x1sq', ...). */
  key: string;
  label: string;
  active: boolean;
}

export interface NetworkLayout {
  /** Every feature offered (2-D data: all seven; 1-D data: x). Kernel row i of the first block is the i-th active one. */
  inputs: InputUnit[];
  hidden: { units: number; activation: ActivationName }[];
  output: { units: number; activation: ActivationName; names: string[] };
  /** 1-D data draws curves instead of maps. */
  oneD: boolean;
  /** 'binary' | 'multiclass' | 'regression': how the output units are coloured. */
  task: string;
}

export interface NetworkEvents {
  addLayer(): void;
  removeLayer(): void;
  addUnit(layer: number): void;
  removeUnit(layer: number): void;
  setActivation(layer: number, activation: ActivationName): void;
  editWeight(block: number, kind: 'kernel' | 'bias', i: number, j: number, value: number): void;
  /** Turns an input feature on or off. */
  toggleFeature(key: string): void;
  /** The pointer is over a unit (column 0 = inputs, by feature index; then the blocks), or left it. */
  hoverUnit(unit: { col: number; unit: number } | undefined): void;
}

const TOP = 70;
const POSITIVE_CSS = css(POSITIVE);
const NEGATIVE_CSS = css(NEGATIVE);
/** Room left of the input column for the feature names (and the same margin on the right). */
const LEFT = 60;
/** Most room for the feature names: longer names wrap onto a second line, then end in "…" (the full name is the title). */
const MAX_LEFT = 150;
/** About how wide one character of a feature name is (11 px system font), for the room they need. */
const CHAR_PX = 6.6;

/** Room for the input names: enough for the longest on one line (uploaded columns have long names), between LEFT and MAX_LEFT. */
export function leftMargin(labels: readonly string[]): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return Math.round(Math.min(MAX_LEFT, Math.max(LEFT, longest * CHAR_PX + 10)));
}
/** Widest spacing of the columns. */
const MAX_COL = 130;

/** Unit size, gap and column spacing for a drawing; `scale` < 1 when even the narrowest spacing is too wide for `avail` px. */
export function geometry(columns: readonly number[], avail: number, left = LEFT): { node: number; gap: number; col: number; scale: number; width: number; height: number } {
  const tallest = Math.max(...columns);
  const node = tallest > 10 ? 30 : tallest > 7 ? 36 : 44;
  const gap = node < 44 ? 6 : 10;
  // The hidden layers' controls (±, activation) are node + 60 px wide and must not overlap.
  const minCol = node + 66;
  const n = columns.length;
  const fit = (avail - left - LEFT - node) / Math.max(1, n - 1);
  const col = Math.max(minCol, Math.min(MAX_COL, fit));
  const width = left + LEFT + col * (n - 1) + node;
  const height = TOP + tallest * (node + gap) + 10;
  const scale = avail > 0 ? Math.min(1, avail / width) : 1;
  return { node, gap, col, scale, width, height };
}

interface EdgeRef {
  path: SVGPathElement;
  block: number;
  i: number;
  j: number;
  /** Last drawn stroke and width, so unchanged edges are not touched (setAttribute restyles). */
  stroke: string;
  width: string;
}


export class NetworkView {
  private layout: NetworkLayout | undefined;
  private readonly edgeLayer: SVGGElement;
  private readonly hitLayer: SVGGElement;
  private readonly svgRoot: SVGSVGElement;
  private readonly nodes: HTMLDivElement;
  private readonly tooltip: HTMLDivElement;
  private readonly editor: HTMLInputElement;
  private readonly header: HTMLDivElement;
  private edges: EdgeRef[] = [];
  /** Per column (0 = inputs) the unit canvases. */
  private canvases: HTMLCanvasElement[][] = [];
  private biasDots: HTMLDivElement[][] = [];
  private last: Snapshot | undefined;
  private hovered: { block: number; kind: 'kernel' | 'bias'; i: number; j: number } | undefined;
  private editing: { block: number; kind: 'kernel' | 'bias'; i: number; j: number } | undefined;
  /** The drawing's scale (CSS transform) when it is scaled down to fit its panel. */
  private scale = 1;
  /** Blocks a diagnosis names. */
  private flagged: number[] = [];
  /** Index into layout.inputs of each active feature (kernel row of the first block). */
  private activeInputs: number[] = [];

  constructor(private readonly root: HTMLElement, private readonly events: NetworkEvents) {
    this.header = el('div', { class: 'net-header' });
    this.svgRoot = svg('svg', { class: 'net-edges' });
    this.edgeLayer = svg('g');
    this.hitLayer = svg('g');
    this.svgRoot.append(this.edgeLayer, this.hitLayer);
    this.nodes = el('div', { class: 'net-nodes' });
    this.tooltip = el('div', { class: 'tooltip', id: 'edge-tooltip', role: 'tooltip', hidden: true });
    this.editor = el('input', { class: 'weight-editor', id: 'weight-editor', type: 'number', step: 'any', hidden: true, 'aria-label': 'new weight' });
    this.editor.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.commitEdit();
      else if (e.key === 'Escape') this.closeEditor();
    });
    this.editor.addEventListener('blur', () => this.closeEditor());
    root.append(this.header, this.svgRoot, this.nodes, this.tooltip, this.editor);
  }

  /** Rebuilds the drawing for a new architecture. */
  setLayout(layout: NetworkLayout): void {
    this.layout = layout;
    this.last = undefined;
    this.closeEditor();
    this.tooltip.hidden = true;
    this.header.replaceChildren();
    this.nodes.replaceChildren();
    this.edgeLayer.replaceChildren();
    this.hitLayer.replaceChildren();
    this.edges = [];
    this.canvases = [];
    this.biasDots = [];

    this.activeInputs = layout.inputs.flatMap((f, k) => (f.active ? [k] : []));
    const columns = [layout.inputs.length, ...layout.hidden.map((h) => h.units), layout.output.units];
    const avail = this.root.parentElement?.clientWidth ?? 0;
    const left = layout.oneD ? LEFT : leftMargin(layout.inputs.map((f) => f.label));
    const { node: NODE, gap: GAP, col: COL, scale, width, height } = geometry(columns, avail, left);
    this.scale = scale;
    this.root.style.width = `${width}px`;
    this.root.style.height = `${height}px`;
    this.root.style.transform = scale < 1 ? `scale(${scale})` : '';
    this.root.style.setProperty('--node', `${NODE}px`);
    if (this.root.parentElement) this.root.parentElement.style.height = `${Math.ceil(height * scale)}px`;
    this.svgRoot.setAttribute('width', String(width));
    this.svgRoot.setAttribute('height', String(height));

    const count = layout.hidden.length;
    const layerButtons = el('div', { class: 'layer-buttons' },
      el('button', { id: 'add-layer', title: 'add a hidden layer', disabled: count >= LIMITS.hiddenLayers }, '+'),
      el('button', { id: 'remove-layer', title: 'remove the last hidden layer', disabled: count === 0 }, '−'),
      el('span', { id: 'layer-count' }, `${count} hidden layer${count === 1 ? '' : 's'}`),
    );
    layerButtons.querySelector('#add-layer')!.addEventListener('click', () => this.events.addLayer());
    layerButtons.querySelector('#remove-layer')!.addEventListener('click', () => this.events.removeLayer());
    this.header.append(layerButtons);

    const unitY = (u: number) => TOP + u * (NODE + GAP);
    columns.forEach((units, c) => {
      const x = left + c * COL;
      const label = c === 0 ? (layout.oneD ? 'input' : 'input features (click)') : c === columns.length - 1 ? `output: ${layout.output.activation}` : null;
      if (label) this.header.append(el('div', { class: 'col-label', style: `left:${x - 34}px;width:${NODE + 68}px` }, label));
      if (c > 0 && c < columns.length - 1) this.header.append(this.hiddenControls(c - 1, x, NODE, layout.hidden[c - 1]!));
      const list: HTMLCanvasElement[] = [];
      const dots: HTMLDivElement[] = [];
      for (let u = 0; u < units; u++) {
        const y = unitY(u);
        const input = c === 0 ? layout.inputs[u]! : undefined;
        const canvas = el('canvas', {
          class: input && !input.active ? 'unit off' : 'unit', width: layout.oneD ? 88 : 50, height: layout.oneD ? 88 : 50,
          style: `left:${x}px;top:${y}px;width:${NODE}px;height:${NODE}px`, 'data-col': c, 'data-unit': u,
          ...(input ? { 'data-feature': input.key, role: 'switch', 'aria-checked': String(input.active), 'aria-label': `input feature ${input.label}` } : {}),
        });
        if (input) canvas.title = `${input.label}: click to ${input.active ? 'remove it from' : 'add it to'} the inputs`;
        else if (c === columns.length - 1 && layout.output.names[u]) canvas.title = layout.output.names[u]!;
        canvas.addEventListener('mouseenter', () => this.events.hoverUnit({ col: c, unit: u }));
        canvas.addEventListener('mouseleave', () => this.events.hoverUnit(undefined));
        if (input && !layout.oneD) canvas.addEventListener('click', () => this.events.toggleFeature(input.key));
        this.nodes.append(canvas);
        list.push(canvas);
        if (input) {
          this.nodes.append(el('div', { class: input.active ? 'input-name' : 'input-name off', title: input.label, style: `left:2px;top:${y + NODE / 2 - 12}px;width:${left - 6}px;height:24px` }, el('span', {}, input.label)));
        } else {
          const dot = el('div', { class: 'bias', style: `left:${x - 7}px;top:${y + NODE - 7}px`, 'data-block': c - 1, 'data-unit': u });
          dot.addEventListener('mouseenter', (e) => this.hover({ block: c - 1, kind: 'bias', i: 0, j: u }, e));
          dot.addEventListener('mouseleave', () => this.unhover());
          dot.addEventListener('click', (e) => this.openEditor({ block: c - 1, kind: 'bias', i: 0, j: u }, e));
          this.nodes.append(dot);
          dots.push(dot);
        }
      }
      this.canvases.push(list);
      this.biasDots.push(dots);
    });

    // Edges: from unit i of column c to unit j of column c + 1 = kernel[i][j] of block c.
    this.flagBlocks(this.flagged);
    // Column 0 draws every feature; only the active ones have edges (kernel row i = i-th active).
    for (let c = 0; c + 1 < columns.length; c++) {
      const rows = c === 0 ? this.activeInputs.length : columns[c]!;
      for (let i = 0; i < rows; i++) {
        const from = c === 0 ? this.activeInputs[i]! : i;
        for (let j = 0; j < columns[c + 1]!; j++) {
          const x1 = left + c * COL + NODE;
          const y1 = unitY(from) + NODE / 2;
          const x2 = left + (c + 1) * COL;
          const y2 = unitY(j) + NODE / 2;
          const mid = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
          const path = svg('path', { d, class: 'edge', 'data-block': c, 'data-i': i, 'data-j': j });
          const hit = svg('path', { d, class: 'edge-hit', 'data-block': c, 'data-i': i, 'data-j': j });
          const ref = { block: c, kind: 'kernel' as const, i, j };
          hit.addEventListener('mouseenter', (e) => this.hover(ref, e));
          hit.addEventListener('mousemove', (e) => this.place(this.tooltip, e));
          hit.addEventListener('mouseleave', () => this.unhover());
          hit.addEventListener('click', (e) => this.openEditor(ref, e));
          this.edgeLayer.append(path);
          this.hitLayer.append(hit);
          this.edges.push({ path, block: c, i, j, stroke: '', width: '' });
        }
      }
    }
  }

  private hiddenControls(layer: number, x: number, node: number, h: { units: number; activation: ActivationName }): HTMLElement {
    const box = el('div', { class: 'hidden-controls', style: `left:${x - 30}px;width:${node + 60}px`, 'data-layer': layer });
    const plus = el('button', { class: 'add-unit', 'data-layer': layer, title: 'add a unit', disabled: h.units >= LIMITS.units }, '+');
    const minus = el('button', { class: 'remove-unit', 'data-layer': layer, title: 'remove a unit', disabled: h.units <= 1 }, '−');
    plus.addEventListener('click', () => this.events.addUnit(layer));
    minus.addEventListener('click', () => this.events.removeUnit(layer));
    const act = select({ class: 'layer-activation', 'data-layer': layer, 'aria-label': `activation of hidden layer ${layer + 1}` },
      activationNames.map((a) => [a, a] as const), h.activation);
    act.addEventListener('change', () => this.events.setActivation(layer, act.value as ActivationName));
    box.append(el('div', { class: 'unit-buttons' }, plus, minus, el('span', { class: 'unit-count' }, `${h.units}`)), act);
    return box;
  }

  /** Recolours edges and redraws every unit's map from a snapshot. */
  update(s: Snapshot, resolution: number, inputMaps: Float32Array[]): void {
    const layout = this.layout;
    if (!layout) return;
    this.last = s;
    for (const e of this.edges) {
      const b = s.blocks[e.block];
      if (!b) continue;
      const w = b.kernel[e.i * b.units + e.j]!;
      const stroke = w >= 0 ? POSITIVE_CSS : NEGATIVE_CSS;
      const width = Number.isFinite(w) ? (0.4 + Math.min(Math.abs(w), 4) * 1.4).toFixed(1) : '1';
      if (stroke !== e.stroke) e.path.setAttribute('stroke', (e.stroke = stroke));
      if (width !== e.width) e.path.setAttribute('stroke-width', (e.width = width));
    }
    // Inputs: every feature's map, active or not (inputMaps follows layout.inputs).
    this.canvases[0]?.forEach((canvas, u) => {
      if (inputMaps[u]) this.paint(canvas, inputMaps[u], 1, 0, resolution, 'unit');
    });
    const last = this.canvases.length - 1;
    for (let c = 1; c <= last; c++) {
      const grid = s.unitGrids[c - 1];
      const units = s.blocks[c - 1]?.units ?? 0;
      if (!grid) continue;
      this.canvases[c]!.forEach((canvas, u) => {
        const kind = c < last ? 'unit' : layout.task === 'binary' ? 'probability' : layout.task === 'multiclass' ? 'class' : 'unit';
        this.paint(canvas, grid, units, u, resolution, kind);
      });
      const health = s.unitHealth[c - 1];
      if (health) {
        this.canvases[c]!.forEach((canvas, u) => {
          const dead = health.dead[u] === true;
          const saturated = (health.saturated[u] ?? 0) > 0.9;
          canvas.classList.toggle('dead', dead);
          canvas.classList.toggle('saturated', saturated);
          canvas.title = dead ? 'dead: outputs 0 for every training point, so it gets no gradient' : saturated ? `saturated: ${(100 * health.saturated[u]!).toFixed(0)}% of its outputs in the flat tails, where g′(z) ≈ 0` : '';
        });
      }
      this.biasDots[c]?.forEach((dot, u) => {
        const b = s.blocks[c - 1]?.bias?.[u] ?? 0;
        dot.style.background = css(divergingColor(b, 1));
      });
    }
    if (this.hovered) this.showTooltip(this.hovered);
  }

  private paint(canvas: HTMLCanvasElement, grid: Float32Array, units: number, u: number, res: number, kind: 'unit' | 'probability' | 'class'): void {
    const layout = this.layout!;
    if (layout.oneD) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = u; i < grid.length; i += units) {
        lo = Math.min(lo, grid[i]!);
        hi = Math.max(hi, grid[i]!);
      }
      const span = Math.max(hi - lo, 1);
      const mid = (hi + lo) / 2;
      paintCurve(canvas, grid, units, u, [mid - span * 0.6, mid + span * 0.6], css(POSITIVE), true, 1.5);
      return;
    }
    if (kind === 'probability') paintUnit(canvas, grid, units, u, res, 2, -1);
    else if (kind === 'class') paintClassProbability(canvas, grid, units, u, res);
    else {
      // Unbounded units (ReLU, linear) are scaled by their largest |value|, so their shape shows.
      let max = 1;
      for (let i = u; i < grid.length; i += units) if (Math.abs(grid[i]!) > max && Number.isFinite(grid[i]!)) max = Math.abs(grid[i]!);
      paintUnit(canvas, grid, units, u, res, 1 / max, 0);
    }
  }

  private describe(ref: { block: number; kind: 'kernel' | 'bias'; i: number; j: number }): string {
    const s = this.last;
    const b = s?.blocks[ref.block];
    if (!b) return '';
    const to = `unit ${ref.j + 1} of ${ref.block === (this.layout?.hidden.length ?? 0) ? 'the output' : `hidden layer ${ref.block + 1}`}`;
    if (ref.kind === 'bias') {
      return `bias of ${to}\nb = ${fmt(b.bias?.[ref.j] ?? 0)}\n∂J/∂b = ${fmt(b.dBias?.[ref.j] ?? 0)} (last batch)\nclick to edit`;
    }
    const from = ref.block === 0 ? (this.layout?.inputs[this.activeInputs[ref.i] ?? -1]?.label ?? `input ${ref.i + 1}`) : `unit ${ref.i + 1} of hidden layer ${ref.block}`;
    const k = ref.i * b.units + ref.j;
    return `weight ${from} → ${to}\nw = ${fmt(b.kernel[k]!)}\n∂J/∂w = ${fmt(b.dKernel[k]!)} (last batch)\nclick to edit`;
  }

  private hover(ref: { block: number; kind: 'kernel' | 'bias'; i: number; j: number }, e: MouseEvent): void {
    this.hovered = ref;
    this.showTooltip(ref);
    this.place(this.tooltip, e);
    this.highlight(ref, true);
  }

  private unhover(): void {
    if (this.hovered) this.highlight(this.hovered, false);
    this.hovered = undefined;
    this.tooltip.hidden = true;
  }

  private highlight(ref: { block: number; kind: 'kernel' | 'bias'; i: number; j: number }, on: boolean): void {
    if (ref.kind !== 'kernel') return;
    const e = this.edges.find((x) => x.block === ref.block && x.i === ref.i && x.j === ref.j);
    e?.path.classList.toggle('hovered', on);
  }

  private showTooltip(ref: { block: number; kind: 'kernel' | 'bias'; i: number; j: number }): void {
    const text = this.describe(ref);
    this.tooltip.textContent = text;
    this.tooltip.hidden = text === '';
  }

  /** Outlines every unit of the blocks the diagnoses name (hidden layers from 0, then the output); kept across a new layout of the same network. */
  flagBlocks(blocks: readonly number[]): void {
    this.flagged = [...blocks];
    this.canvases.forEach((list, c) => list.forEach((canvas) => canvas.classList.toggle('flagged', c > 0 && blocks.includes(c - 1))));
  }

  /** Places a box at the pointer, in the drawing's own (unscaled) coordinates. */
  private place(box: HTMLElement, e: MouseEvent): void {
    const r = this.root.getBoundingClientRect();
    box.style.left = `${(e.clientX - r.left) / this.scale + 12}px`;
    box.style.top = `${(e.clientY - r.top) / this.scale + 12}px`;
  }

  private openEditor(ref: { block: number; kind: 'kernel' | 'bias'; i: number; j: number }, e: MouseEvent): void {
    const b = this.last?.blocks[ref.block];
    if (!b) return;
    const value = ref.kind === 'bias' ? (b.bias?.[ref.j] ?? 0) : b.kernel[ref.i * b.units + ref.j]!;
    this.editing = ref;
    this.editor.value = String(Number(value.toPrecision(6)));
    this.editor.hidden = false;
    this.place(this.editor, e);
    this.editor.focus();
    this.editor.select();
  }

  private commitEdit(): void {
    const ref = this.editing;
    const v = Number(this.editor.value);
    if (ref && this.editor.value.trim() !== '' && Number.isFinite(v)) this.events.editWeight(ref.block, ref.kind, ref.i, ref.j, v);
    this.closeEditor();
  }

  private closeEditor(): void {
    this.editing = undefined;
    this.editor.hidden = true;
  }
}

