/**
 * Colours of the page. Classes 0 and 1 are TensorFlow Playground's orange and blue, so its users
 * read the pictures at once; further classes continue the palette. Weights and unit outputs use
 * the same pair: orange negative, white zero, blue positive.
 */
export type Rgb = readonly [number, number, number];

export const CLASS_COLORS: readonly Rgb[] = [
  [245, 147, 34], // orange
  [8, 119, 189], // blue
  [46, 160, 67], // green
  [200, 55, 160], // magenta
  [110, 80, 200], // violet
  [150, 110, 40], // brown
  [20, 160, 160], // teal
  [90, 90, 90], // grey
];

export const NEGATIVE: Rgb = CLASS_COLORS[0]!;
export const POSITIVE: Rgb = CLASS_COLORS[1]!;
const WHITE: Rgb = [255, 255, 255];

/** How strongly the heat maps show a colour (the rest is white), so points stay visible on top. */
export const HEAT_STRENGTH = 0.65;

export function classColor(k: number): Rgb {
  return CLASS_COLORS[k % CLASS_COLORS.length]!;
}

export function css(c: Rgb, alpha = 1): string {
  return alpha === 1 ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** A value in [−1, 1] (clamped) on the orange–white–blue scale. */
export function divergingColor(v: number, strength = HEAT_STRENGTH): Rgb {
  if (!Number.isFinite(v)) return [0, 0, 0];
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(WHITE, NEGATIVE, -t * strength) : mix(WHITE, POSITIVE, t * strength);
}

/**
 * The heat-map colour of a probability vector: the class colours mixed by probability, shown
 * more strongly the more certain the network is (white where all classes are equally likely).
 */
export function probabilityColor(p: ArrayLike<number>, strength = HEAT_STRENGTH): Rgb {
  const k = p.length;
  let r = 0;
  let g = 0;
  let b = 0;
  let max = 0;
  for (let c = 0; c < k; c++) {
    const w = p[c]!;
    const col = classColor(c);
    r += w * col[0];
    g += w * col[1];
    b += w * col[2];
    if (w > max) max = w;
  }
  const certainty = k > 1 ? Math.max(0, (max - 1 / k) / (1 - 1 / k)) : 0;
  return mix(WHITE, [r, g, b], certainty * strength);
}

/** The colour a confidently classified region of class k has on the boundary map. */
export function regionColor(k: number, classes: number): Rgb {
  const p = Array.from({ length: classes }, (_, c) => (c === k ? 1 : 0));
  return probabilityColor(p);
}
