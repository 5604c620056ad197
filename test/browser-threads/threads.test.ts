// The kernel threads in a browser (Chromium via playwright-core): a page served with the COOP/COEP
// headers is cross-origin isolated, and a fit in its dedicated worker cuts its products over 2
// threads (a Web Worker sharing the model's WebAssembly memory) with weights bit-identical to the
// same fit on 1 and 2 Node threads; a page's main thread, or a page served without the headers,
// refuses threads: 2 clearly and 'auto' falls back to 1; so does 'auto' when kernelWorker.js is
// missing, where threads: 2 fails to start clearly. The program is bundled with esbuild beside the
// library's kernelWorker.js, as a user's bundler would emit it. Skipped with a reason when chromium is missing (a failure under CI=true).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserMissing, CHROMIUM, CHROMIUM_ARGS } from '../playground/harness.js';
import { sequential, layers } from '../../src/index.js';
import type { Reply } from './program.js';
import type { FitOutcome } from './fixture.js';

const missing = browserMissing();
const here = import.meta.dirname;

const PAGE = `<!doctype html><title>threads</title><script type="module" src="./program.js"></script>
<script>
  // The fit in a dedicated worker, as the playground trains.
  window.fitInWorker = (threads) => new Promise((resolve, reject) => {
    const w = new Worker('./program.js', { type: 'module' });
    w.onmessage = (e) => { w.terminate(); resolve(e.data); };
    w.onerror = (e) => { w.terminate(); reject(new Error(e.message || 'the worker failed')); };
    w.postMessage(threads);
  });
</script>`;

/**
 * The page and the bundles, served under /isolated/ with the COOP/COEP headers, under /plain/
 * without, and under /unbundled/ with the headers but without kernelWorker.js (a bundle that left it out).
 */
async function serve(files: Map<string, Uint8Array>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const m = /^\/(isolated|plain|unbundled)\/([\w.-]*)$/.exec(req.url ?? '');
    const name = m?.[2] || 'index.html';
    const body = m && !(m[1] === 'unbundled' && name === 'kernelWorker.js') ? files.get(name) : undefined;
    if (!m || body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html',
      ...(m[1] !== 'plain' ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** The seeded fit in a Node child process, on the relaxed-SIMD build when `relaxed` (Node 20 has it behind a flag). */
function nodeFit(threads: number, relaxed: boolean): FitOutcome {
  const flag = relaxed && !/relaxed/.test(sequential([layers.dense({ units: 1, inputShape: [1] })]).backend) ? ['--experimental-wasm-relaxed-simd'] : [];
  const args = [...flag, '--import', 'tsx', join(here, 'node-fit.ts'), String(threads)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as FitOutcome;
}

describe('threads in chromium', { skip: missing, timeout: 120_000 }, () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  before(async () => {
    const bundled = await build({
      entryPoints: { program: join(here, 'program.ts'), kernelWorker: join(here, '..', '..', 'src', 'kernels', 'pool', 'kernelWorker.ts') },
      bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: '/', write: false, logLevel: 'silent',
    });
    const files = new Map<string, Uint8Array>([['index.html', new TextEncoder().encode(PAGE)]]);
    for (const f of bundled.outputFiles) files.set(f.path.slice(f.path.lastIndexOf('/') + 1), f.contents);
    assert.deepEqual([...files.keys()].sort(), ['index.html', 'kernelWorker.js', 'program.js']);
    ({ server, origin } = await serve(files));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function open(where: 'isolated' | 'plain' | 'unbundled'): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${origin}/${where}/`);
    await page.waitForFunction(() => 'fitHere' in window);
    return page;
  }
  const inWorker = (page: Page, threads: number | 'auto') => page.evaluate((t) => (window as unknown as { fitInWorker(t: number | 'auto'): Promise<Reply> }).fitInWorker(t), threads);
  const onPage = (page: Page, threads: number | 'auto') => page.evaluate((t) => (window as unknown as { fitHere(t: number | 'auto'): Promise<Reply> }).fitHere(t), threads);
  const fitted = (r: Reply) => {
    assert.ok(r.ok, r.ok ? '' : `${r.name}: ${r.message}`);
    return r;
  };

  test('isolated page, dedicated worker: 2 threads really run, bit-identical to 1 and 2 Node threads and to 1 thread', async () => {
    const page = await open('isolated');
    const two = fitted(await inWorker(page, 2));
    const one = fitted(await inWorker(page, 1));
    const auto = fitted(await inWorker(page, 'auto'));
    await page.close();
    assert.equal(two.isolated, true, 'the COOP/COEP headers make the page cross-origin isolated');
    assert.equal(two.workers, 1, 'threads 2: one kernel Web Worker beside the fit');
    assert.equal(one.workers, 0);
    assert.match(two.fit.backend, /^wasm/);
    assert.equal(auto.workers, auto.cores - 1, `'auto' with ${auto.cores} cores`);

    const relaxed = /relaxed/.test(two.fit.backend);
    const node2 = nodeFit(2, relaxed);
    const node1 = nodeFit(1, relaxed);
    assert.equal(node2.backend, two.fit.backend, 'Node runs the same WebAssembly build');
    assert.deepEqual(two.fit.weights, node2.weights, 'browser and Node, 2 threads each: bit-identical weights');
    assert.equal(two.fit.loss, node2.loss);
    assert.deepEqual(one.fit.weights, node1.weights, 'and on 1 thread');

    // Each element of a product is one thread's sum, in one thread's order: the counts agree bit for bit.
    assert.deepEqual(two.fit.weights, one.fit.weights, '1 and 2 threads: bit-identical weights');
    assert.deepEqual(auto.fit.weights, one.fit.weights);
    assert.ok(two.fit.loss > 0.1 && two.fit.loss < 2, `loss ${two.fit.loss}`);
  });

  test("a page's main thread refuses threads: 2 (Atomics.wait) and 'auto' trains on 1", async () => {
    const page = await open('isolated');
    const refused = await onPage(page, 2);
    const auto = fitted(await onPage(page, 'auto'));
    const one = fitted(await inWorker(page, 1));
    await page.close();
    assert.ok(!refused.ok && refused.name === 'UnsupportedError', JSON.stringify(refused));
    assert.match(refused.message, /threads 2 is not available here: a page's main thread may not block on Atomics\.wait; train in a Web Worker; use threads: 1/);
    assert.equal(auto.workers, 0);
    assert.deepEqual(auto.fit.weights, one.fit.weights, "'auto' on the main thread is the 1-thread fit");
  });

  test("without the COOP/COEP headers threads: 2 is an UnsupportedError saying why, and 'auto' trains on 1", async () => {
    const page = await open('plain');
    const refused = await inWorker(page, 2);
    const auto = fitted(await inWorker(page, 'auto'));
    const one = fitted(await inWorker(page, 1));
    await page.close();
    assert.equal(refused.isolated, false);
    assert.ok(!refused.ok && refused.name === 'UnsupportedError', JSON.stringify(refused));
    assert.match(refused.message, /threads 2 is not available here: the page is not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    assert.equal(auto.workers, 0);
    assert.deepEqual(auto.fit.weights, one.fit.weights, "'auto' without isolation is the 1-thread fit");
  });

  test("without kernelWorker.js beside the bundle threads: 2 fails to start clearly, and 'auto' (the default) trains on 1", async () => {
    const page = await open('unbundled');
    const refused = await inWorker(page, 2);
    const auto = fitted(await inWorker(page, 'auto'));
    const one = fitted(await inWorker(page, 1));
    await page.close();
    assert.ok(!refused.ok && refused.name === 'BackpropError', JSON.stringify(refused));
    assert.match(refused.message, /kernel thread 1 failed to start: .*kernelWorker\.js/);
    assert.equal(auto.isolated, true);
    assert.equal(auto.workers, auto.cores - 1, "'auto' tried its workers");
    assert.deepEqual(auto.fit.weights, one.fit.weights, "then fell back to the 1-thread fit");
  });
});
