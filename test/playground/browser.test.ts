// End-to-end: the built playground in Debian's chromium (playwright-core), served by the CLI's
// static server. Run by `npm test`; skipped with a reason when chromium is missing, except in
// CI (CI=true), where a missing browser fails.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { SUITE_GUARD_MS, browserMissing, canvasPixels, colorShare, epochHistory, epochPoint, pageState, startHarness, type Harness } from './harness.js';
import { defaultConfig, fromHash, toHash, type PlaygroundConfig } from '../../playground/src/state.js';
import { buildModel } from '../../playground/src/model.js';
import { explain, type Explanation } from '../../playground/src/inspectAdapter.js';
import { regionColor } from '../../playground/src/ui/colors.js';
import { fmt } from '../../playground/src/ui/dom.js';
import { compact } from '../../playground/src/ui/explain.js';
import type { PlayData } from '../../playground/src/data.js';
import type { Snapshot } from '../../playground/src/protocol.js';

const missing = browserMissing();

const hashOf = (c: Partial<PlaygroundConfig>) => toHash({ ...defaultConfig(), ...c });

async function setRange(page: Page, selector: string, value: string): Promise<void> {
  await page.evaluate(([sel, v]) => {
    const input = document.querySelector(sel!) as HTMLInputElement;
    input.value = v!;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('change'));
  }, [selector, value]);
}

describe('playground in chromium', { skip: missing, timeout: SUITE_GUARD_MS }, () => {
  let h: Harness;
  before(async () => {
    const t0 = performance.now();
    h = await startHarness();
    console.log(`# build + serve + launch: ${(performance.now() - t0).toFixed(0)} ms`);
  });
  after(async () => {
    await h?.close();
  });

  test('circles, one more hidden layer, play: test accuracy passes 90% and the boundary shows both classes', async () => {
    const page = await h.open();
    await page.click('[data-dataset="circles"]');
    await page.click('#add-layer');
    assert.equal(await page.locator('canvas.unit[data-col="3"]').count(), 2, 'the new third hidden layer is drawn with 2 units');
    await page.click('#play');
    // Epoch 150 (the picture has settled): the numbers of that epoch, whatever the machine's speed.
    const at150 = await epochPoint(page, 150);
    await page.click('#play');
    const first = (await epochHistory(page)).find((p) => p.testAccuracy > 0.9);
    console.log(`# circles: test accuracy ${at150.testAccuracy} at epoch 150, first above 90% at epoch ${first?.epoch}`);
    assert.ok(at150.testAccuracy > 0.9, `test accuracy at epoch 150: ${at150.testAccuracy}`);
    assert.ok(parseFloat((await page.textContent('#test-accuracy'))!) > 90, 'the page shows it');
    const config = await pageState<PlaygroundConfig>(page, 'config');
    assert.equal(config.dataset, 'circles');
    assert.deepEqual(config.hidden, [4, 2, 2]);
    assert.match(await page.evaluate(() => location.hash), /data=circles.*layers=4%2C2%2C2/);

    const pixels = await canvasPixels(page, '#boundary');
    const orange = colorShare(pixels, regionColor(0, 2));
    const blue = colorShare(pixels, regionColor(1, 2));
    console.log(`# boundary canvas: ${(100 * orange).toFixed(1)}% class-0 colour, ${(100 * blue).toFixed(1)}% class-1 colour`);
    assert.ok(orange > 0.05, `class 0 colour on ${orange} of the boundary canvas`);
    assert.ok(blue > 0.05, `class 1 colour on ${blue} of the boundary canvas`);
    // Circles: the inner class in the middle, the outer one at the corners.
    const w = 320;
    const at = (x: number, y: number) => pixels.slice(4 * (y * w + x), 4 * (y * w + x) + 3);
    assert.deepEqual(at(160, 160).map((v) => Math.round(v / 16)), regionColor(1, 2).map((v) => Math.round(v / 16)), 'centre is class 1 (inner circle)');
    assert.deepEqual(at(5, 5).map((v) => Math.round(v / 16)), regionColor(0, 2).map((v) => Math.round(v / 16)), 'corner is class 0 (outer circle)');

    // The README's picture: the trained network with one step explained next to it.
    await page.click('#explain');
    await page.waitForSelector('#explain-panel td[data-key="loss"]');
    // Every run leaves its picture in test-output/; the README's copy in docs/ is written when it
    // is missing or when PLAYGROUND_SCREENSHOT=update, so a test run does not dirty the tree.
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/playground.png' });
    if (!existsSync('docs/playground.png') || process.env.PLAYGROUND_SCREENSHOT === 'update') {
      mkdirSync('docs', { recursive: true });
      copyFileSync('test-output/playground.png', 'docs/playground.png');
    }
    await page.close();
  });

  test('the URL round-trips the configuration', async () => {
    const page = await h.open();
    await page.click('[data-dataset="spirals"]');
    await page.selectOption('#spiral-arms', '4');
    await setRange(page, '#noise', '0.15');
    await setRange(page, '#train-ratio', '60');
    await page.selectOption('#learning-rate', '0.1');
    await page.selectOption('#optimizer', 'rmsprop');
    await page.selectOption('#batch-size', '32');
    await page.click('.add-unit[data-layer="0"]');
    await page.click('.add-unit[data-layer="0"]');
    await page.selectOption('.layer-activation[data-layer="1"]', 'relu');
    await page.check('#batch-norm');
    await page.selectOption('#regularization', 'l2');
    await page.selectOption('#regularization-rate', '0.001');
    await page.selectOption('#initializer', 'heNormal');
    await page.selectOption('#dropout', '0.1');
    await page.selectOption('#loss', 'sse');
    await page.selectOption('#speed', '20');
    await page.click('#new-weights');

    const expected: PlaygroundConfig = {
      ...defaultConfig(),
      dataset: 'spirals', spiralClasses: 4, noise: 0.15, trainRatio: 0.6, learningRate: 0.1, optimizer: 'rmsprop', batchSize: 32,
      hidden: [6, 2], activations: ['tanh', 'relu'], batchNorm: true, regularization: 'l2', regularizationRate: 0.001,
      initializer: 'heNormal', dropout: 0.1, loss: 'sse', speed: 20, seed: 2,
    };
    const config = await pageState<PlaygroundConfig>(page, 'config');
    assert.deepEqual(config, expected, 'every control changed the configuration');
    const hash = await page.evaluate(() => location.hash);
    const parsed = fromHash(hash);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.config, expected, 'the hash holds the whole configuration');

    const again = await h.open(hash.slice(1));
    assert.deepEqual(await pageState<PlaygroundConfig>(again, 'config'), expected, 'a page opened from the link has the same configuration');
    assert.equal(await again.inputValue('#learning-rate'), '0.1');
    assert.equal(await again.inputValue('#optimizer'), 'rmsprop');
    assert.equal(await again.inputValue('.layer-activation[data-layer="1"]'), 'relu');
    assert.equal(await again.isChecked('#batch-norm'), true);
    assert.equal(await again.inputValue('#noise'), '0.15');
    assert.equal(await again.locator('canvas.unit[data-col="1"]').count(), 6);
    assert.equal(await again.locator('canvas.unit[data-col="3"]').count(), 4, 'softmax output with one unit per spiral arm');
    assert.equal(await again.getAttribute('[data-dataset="spirals"]', 'aria-checked'), 'true');
    // Same link, same points and same initial weights.
    const [d1, d2] = [await pageState<PlayData>(page, 'data'), await pageState<PlayData>(again, 'data')];
    assert.deepEqual(d2.trainX, d1.trainX);
    const [s1, s2] = [await pageState<Snapshot>(page, 'snapshot'), await pageState<Snapshot>(again, 'snapshot')];
    assert.deepEqual(s2.blocks[0]!.kernel, s1.blocks[0]!.kernel);
    // A hand-edited address is applied, and what cannot be read is named on the page.
    await again.evaluate(() => (location.hash = '#data=xor&layers=3&lr=abc'));
    await again.waitForFunction(() => (window as unknown as { backpropPlayground: { config: PlaygroundConfig } }).backpropPlayground.config.dataset === 'xor');
    const edited = await pageState<PlaygroundConfig>(again, 'config');
    assert.deepEqual(edited, { ...defaultConfig(), dataset: 'xor', hidden: [3], activations: ['tanh'] });
    assert.match((await again.textContent('#problems'))!, /lr="abc" ignored: expected a number/);
    assert.equal(await again.locator('canvas.unit[data-col="1"]').count(), 3);
    await page.close();
    await again.close();
  });

  test('"explain this step" shows the numbers of the library\'s explain for the same weights', async () => {
    const hash = hashOf({ dataset: 'circles', hidden: [3], activations: ['tanh'], optimizer: 'sgd', learningRate: 0.1, batchSize: 10 });
    const page = await h.open(hash);
    await page.click('#one-epoch');
    await page.waitForFunction(() => document.querySelector('#epoch')!.textContent === '001');
    await page.click('#explain');
    await page.waitForSelector('#explain-panel td[data-key="loss"]');
    const cells = await page.$$eval('#explain-panel td[data-key]', (tds) => tds.map((td) => ({ key: td.getAttribute('data-key')!, v: Number(td.getAttribute('data-v')), text: td.textContent! })));

    // The same network in Node, with the weights the page shows, explained by the library.
    const config = fromHash(hash).config;
    const data = await pageState<PlayData>(page, 'data');
    const { model } = buildModel(config, data);
    const value = new Map(cells.map((c) => [c.key, c.v]));
    const get = (k: string) => {
      const v = value.get(k);
      assert.ok(v !== undefined, `the page shows ${k}`);
      return v;
    };
    const matrix = (p: string, rows: number, cols: number) => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => get(`${p}.${i}.${j}`)));
    const vector = (p: string, n: number) => Array.from({ length: n }, (_, j) => get(`${p}.${j}`));
    model.setWeights([matrix('dense_1.kernel', 2, 3), vector('dense_1.bias', 3), matrix('dense_2.kernel', 3, 1), vector('dense_2.bias', 1)]);
    const x = [vector('x.0', 2)];
    const target = [vector('target.0', 1)];
    assert.deepEqual(x, [data.trainX[0]], 'the first training point is explained by default');
    const e: Explanation = explain(model, x, target, { learningRate: config.learningRate });

    const expected = new Map<string, number>([['loss', e.loss]]);
    const put = (p: string, m: number[][] | number[] | null) => {
      if (m === null) return;
      m.forEach((row, i) => (Array.isArray(row) ? row.forEach((v, j) => expected.set(`${p}.${i}.${j}`, v)) : expected.set(`${p}.${i}`, row)));
    };
    put('x', e.x);
    put('target', e.target);
    put('output', e.output);
    for (const l of e.layers) {
      for (const f of ['z', 'a', 'dA', 'gPrime', 'delta', 'kernel', 'bias', 'dKernel', 'dBias', 'kernelAfter', 'biasAfter'] as const) put(`${l.name}.${f}`, l[f]);
    }
    assert.deepEqual([...value.keys()].sort(), [...expected.keys()].sort(), 'the page shows exactly the explain fields');
    for (const c of cells) {
      const want = expected.get(c.key)!;
      assert.ok(Math.abs(c.v - want) <= 1e-10 * Math.max(1, Math.abs(want)), `${c.key}: page ${c.v}, library ${want}`);
      assert.ok(c.text === compact(c.v, 2) || c.text === compact(c.v, 3) || c.text === compact(c.v, 4), `${c.key} (${c.v}) is shown compactly, not as ${c.text}`);
    }
    assert.ok(cells.length >= 40, `${cells.length} numbers shown`);

    // The weights explained are the model's current weights, and "apply" moves them to W − η∂E/∂W.
    const before = await pageState<Snapshot>(page, 'snapshot');
    assert.deepEqual(before.blocks[0]!.kernel, matrix('dense_1.kernel', 2, 3).flat());
    await page.click('#apply-step');
    await page.waitForFunction((steps) => (window as unknown as { backpropPlayground: { snapshot: Snapshot } }).backpropPlayground.snapshot.steps > steps, before.steps);
    const after = await pageState<Snapshot>(page, 'snapshot');
    const want = e.layers[0]!.kernelAfter.flat();
    after.blocks[0]!.kernel.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6, `applied weight ${i}: ${v} vs ${want[i]}`));
    await page.close();
  });

  test('a diverging learning rate stops training and says so instead of a blank picture', async () => {
    const page = await h.open(hashOf({ dataset: 'circles', activations: ['linear', 'linear'], optimizer: 'sgd', learningRate: 10, speed: 0 }));
    await page.click('#play');
    await page.waitForSelector('#diverged:not([hidden])');
    assert.equal(await page.textContent('#diverged'), 'diverged (loss is NaN) — lower the learning rate');
    assert.match((await page.getAttribute('#diverged', 'title'))!, /loss is NaN.*Lower the learning rate/);
    assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
    // The worker's own word that its loop ended: its last snapshot says it is not running.
    await page.waitForFunction(() => (window as unknown as { backpropPlayground: { snapshot: Snapshot } }).backpropPlayground.snapshot.running === false);
    const stopped = await pageState<Snapshot>(page, 'snapshot');
    // A round trip through the worker (explain answers after anything it sent before): no step since.
    await page.click('#explain');
    await page.waitForSelector('#explain-panel td[data-key="loss"], #explain-error:not([hidden])');
    const later = await pageState<Snapshot>(page, 'snapshot');
    assert.equal(later.steps, stopped.steps, 'training stopped');
    assert.equal(await page.textContent('#epoch'), String(Math.floor(stopped.epoch + 1e-9)).padStart(3, '0'), 'the page shows the epoch it stopped at');
    const pixels = await canvasPixels(page, '#boundary');
    assert.ok(colorShare(pixels, [255, 255, 255]) < 0.9, 'the boundary canvas still shows the last finite network');
    // Lowering the learning rate and resetting trains again.
    await page.selectOption('#learning-rate', '0.01');
    await page.click('#reset');
    assert.equal(await page.isHidden('#diverged'), true);
    await page.close();
  });

  test('an uploaded CSV: a bad file is named and the data stay; a good one replaces them', async () => {
    const page = await h.open();
    const before = await pageState<PlayData>(page, 'data');
    const upload = (name: string, text: string) => page.setInputFiles('#csv-file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });

    await upload('wide.csv', 'a,b,c,label\n1,2,3,x\n');
    await page.waitForSelector('#csv-error:not([hidden])');
    assert.equal(await page.textContent('#csv-error'), 'wide.csv: expected 3 columns (2 numeric features and a label) or 2 (x, y), but line 1 has 4: the playground draws 2-D data only. The current data are kept.');
    await upload('empty.csv', '');
    await page.waitForFunction(() => document.querySelector('#csv-error')!.textContent!.startsWith('empty.csv'));
    assert.match((await page.textContent('#csv-error'))!, /the file is empty/);
    await upload('header.csv', 'x1,x2,label\n');
    await page.waitForFunction(() => document.querySelector('#csv-error')!.textContent!.startsWith('header.csv'));
    assert.match((await page.textContent('#csv-error'))!, /no data rows/);
    await upload('text.csv', 'x1,x2,label\n1,2,a\n3,abc,b\n');
    await page.waitForFunction(() => document.querySelector('#csv-error')!.textContent!.startsWith('text.csv'));
    assert.match((await page.textContent('#csv-error'))!, /line 3, column "x2": "abc" is not a number/);
    assert.equal((await pageState<PlaygroundConfig>(page, 'config')).dataset, 'moons');
    assert.deepEqual((await pageState<PlayData>(page, 'data')).trainX, before.trainX, 'the current data are kept');

    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 2 ? 10 : -10) + (i % 7)},${i},${i % 2 ? 'dog' : 'cat'}`);
    await upload('pets.csv', `\uFEFFweight,age,animal\r\n${rows.join('\r\n')}\r\n`);
    await page.waitForFunction(() => (window as unknown as { backpropPlayground: { config: PlaygroundConfig } }).backpropPlayground.config.dataset === 'csv');
    assert.equal(await page.isHidden('#csv-error'), true);
    const data = await pageState<PlayData>(page, 'data');
    assert.equal(data.trainX.length + data.testX.length, 40);
    assert.deepEqual(data.classNames, ['cat', 'dog']);
    assert.match((await page.textContent('#legend'))!, /cat.*dog/);
    assert.match((await page.textContent('#data-note'))!, /40 uploaded points; "weight" and "age" scaled to \[−1, 1\]; label "animal"/);
    await page.close();
  });

  test('hovering an edge shows its weight and gradient; clicking it edits the weight', async () => {
    const page = await h.open();
    await page.click('#step');
    await page.waitForFunction(() => (window as unknown as { backpropPlayground: { snapshot: Snapshot } }).backpropPlayground.snapshot.steps === 1);
    const s = await pageState<Snapshot>(page, 'snapshot');
    // The middle of the edge from x₁ to the first hidden unit (only that edge passes there).
    const [x, y] = await page.evaluate(() => {
      const path = document.querySelector('.edge-hit[data-block="0"][data-i="0"][data-j="0"]') as SVGPathElement;
      const p = path.getPointAtLength(path.getTotalLength() / 2);
      const r = path.ownerSVGElement!.getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    });
    await page.mouse.move(x, y);
    const tip = (await page.textContent('#edge-tooltip'))!;
    assert.ok(tip.includes(`w = ${fmt(s.blocks[0]!.kernel[0]!)}`), tip);
    assert.ok(tip.includes(`∂J/∂w = ${fmt(s.blocks[0]!.dKernel[0]!)}`), tip);
    assert.notEqual(s.blocks[0]!.dKernel[0], 0, 'a gradient was computed');
    await page.mouse.click(x, y);
    await page.fill('#weight-editor', '0.5');
    await page.press('#weight-editor', 'Enter');
    await page.waitForFunction(() => (window as unknown as { backpropPlayground: { snapshot: Snapshot } }).backpropPlayground.snapshot.blocks[0]!.kernel[0] === 0.5);
    assert.equal(await page.isHidden('#weight-editor'), true);
    assert.equal(await page.getAttribute('.edge[data-block="0"][data-i="0"][data-j="0"]', 'stroke-width'), (0.4 + 0.5 * 1.4).toFixed(1));
    await page.close();
  });

  test('works offline once loaded', async () => {
    const context = await h.browser.newContext();
    const page = await h.open('', context);
    await page.waitForSelector('body[data-offline="ready"]');
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { backpropPlayground?: { snapshot?: unknown } }).backpropPlayground?.snapshot !== undefined);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.querySelector('#epoch')!.textContent) >= 5);
    await context.close();
  });

  test('training at full speed in the worker: the page stays responsive and draws at most once per frame', async () => {
    const page = await h.open(hashOf({ dataset: 'spirals', hidden: [8, 8], activations: ['relu', 'relu'], speed: 0 }));
    await page.evaluate(`(() => {
      window.__frames = 0;
      const tick = () => { window.__frames++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const draws0 = await page.evaluate(() => (window as unknown as { backpropPlayground: { draws: number } }).backpropPlayground.draws);
    await page.click('#play');
    // Responsiveness counted in the worker's epochs, not in milliseconds: the page is asked, back
    // to back, which epoch it shows, until the worker has trained EPOCHS. A main thread that
    // blocked while training would answer rarely, with large jumps between its answers.
    const EPOCHS = 300;
    const seen: number[] = [];
    while ((seen.at(-1) ?? 0) < EPOCHS) seen.push(await page.evaluate(() => (window as unknown as { backpropPlayground: { snapshot: Snapshot } }).backpropPlayground.snapshot.epoch));
    // The picture kept updating: at least 10 redraws (waited for, so a fast machine is not short of frames).
    await page.waitForFunction((d0) => (window as unknown as { backpropPlayground: { draws: number } }).backpropPlayground.draws >= d0 + 10, draws0);
    const { frames, draws } = await page.evaluate(`({ frames: window.__frames, draws: window.backpropPlayground.draws })`) as { frames: number; draws: number };
    await page.click('#play');
    const jumps = seen.slice(1).map((e, i) => e - seen[i]!);
    const widest = Math.max(...jumps);
    console.log(`# full speed, spirals 8-8 relu: ${seen.length} page answers while the worker trained ${seen.at(-1)} epochs (at most ${widest} epochs apart); ${draws - draws0} redraws in ${frames} animation frames`);
    assert.ok(draws - draws0 <= frames + 1, `${draws - draws0} redraws in ${frames} frames`);
    // A main thread blocked while training answers once, at the end: no epoch shown mid-run.
    // Counted in distinct epochs shown mid-run, not in the widest gap: that gap measures how long
    // this test's own process stalls on a loaded machine (177 epochs seen at load 25), not the
    // page; and 4 of them, not more: with two test suites at once the test's process got 19
    // answers, 7 of them distinct epochs mid-run.
    const during = new Set(seen.filter((e) => e > 0 && e < EPOCHS));
    assert.ok(during.size >= 4, `the page showed ${during.size} distinct epochs while the worker trained ${EPOCHS} (answers: ${seen.length})`);
    await page.close();
  });

  test('no console errors or page errors on any page', () => {
    assert.deepEqual(h.errors, []);
  });
});
