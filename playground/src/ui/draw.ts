/** Canvas drawing: heat maps from grids, 1-D curves and the data points. */
import { classColor, css, divergingColor, probabilityColor, regionColor, HEAT_STRENGTH, type Rgb } from './colors.js';

/** One reusable offscreen canvas and image per grid size: painting allocates nothing per frame. */
const scratch = new Map<number, { ctx: OffscreenCanvasRenderingContext2D; canvas: OffscreenCanvas; image: ImageData }>();

function scratchFor(res: number) {
  let s = scratch.get(res);
  if (!s) {
    const canvas = new OffscreenCanvas(res, res);
    const ctx = canvas.getContext('2d')!;
    s = { canvas, ctx, image: ctx.createImageData(res, res) };
    scratch.set(res, s);
  }
  return s;
}

/** Draws the filled scratch image of size res onto the canvas, smoothly scaled (or in blocks, for hard classes). */
function blit(canvas: HTMLCanvasElement, res: number, smooth = true): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const s = scratchFor(res);
  s.ctx.putImageData(s.image, 0, 0);
  ctx.imageSmoothingEnabled = smooth;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(s.canvas, 0, 0, canvas.width, canvas.height);
}

/** Paints a res×res grid (image order) onto the canvas from a colour per cell. */
export function paintGrid(canvas: HTMLCanvasElement, res: number, colorAt: (index: number) => Rgb, smooth = true): void {
  const px = scratchFor(res).image.data;
  for (let i = 0; i < res * res; i++) {
    const c = colorAt(i);
    px[4 * i] = c[0];
    px[4 * i + 1] = c[1];
    px[4 * i + 2] = c[2];
    px[4 * i + 3] = 255;
  }
  blit(canvas, res, smooth);
}

/** 256 colours from `at(t)` for t = 0…1, as packed RGB bytes. */
function lut(at: (t: number) => Rgb): Uint8ClampedArray {
  const table = new Uint8ClampedArray(256 * 3);
  for (let k = 0; k < 256; k++) table.set(at(k / 255), 3 * k);
  return table;
}

const DIVERGING = lut((t) => divergingColor(2 * t - 1));
const classTables = new Map<number, Uint8ClampedArray>();

function classTable(k: number): Uint8ClampedArray {
  let t = classTables.get(k);
  if (!t) {
    const c = classColor(k);
    t = lut((p) => [255 + (c[0] - 255) * p * HEAT_STRENGTH, 255 + (c[1] - 255) * p * HEAT_STRENGTH, 255 + (c[2] - 255) * p * HEAT_STRENGTH]);
    classTables.set(k, t);
  }
  return t;
}

/**
 * Paints column `unit` of a [res² × units] grid through a colour table: the value v is mapped to
 * t = (v·scale + offset + 1)/2, clamped to [0, 1]. Non-finite values are black.
 */
function paintTable(canvas: HTMLCanvasElement, grid: Float32Array, units: number, unit: number, res: number, table: Uint8ClampedArray, scale: number, offset: number): void {
  const px = scratchFor(res).image.data;
  for (let i = 0; i < res * res; i++) {
    const v = grid[i * units + unit]! * scale + offset;
    const o = 4 * i;
    if (Number.isFinite(v)) {
      const k = 3 * Math.round(Math.max(0, Math.min(1, (v + 1) / 2)) * 255);
      px[o] = table[k]!;
      px[o + 1] = table[k + 1]!;
      px[o + 2] = table[k + 2]!;
    } else {
      px[o] = px[o + 1] = px[o + 2] = 0;
    }
    px[o + 3] = 255;
  }
  blit(canvas, res);
}

/** One unit's output over the 2-D grid: orange negative, blue positive (clamped to [−1, 1]); v·scale + offset is drawn. */
export function paintUnit(canvas: HTMLCanvasElement, grid: Float32Array, units: number, unit: number, res: number, scale = 1, offset = 0): void {
  paintTable(canvas, grid, units, unit, res, DIVERGING, scale, offset);
}

/** A class probability over the grid: white (0) to the class colour (1). */
export function paintClassProbability(canvas: HTMLCanvasElement, grid: Float32Array, units: number, unit: number, res: number): void {
  paintTable(canvas, grid, units, unit, res, classTable(unit), 2, -1);
}

/** The class probabilities of the boundary, [res² × k], as mixed class colours. */
export function paintBoundary(canvas: HTMLCanvasElement, probabilities: Float32Array, classes: number, res: number, discretize = false): void {
  if (!discretize) {
    paintGrid(canvas, res, (i) => probabilityColor(probabilities.subarray(i * classes, (i + 1) * classes)));
    return;
  }
  // Hard classes: each cell the colour of its most probable class (ties to the lower index).
  const regions = Array.from({ length: classes }, (_, k) => regionColor(k, classes));
  paintGrid(canvas, res, (i) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[i * classes + k]! > probabilities[i * classes + best]!) best = k;
    return regions[best]!;
  }, false);
}

export interface Frame {
  xDomain: [number, number];
  yDomain: [number, number];
}

export function toPixel(frame: Frame, canvas: HTMLCanvasElement, x: number, y: number): [number, number] {
  const px = ((x - frame.xDomain[0]) / (frame.xDomain[1] - frame.xDomain[0])) * canvas.width;
  const py = (1 - (y - frame.yDomain[0]) / (frame.yDomain[1] - frame.yDomain[0])) * canvas.height;
  return [px, py];
}

/**
 * A curve y(x) sampled at evenly spaced x over the frame (1-D data): the output of a unit, or
 * the network's prediction. `range` is the y range drawn; values outside are clipped.
 */
export function paintCurve(canvas: HTMLCanvasElement, values: ArrayLike<number>, stride: number, offset: number, range: [number, number], color: string, clear = true, lineWidth = 2): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  if (clear) {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const zero = (1 - (0 - range[0]) / (range[1] - range[0])) * canvas.height;
    if (zero > 0 && zero < canvas.height) {
      ctx.strokeStyle = '#ddd';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(0, zero);
      ctx.lineTo(canvas.width, zero);
      ctx.stroke();
    }
  }
  const n = Math.floor(values.length / stride);
  ctx.strokeStyle = color;
  ctx.lineWidth = lineWidth;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const v = values[i * stride + offset]!;
    const x = (i / (n - 1)) * canvas.width;
    const y = (1 - (v - range[0]) / (range[1] - range[0])) * canvas.height;
    const yc = Math.max(-2, Math.min(canvas.height + 2, Number.isFinite(y) ? y : canvas.height / 2));
    if (i === 0) ctx.moveTo(x, yc);
    else ctx.lineTo(x, yc);
  }
  ctx.stroke();
}

export interface PointSet {
  x: number[][];
  y: number[];
  test: boolean;
}

/**
 * The data points: training points filled with a white rim, test points with a dark rim. For
 * 1-D data a point is (x, y) with y the target; for 2-D data its colour is its class.
 */
export function paintPoints(canvas: HTMLCanvasElement, frame: Frame, sets: readonly PointSet[], regression: boolean, selected?: [number, number]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const r = Math.max(2.5, canvas.width / 110);
  for (const set of sets) {
    set.x.forEach((p, i) => {
      const [px, py] = regression ? toPixel(frame, canvas, p[0]!, set.y[i]!) : toPixel(frame, canvas, p[0]!, p[1]!);
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.fillStyle = regression ? css([90, 90, 90], 0.55) : css(classColor(set.y[i]!));
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = set.test ? '#222' : '#fff';
      ctx.stroke();
    });
  }
  if (selected) {
    const [px, py] = toPixel(frame, canvas, selected[0], selected[1]);
    ctx.beginPath();
    ctx.arc(px, py, r * 2.6, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = '#111';
    ctx.stroke();
  }
}
