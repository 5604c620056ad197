/** Small DOM helpers: the page is plain TypeScript, no framework. */

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes (booleans set or omit them) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) e.setAttribute(k, String(v));
  return e;
}

/** The element with this id, which the page's HTML must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: element #${id} is missing from index.html`);
  return e as T;
}

/** A <select> with these options (value, label), the current value selected. */
export function select(attrs: Attrs, options: readonly (readonly [string, string])[], value: string): HTMLSelectElement {
  const s = el('select', attrs, ...options.map(([v, label]) => el('option', { value: v }, label)));
  s.value = value;
  return s;
}

/** A number as the page shows it: 4 significant digits, plain notation for moderate sizes. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e5) return String(Number(v.toPrecision(4)));
  return v.toExponential(3);
}
