// The playground's pages as measured in Chromium (playwright-core), RELIABILITY R64-R68: the loss
// of a multi-class set is named; at 1400×900 the 6×16 network and the explain panel fit their
// boxes, and at 1024×768 the output panel is in the first screenful (element boxes measured);
// an uploaded CSV's inputs carry their column names; an upload of 130,000 rows trains, and a file
// that cannot be used leaves the page as it was; messages read numbers as the library does and
// quote little. Waits on events (a snapshot, a selector), never on a clock.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { SUITE_GUARD_MS, browserMissing, epochPoint, nextFrames, pageState, startHarness, type Harness } from './harness.js';
import type { PlaygroundConfig } from '../../playground/src/state.js';
import type { PlayData } from '../../playground/src/data.js';

const missing = browserMissing();

/** Boxes of descendants of `container` that reach past its box (px beyond, 1 px of rounding allowed). */
async function overflow(page: Page, container: string, content = '*'): Promise<{ right: number; bottom: number; scrollX: number; scrollY: number; worst: string }> {
  return page.evaluate(([sel, inner]) => {
    const box = document.querySelector(sel!)!;
    const r = box.getBoundingClientRect();
    let right = 0;
    let bottom = 0;
    let worst = '';
    for (const e of Array.from(box.querySelectorAll(inner!))) {
      const b = e.getBoundingClientRect();
      if (b.width === 0 && b.height === 0) continue;
      if (b.right - r.right > right) { right = b.right - r.right; worst = `${e.tagName}.${e.getAttribute('class') ?? ''}`; }
      bottom = Math.max(bottom, b.bottom - r.bottom);
    }
    return { right, bottom, scrollX: box.scrollWidth - box.clientWidth, scrollY: box.scrollHeight - box.clientHeight, worst };
  }, [container, content]);
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  await page.setInputFiles('#csv-file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

async function uploadError(page: Page, name: string, text: string): Promise<string> {
  await upload(page, name, text);
  const shown = await page.waitForFunction((n) => {
    const e = document.querySelector('#csv-error') as HTMLElement;
    return !e.hidden && e.textContent!.startsWith(`${n}:`) && e.textContent;
  }, name);
  return (await shown.jsonValue()) as string;
}

describe('playground hardening in chromium (R64-R68)', { skip: missing, timeout: SUITE_GUARD_MS }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('R64: every data set\'s loss is named, multi-class ones included', async () => {
    const page = await h.open('data=spirals&arms=3');
    for (const [data, name] of [['spirals', 'softmax + cross-entropy'], ['blobs', 'softmax + cross-entropy'], ['circles', 'sigmoid + binary cross-entropy'], ['regression', 'linear + mean squared error']] as const) {
      await page.click(`[data-dataset="${data}"]`);
      await page.waitForFunction((n) => (document.querySelector('#loss') as HTMLSelectElement).selectedOptions[0]?.textContent === n, name);
      const options = await page.$$eval('#loss option', (os) => os.map((o) => o.textContent ?? ''));
      assert.deepEqual(options.filter((o) => /undefined/.test(o)), [], `${data}: ${options.join(' | ')}`);
    }
    await page.close();
  });

  test('R65: at 1400×900 the 6×16 network fits its box and the explain panel its column', async () => {
    const page = await h.open('layers=16,16,16,16,16,16&data=spirals&arms=5');
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForFunction(() => (document.querySelector('#network') as HTMLElement).style.transform.startsWith('scale('));
    await nextFrames(page);
    const net = await overflow(page, '.network-scroll');
    assert.deepEqual([net.scrollX, net.scrollY], [0, 0], 'the network box has nothing hidden to scroll to');
    assert.ok(net.right <= 1 && net.bottom <= 1, `network drawing past its box: ${JSON.stringify(net)}`);
    // One epoch, so the numbers have their usual digits; then the explanation of 16-unit layers.
    await page.click('#one-epoch');
    await epochPoint(page, 1);
    await page.click('#explain');
    await page.waitForSelector('#explain-panel td[data-key="loss"]');
    for (const view of ['first', 'other']) {
      if (view === 'other') await page.click('.view-buttons button:not([aria-pressed="true"])');
      await nextFrames(page);
      const ex = await overflow(page, '#explain-panel');
      assert.ok(ex.right <= 1, `explain panel (${view} view): ${ex.worst} reaches ${ex.right.toFixed(1)} px past the panel`);
      assert.equal(ex.scrollX, 0, `explain panel (${view} view) scrolls sideways by ${ex.scrollX} px`);
      const section = await overflow(page, '.panel.explain');
      assert.equal(section.scrollX, 0);
    }
    const page1 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(page1, 0, 'the page does not scroll sideways');
    await page.close();
  });

  test('R65: at 1024×768 the output panel (plot and metrics) is in the first screenful, beside the network', async () => {
    const page = await h.open();
    await page.setViewportSize({ width: 1024, height: 768 });
    await nextFrames(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    const [output, plot, metrics, middle] = await Promise.all(['.panel.output', '#plot', '.metrics', '.middle'].map((s) => page.locator(s).boundingBox().then((b) => ({ top: b!.y, bottom: b!.y + b!.height, left: b!.x, right: b!.x + b!.width }))));
    const boxes = { output: output!, plot: plot!, metrics: metrics!, middle: middle!, doc: await page.evaluate(() => document.documentElement.scrollWidth) };
    assert.ok(boxes.plot.bottom <= 768 && boxes.metrics.top >= 0, `the plot ends at ${boxes.plot.bottom} px of 768`);
    assert.ok(boxes.output.right <= 1024 && boxes.output.left >= boxes.middle.right, `output ${JSON.stringify(boxes.output)} beside the middle column ${JSON.stringify(boxes.middle)}`);
    assert.equal(boxes.doc, 1024, 'no sideways scrolling');
    for (const box of ['.network-scroll', '.datasets', '.panel.output']) {
      const o = await overflow(page, box);
      assert.ok(o.right <= 1, `${box}: ${o.worst} reaches ${o.right.toFixed(1)} px past it`);
    }
    await page.close();
  });

  test('R66: an uploaded CSV\'s inputs are labelled with its column names, in full', async () => {
    const page = await h.open();
    const rows = Array.from({ length: 60 }, (_, i) => `${(i % 2 ? 30 : 10) + (i % 7)},${40 + i},${i % 2 ? 'rain' : 'dry'}`);
    await upload(page, 'weather.csv', `temp_celsius,humidity_percent,sky\n${rows.join('\n')}\n`);
    await page.waitForFunction(() => (window as unknown as { backpropPlayground: { config: PlaygroundConfig } }).backpropPlayground.config.dataset === 'csv');
    await nextFrames(page);
    const names = await page.$$eval('.input-name', (es) => es.map((e) => {
      const span = (e.querySelector('span') ?? e) as HTMLElement;
      return { text: e.textContent, title: e.getAttribute('title'), clipped: span.scrollHeight > span.clientHeight + 1 || span.scrollWidth > span.clientWidth + 1 };
    }));
    assert.deepEqual(names.map((n) => n.text), ['temp_celsius', 'humidity_percent', '(temp_celsius)²', '(humidity_percent)²', 'temp_celsius·humidity_percent', 'sin πtemp_celsius', 'sin πhumidity_percent']);
    assert.deepEqual(names.filter((n) => n.clipped).map((n) => n.text), [], 'shown in full (no "…")');
    assert.deepEqual(names.map((n) => n.title), names.map((n) => n.text), 'each name in full in its title');
    const net = await overflow(page, '.network-scroll');
    assert.ok(net.right <= 1 && net.scrollX === 0, JSON.stringify(net));
    await page.close();
  });

  test('R67: 130,000 uploaded rows (0.8 MB) are applied and train; a file that cannot be used changes nothing', async () => {
    const page = await h.open('data=moons');
    const before = { config: await pageState<PlaygroundConfig>(page, 'config'), hash: await page.evaluate(() => location.hash), trainX: (await pageState<PlayData>(page, 'data')).trainX };
    // Two rows: read, but no split leaves both a training and a test row. Refused before anything changes.
    const message = await uploadError(page, 'two.csv', 'a,b,label\n1,1,x\n2,2,y\n');
    assert.match(message, /^two\.csv: .*2 rows.*\. The current data are kept\.$/);
    assert.deepEqual(await pageState<PlaygroundConfig>(page, 'config'), before.config, 'settings unchanged');
    assert.equal(await page.evaluate(() => location.hash), before.hash, 'the link unchanged');
    assert.deepEqual((await pageState<PlayData>(page, 'data')).trainX, before.trainX, 'data unchanged');

    const n = 130_000;
    const rows = Array.from({ length: n }, (_, i) => `${(i * 7919) % 1000},${(i * 104729) % 997},${i % 3 === 0 ? 'a' : 'b'}`);
    const text = `u,v,label\n${rows.join('\n')}\n`;
    assert.ok(text.length > 800_000);
    await upload(page, 'big.csv', text);
    await page.waitForFunction(() => (window as unknown as { backpropPlayground: { config: PlaygroundConfig } }).backpropPlayground.config.dataset === 'csv');
    const sizes = await page.evaluate(() => { const d = (window as unknown as { backpropPlayground: { data: PlayData } }).backpropPlayground.data; return [d.trainX.length + d.testX.length, d.classNames.join()]; });
    assert.deepEqual(sizes, [n, 'a,b']);
    assert.match((await page.textContent('#data-note'))!, /^130000 uploaded points/);
    assert.equal(await page.isHidden('#csv-error'), true);
    await page.click('#one-epoch');
    const point = await epochPoint(page, 1);
    assert.ok(Number.isFinite(point.trainLoss) && point.trainLoss > 0, `loss after one epoch on 130,000 rows: ${point.trainLoss}`);
    assert.deepEqual(h.errors.filter((e) => /Maximum call stack|RangeError/.test(e)), []);
    await page.close();
  });

  test('R68: the upload reads "0x10" as the CLI does (not a number) and quotes a 4 MB field in at most ~200 characters', async () => {
    const page = await h.open();
    assert.equal(await uploadError(page, 'hex.csv', 'a,b,label\n1,2,x\n0x10,4,y\n'), 'hex.csv: line 3, column "a": "0x10" is not a number. The current data are kept.');
    const message = await uploadError(page, 'huge.csv', `a,b,label\n1,2,x\n3,${'9z'.repeat(2_000_000)},y\n`);
    assert.ok(message.length < 300, `${message.length} characters: ${message.slice(0, 300)}`);
    assert.match(message, /^huge\.csv: line 3, column "b": "(9z){20}"… \(4000000 characters\) is not a number\. The current data are kept\.$/);
    await page.close();
  });

  after(() => {
    assert.deepEqual(h?.errors ?? [], [], 'no console or page errors');
  });
});
