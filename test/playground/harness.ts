// Builds the playground with Vite into a temporary folder, serves it with the CLI's static
// server on 127.0.0.1 and drives Debian's chromium through playwright-core.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HistoryPoint } from '../../playground/src/protocol.js';
import { serveStatic, type RunningServer } from '../../cli/commands/playground.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * How long a page may wait for anything before the test is declared hung. A guard, never an
 * assertion: the tests wait on events (an epoch reported, a selector shown) and assert numbers,
 * so a machine three times slower (or busier) only waits longer.
 */
export const HANG_GUARD_MS = 300_000;
/** The suites' guard: every test of a file together, on a slow and loaded machine. */
export const SUITE_GUARD_MS = 3_600_000;
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

/** Why the browser tests cannot run here, or undefined. In CI a missing browser is a failure, not a skip. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`playground browser tests: ${why}; CI=true, so this is a failure`);
  return why;
}

export interface Harness {
  url: string;
  browser: Browser;
  /** Console errors and page errors seen on every page opened through `open`. */
  errors: string[];
  open(hash?: string, context?: BrowserContext): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  // The page is served from a sub-folder of a site, as from any static file server: its URLs
  // must all be relative.
  const site = mkdtempSync(join(tmpdir(), 'backprop-site-'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>another site</title>');
  const outDir = join(site, 'tools', 'playground');
  await build({ configFile: 'playground/vite.config.ts', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await serveStatic({ root: site, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (e) {
    await server?.close();
    rmSync(site, { recursive: true, force: true });
    throw e;
  }
  const errors: string[] = [];
  const url = `${server.url}tools/playground/`;
  const b = browser;
  const s = server;
  return {
    url,
    browser: b,
    errors,
    async open(hash = '', context?: BrowserContext) {
      const page = await (context ?? b).newPage({ viewport: { width: 1400, height: 1000 } });
      page.setDefaultTimeout(HANG_GUARD_MS);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(url + (hash ? `#${hash}` : ''));
      await page.waitForFunction(() => (window as unknown as { backpropPlayground?: { snapshot?: unknown } }).backpropPlayground?.snapshot !== undefined);
      return page;
    },
    async close() {
      await b.close();
      await s.close();
      rmSync(site, { recursive: true, force: true });
    },
  };
}

/** Reads the page's debugging handle (config, data, latest snapshot) as plain JSON. */
export async function pageState<T>(page: Page, pick: string): Promise<T> {
  return page.evaluate((p) => {
    const pg = (window as unknown as { backpropPlayground: Record<string, unknown> }).backpropPlayground;
    return JSON.parse(JSON.stringify(pg[p], (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))) as unknown;
  }, pick) as Promise<T>;
}

/** The RGBA pixels of a canvas, sent as base64 (a JSON array of 400,000 numbers takes seconds). */
export async function canvasPixels(page: Page, selector: string): Promise<number[]> {
  const b64 = await page.evaluate((sel) => {
    const c = document.querySelector(sel) as HTMLCanvasElement;
    const bytes = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, selector);
  return Array.from(Buffer.from(b64, 'base64'));
}

/** Share of the canvas's pixels within a small distance of `rgb`. */
export function colorShare(pixels: number[], rgb: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const d = (pixels[i]! - rgb[0]!) ** 2 + (pixels[i + 1]! - rgb[1]!) ** 2 + (pixels[i + 2]! - rgb[2]!) ** 2;
    if (d < 20 ** 2) n++;
  }
  return n / (pixels.length / 4);
}

/**
 * The page's history point of epoch `epoch` (losses and accuracies after exactly that many
 * epochs), waiting until the worker has reported it; training goes on meanwhile. Reading an
 * exact epoch, not the latest one after a pause, makes the numbers independent of the
 * machine's speed.
 */
export async function epochPoint(page: Page, epoch: number): Promise<HistoryPoint> {
  const point = await page.waitForFunction((e) => {
    const h = (window as unknown as { backpropPlayground: { history: HistoryPoint[] } }).backpropPlayground.history;
    return h.find((p) => p.epoch === e) ?? false;
  }, epoch, { polling: 50 });
  return (await point.jsonValue()) as HistoryPoint;
}

/** The page's history so far (every epoch's point of the current network). */
export function epochHistory(page: Page): Promise<HistoryPoint[]> {
  return page.evaluate(() => (window as unknown as { backpropPlayground: { history: HistoryPoint[] } }).backpropPlayground.history);
}

/** Resolves after two animation frames: layout and drawing after a resize or a click have happened. */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}
