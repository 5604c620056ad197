import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cache: { js: string; css: string } | undefined;

/** uPlot's minified script and stylesheet, read from the installed package to inline in the report. */
export function uplotAssets(): { js: string; css: string } {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  cache = { js, css };
  return cache;
}
