// End-to-end, in Debian's chromium: what TensorFlow Playground teaches and the notes' lessons
// beyond it. Input features, a network that always fits its panel, hovering a unit, discretized
// output, keyboard shortcuts, the library's diagnostics in words, the optimiser's update in the
// explain panel, every lesson's preset showing its effect, uploaded column names and a 1-D
// regression from a CSV. Screenshots land in test-output/ (and in docs/ when missing, or with
// PLAYGROUND_SCREENSHOT=update).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { SUITE_GUARD_MS, browserMissing, canvasPixels, colorShare, epochHistory, epochPoint, nextFrames, pageState, startHarness, type Harness } from './harness.js';
import { fromHash, type PlaygroundConfig } from '../../playground/src/state.js';
import { lessons, presetConfig } from '../../playground/src/lessons.js';
import { regionColor } from '../../playground/src/ui/colors.js';
import type { HistoryPoint, Snapshot } from '../../playground/src/protocol.js';
import type { PlayData } from '../../playground/src/data.js';

const missing = browserMissing();

type Pg = { backpropPlayground: { config: PlaygroundConfig; snapshot: Snapshot } };

/** Saves the page (or one element of it) in test-output/, and in docs/ when missing there or asked for. */
async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync('test-output', { recursive: true });
  const path = `test-output/${name}.png`;
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path });
  if (!existsSync(`docs/${name}.png`) || process.env.PLAYGROUND_SCREENSHOT === 'update') copyFileSync(path, `docs/${name}.png`);
}

/** The epoch by which the η = 10 ReLU network's dead units must be diagnosed. */
const DEAD_BY_EPOCH = 5;

const latest = (page: Page) => page.evaluate(() => (window as unknown as Pg).backpropPlayground.snapshot.latest);

async function waitEpoch(page: Page, n: number): Promise<void> {
  await page.waitForFunction((e) => ((window as unknown as Pg).backpropPlayground.snapshot?.epoch ?? 0) >= e, n, { polling: 50 });
}

/** Plays until the worker reports epoch n, pauses, and returns that epoch's numbers (not the later ones). */
async function trainTo(page: Page, n: number): Promise<HistoryPoint> {
  await page.click('#play');
  const point = await epochPoint(page, n);
  await pause(page);
  return point;
}

async function pause(page: Page): Promise<void> {
  if ((await page.getAttribute('#play', 'aria-pressed')) === 'true') await page.click('#play');
  await page.waitForFunction(() => !(window as unknown as Pg).backpropPlayground.snapshot.running);
}

/** Opens a lesson's preset by clicking, checks the page took its settings, and sets the pace (epochs/s, 0 = full speed). */
async function preset(page: Page, id: string, k: number, speed = '0'): Promise<void> {
  if ((await page.locator(`#lesson-detail[data-lesson="${id}"]`).count()) === 0) await page.click(`button.lesson[data-lesson="${id}"]`);
  await page.click(`#lesson-detail .preset[data-preset="${k}"]`);
  const lesson = lessons.find((l) => l.id === id)!;
  const pace = (await pageState<PlaygroundConfig>(page, 'config')).speed;
  const want = presetConfig(lesson, lesson.presets[k]!, { ...fromHash('').config, speed: pace });
  await page.waitForFunction((w) => JSON.stringify((window as unknown as Pg).backpropPlayground.config) === w, JSON.stringify(want));
  assert.equal(await page.getAttribute(`#lesson-detail .preset[data-preset="${k}"]`, 'aria-pressed'), 'true');
  assert.match(await page.evaluate(() => location.hash), new RegExp(`lesson=${id}`));
  await page.selectOption('#speed', speed);
  await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.snapshot?.epoch === 0);
}

/** Elements past the right edge of the window, scroll bars across, and the document's own width. */
async function overflow(page: Page, inside?: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const vw = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > vw) out.push(`document ${document.documentElement.scrollWidth} > ${vw}`);
    const box = sel ? document.querySelector(sel)!.getBoundingClientRect() : undefined;
    for (const e of Array.from(document.querySelectorAll('body *'))) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const name = `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${String(e.className).replace(/ /g, '.')}`;
      if (r.right > vw + 0.5) out.push(`${name} ends at ${r.right.toFixed(0)} > ${vw}`);
      const x = getComputedStyle(e).overflowX;
      if ((x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth + 1) out.push(`${name} scrolls across: ${e.scrollWidth} > ${e.clientWidth}`);
      if (box && e.closest(sel!) && e !== document.querySelector(sel!) && r.right > box.right + 0.5) out.push(`${name} ends at ${r.right.toFixed(0)}, past its panel's ${box.right.toFixed(0)}`);
    }
    return out.slice(0, 10);
  }, inside);
}

describe('playground: what it teaches', { skip: missing, timeout: SUITE_GUARD_MS }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('circles with inputs x₁², x₂² and no hidden layer pass 90% test accuracy by epoch 30; features toggle on the input column', async () => {
    const page = await h.open('data=circles&layers=&features=x1sq,x2sq');
    await page.setViewportSize({ width: 1400, height: 900 });
    assert.equal(await page.locator('canvas.unit[data-col="0"]').count(), 7, 'all seven features drawn as input units');
    assert.deepEqual(await page.$$eval('canvas.unit[data-col="0"][aria-checked="true"]', (cs) => cs.map((c) => c.getAttribute('data-feature'))), ['x1sq', 'x2sq']);
    assert.equal(await page.locator('.edge-hit').count(), 2, 'edges from the two active features only');
    assert.deepEqual((await page.$$eval('.input-name', (ns) => ns.map((n) => n.textContent))), ['x₁', 'x₂', 'x₁²', 'x₂²', 'x₁·x₂', 'sin πx₁', 'sin πx₂']);
    const at30 = await trainTo(page, 30);
    const first = (await epochHistory(page)).find((p) => p.testAccuracy >= 0.9);
    console.log(`# circles, x₁² and x₂², no hidden layer: test accuracy ${at30.testAccuracy} at epoch 30, first ≥ 90% at epoch ${first?.epoch}`);
    assert.ok(at30.testAccuracy >= 0.9, `test accuracy at epoch 30: ${at30.testAccuracy}`);
    await screenshot(page, 'playground-features');
    // Clicking a feature switches it on; the URL holds the features.
    await page.click('canvas.unit[data-feature="x1x2"]');
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.config.features.length === 3);
    assert.match(await page.evaluate(() => location.hash), /features=x1sq%2Cx2sq%2Cx1x2/);
    assert.equal(await page.locator('.edge-hit').count(), 3);
    // The new network takes three inputs.
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.snapshot?.blocks[0]?.inputs === 3);
    await page.close();
  });

  test('a 6 × 16 network and the explain panel of a 10-8-8-8 network fit: nothing scrolls across or passes the right edge', async () => {
    const page = await h.open('data=circles&layers=16,16,16,16,16,16&act=tanh');
    await page.setViewportSize({ width: 1400, height: 900 });
    await nextFrames(page);
    assert.deepEqual(await overflow(page), []);
    assert.equal(await page.locator('canvas.unit').count(), 7 + 6 * 16 + 1);
    const net = await page.evaluate(() => {
      const panel = document.querySelector('.panel.network')!.getBoundingClientRect();
      const units = Array.from(document.querySelectorAll('canvas.unit')).map((c) => c.getBoundingClientRect());
      return { panelRight: panel.right, right: Math.max(...units.map((r) => r.right)), size: units[10]!.width };
    });
    assert.ok(net.right <= net.panelRight, `the output unit (right edge ${net.right}) is inside the network panel (${net.panelRight})`);
    console.log(`# 6 × 16 at 1400 px: units drawn ${net.size.toFixed(1)} px wide`);
    // Wider windows too.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await nextFrames(page);
    assert.deepEqual(await overflow(page), []);
    await page.close();

    const p2 = await h.open('data=circles&layers=10,8,8,8&act=tanh&opt=adam');
    await p2.setViewportSize({ width: 1400, height: 900 });
    await p2.click('#explain');
    await p2.waitForSelector('#explain-panel td[data-key="loss"]');
    assert.deepEqual(await overflow(p2, '#explain-panel'), []);
    const box = await p2.evaluate(() => {
      const e = document.querySelector('#explain-panel')!;
      return { height: e.getBoundingClientRect().height, scrollHeight: e.scrollHeight, clientHeight: e.clientHeight, doc: document.documentElement.scrollHeight };
    });
    assert.ok(box.height <= 0.8 * 900 + 1, `the panel is ${box.height} px tall, at most 80% of the window`);
    assert.ok(box.scrollHeight > box.clientHeight, 'and scrolls inside itself');
    assert.ok(box.doc < 2600, `the page is ${box.doc} px tall, not thousands of pixels of numbers`);
    // Collapsible per layer.
    assert.equal(await p2.locator('details.explain-layer[open]').count(), 5);
    await p2.click('details.explain-layer[data-layer="dense_1"] > summary');
    assert.equal(await p2.locator('details.explain-layer[data-layer="dense_1"][open]').count(), 0);
    // Compact numbers: no cell longer than 7 characters.
    const longest = await p2.$$eval('#explain-panel td', (tds) => Math.max(...tds.map((td) => td.textContent!.length)));
    assert.ok(longest <= 8, `longest number shown has ${longest} characters`);
    await p2.close();
  });

  test("the explain panel shows Adam's update (m, v, α): its first step is −η·sign(g); the plain step is one click away; Apply takes the step shown", async () => {
    const page = await h.open('data=circles&layers=3&act=tanh&opt=adam&lr=0.03');
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.click('#explain');
    await page.waitForSelector('#explain-panel td[data-ukey="dense_1.step.0.0"]');
    assert.equal(await page.getAttribute('#show-optimizer-step', 'aria-pressed'), 'true');
    assert.match((await page.textContent('#explain-panel .rule'))!, /Adam, step t = 1, η = 0\.03, β₁ = 0\.9, β₂ = 0\.999, ε = 1\.000e-7, α = 0\.009487/);
    const cells = await page.$$eval('#explain-panel td[data-ukey], #explain-panel td[data-key]', (tds) => Object.fromEntries(tds.map((td) => [td.getAttribute('data-ukey') ?? td.getAttribute('data-key'), Number(td.getAttribute('data-v'))]))) as Record<string, number>;
    let checked = 0;
    for (const [key, g] of Object.entries(cells)) {
      const m = /^(dense_\d)\.dKernel\.(\d+)\.(\d+)$/.exec(key);
      if (!m || Math.abs(g) < 1e-4) continue;
      const step = cells[`${m[1]}.step.${m[2]}.${m[3]}`]!;
      assert.ok(Math.abs(step + 0.03 * Math.sign(g)) < 1e-3 * 0.03 * 10, `${key}: Δw ${step} for g ${g}`);
      assert.ok(Math.abs(cells[`${m[1]}.mNew.${m[2]}.${m[3]}`]! - 0.1 * g) < 1e-12 + 1e-9 * Math.abs(g), 'm = (1 − β₁)g');
      checked++;
    }
    assert.ok(checked >= 6, `${checked} weights checked`);
    assert.equal(await page.isVisible('#explain-panel td[data-ukey="dense_1.mNew.0.0"]'), true);
    assert.equal(await page.isVisible('#explain-panel td[data-key="dense_1.kernelAfter.0.0"]'), false);
    await screenshot(page, 'playground-explain', '.panel.explain');
    await page.click('#show-plain-step');
    assert.equal(await page.isVisible('#explain-panel td[data-ukey="dense_1.mNew.0.0"]'), false);
    assert.equal(await page.isVisible('#explain-panel td[data-key="dense_1.kernelAfter.0.0"]'), true);
    await page.click('#show-optimizer-step');
    const before = await pageState<Snapshot>(page, 'snapshot');
    await page.click('#apply-step');
    await page.waitForFunction((s) => (window as unknown as Pg).backpropPlayground.snapshot.steps > s, before.steps);
    const after = await pageState<Snapshot>(page, 'snapshot');
    after.blocks[0]!.kernel.forEach((w, i) => {
      const want = cells[`dense_1.after.${Math.floor(i / 3)}.${i % 3}`]!;
      assert.ok(Math.abs(w - want) < 1e-6, `applied Adam step, weight ${i}: ${w} vs ${want}`);
    });
    await page.close();
  });

  test('circles, 8-8 ReLU, SGD, η = 10: a diagnosis in words within 5 epochs, the dead units marked, and a setting to try', async () => {
    const page = await h.open('data=circles&layers=8,8&act=relu,relu&opt=sgd&lr=10');
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.click('#play');
    await page.waitForSelector('.diagnosis[data-kind="dead"]');
    const found = (await pageState<Snapshot>(page, 'snapshot')).diagnoses;
    const deadAt = found.find((d) => d.kind === 'dead')!.epoch;
    console.log(`# η = 10 ReLU: first diagnosis (${found[0]!.kind}) at epoch ${found[0]!.epoch}, dead units at epoch ${deadAt}`);
    assert.ok(deadAt <= DEAD_BY_EPOCH, `dead units diagnosed at epoch ${deadAt}`);
    const text = (await page.textContent('.diagnosis[data-kind="dead"]'))!;
    assert.match(text, /Dead ReLU units in hidden layer \d/);
    assert.match(text, /% of its ReLU units have output 0 for every sample/);
    assert.match(text, /Try learning rate 1/);
    await page.waitForSelector('canvas.unit.dead');
    const dead = await page.locator('canvas.unit.dead').count();
    const snap = await pageState<Snapshot>(page, 'snapshot');
    const deadInSnapshot = snap.unitHealth.flatMap((u) => u.dead).filter(Boolean).length;
    assert.ok(dead >= 4 && dead === deadInSnapshot, `${dead} units marked dead (${deadInSnapshot} in the snapshot)`);
    await pause(page);
    // Every layer a diagnosis names has its units outlined.
    const named = await page.$$eval('.diagnosis', (ds) => ds.map((d) => Number(d.getAttribute('data-block'))).filter((b) => b >= 0));
    assert.ok(named.length >= 1);
    for (const b of named) {
      const units = page.locator(`canvas.unit[data-col="${b + 1}"]`);
      assert.equal(await page.locator(`canvas.unit.flagged[data-col="${b + 1}"]`).count(), await units.count(), `block ${b} flagged`);
    }
    assert.equal(await page.locator('canvas.unit.flagged[data-col="0"]').count(), 0);
    await screenshot(page, 'playground-diagnosis');
    await page.click('.diagnosis[data-kind="dead"] button.try');
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.config.learningRate === 1);
    await page.close();
  });

  test('hovering a unit shows its map enlarged on the output plot; discretize; Space and S', async () => {
    const page = await h.open('data=circles&layers=4&act=tanh');
    await page.setViewportSize({ width: 1400, height: 900 });
    const output = await canvasPixels(page, '#boundary');
    await page.hover('canvas.unit[data-col="1"][data-unit="2"]');
    await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('#boundary')!.dataset.showing === '1.2');
    assert.match((await page.textContent('#plot-caption'))!, /showing unit 3 of hidden layer 1/);
    const big = await canvasPixels(page, '#boundary');
    const small = await canvasPixels(page, 'canvas.unit[data-col="1"][data-unit="2"]');
    // The same map: sample the big picture at the centres of the small one's pixels.
    let diff = 0;
    let n = 0;
    for (let i = 2; i < 50; i += 4) {
      for (let j = 2; j < 50; j += 4) {
        const b = 4 * (Math.floor((i + 0.5) * 6.4) * 320 + Math.floor((j + 0.5) * 6.4));
        const s = 4 * (i * 50 + j);
        for (let c = 0; c < 3; c++) diff += Math.abs(big[b + c]! - small[s + c]!);
        n += 3;
      }
    }
    console.log(`# hover: mean colour difference between the unit and its enlarged map ${(diff / n).toFixed(2)}`);
    assert.ok(diff / n < 6, `the enlarged map matches the unit (mean difference ${diff / n})`);
    assert.ok(big.some((v, i) => v !== output[i]), 'the output plot changed');
    await screenshot(page, 'playground-hover');
    await page.mouse.move(5, 5);
    await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('#boundary')!.dataset.showing === 'output');

    // Discretize: an untrained network is unsure everywhere (near white); discretized, every cell is a class colour.
    const blended = await canvasPixels(page, '#boundary');
    const classShare = (px: number[]) => colorShare(px, regionColor(0, 2)) + colorShare(px, regionColor(1, 2));
    await page.check('#discretize');
    await page.waitForFunction(() => location.hash.includes('discretize=1'));
    const hard = await canvasPixels(page, '#boundary');
    console.log(`# discretize: class colours on ${(100 * classShare(blended)).toFixed(1)}% of the plot before, ${(100 * classShare(hard)).toFixed(1)}% after`);
    assert.ok(classShare(hard) > 0.97, `discretized: ${classShare(hard)}`);
    assert.ok(classShare(blended) < 0.5, `blended: ${classShare(blended)}`);
    assert.equal((await pageState<Snapshot>(page, 'snapshot')).steps, 0, 'discretize does not reset or train');

    // Keyboard (nothing focused).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('s');
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.snapshot.steps === 1);
    await page.keyboard.press('S');
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.snapshot.steps === 2);
    await page.keyboard.press(' ');
    assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.snapshot.steps > 10);
    await page.keyboard.press(' ');
    assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
    // Keys typed into a field stay there.
    await page.focus('#learning-rate');
    await page.keyboard.press(' ');
    assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
    await page.close();
  });

  test('lessons: XOR needs a hidden layer; the circles need x₁², x₂² without one', async () => {
    const page = await h.open('lesson=xor-hidden');
    await page.setViewportSize({ width: 1400, height: 900 });
    assert.match((await page.textContent('#lesson-text'))!, /no line puts XOR/);
    await preset(page, 'xor-hidden', 0);
    const perceptron = await trainTo(page, 100);
    await preset(page, 'xor-hidden', 1);
    const hidden = await trainTo(page, 100);
    console.log(`# XOR after 100 epochs: perceptron test accuracy ${perceptron.testAccuracy}, one hidden layer of 4: ${hidden.testAccuracy}`);
    assert.ok(perceptron.testAccuracy < 0.65, `perceptron: ${perceptron.testAccuracy}`);
    assert.ok(hidden.testAccuracy > 0.85, `hidden layer: ${hidden.testAccuracy}`);
    await screenshot(page, 'playground-lesson');

    await preset(page, 'circles-features', 0);
    const line = await trainTo(page, 50);
    await preset(page, 'circles-features', 1);
    const squares = await trainTo(page, 50);
    console.log(`# circles, no hidden layer, 50 epochs: inputs x₁, x₂ ${line.testAccuracy}; x₁², x₂² ${squares.testAccuracy}`);
    assert.ok(line.testAccuracy < 0.7 && squares.testAccuracy >= 0.95);
    await page.close();
  });

  test('lessons: zero initial weights keep the hidden units identical; large weights saturate a sigmoid', async () => {
    const page = await h.open();
    await page.setViewportSize({ width: 1400, height: 900 });
    await preset(page, 'zero-init', 0);
    await page.click('#play');
    await waitEpoch(page, 20);
    await page.waitForSelector('.diagnosis[data-kind="symmetry"]');
    await pause(page);
    const s = await pageState<Snapshot>(page, 'snapshot');
    const k = s.blocks[0]!.kernel;
    const units = s.blocks[0]!.units;
    for (let i = 0; i < k.length; i++) assert.equal(k[i], k[i - (i % units)], `kernel[${i}] equals its row's first unit`);
    const grid = s.unitGrids[0]!;
    for (let p = 0; p < grid.length; p += units) for (let u = 1; u < units; u++) assert.equal(grid[p + u], grid[p], 'identical unit maps');
    assert.ok(s.latest.trainLoss > 0.69, `the loss stays at ln 2 (${s.latest.trainLoss})`);
    assert.match((await page.textContent('.diagnosis[data-kind="symmetry"]'))!, /all 4 units start with all-zero weights.*Try random initial weights/);

    await preset(page, 'sigmoid-saturation', 0);
    const big = await pageState<Snapshot>(page, 'snapshot');
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const sat0 = mean(big.unitHealth[0]!.saturated);
    const stuck = await trainTo(page, 50);
    // The diagnosis needs 3 epochs in a row above 80%; the layer sits near 85-90%, so it is reported, not required.
    console.log(`# saturation diagnosis shown: ${await page.locator('.diagnosis[data-kind="saturated"]').count()}, units outlined as saturated: ${await page.locator('canvas.unit.saturated').count()}`);
    assert.ok((await page.locator('canvas.unit.saturated').count()) >= 4, 'the saturated units are outlined');
    await preset(page, 'sigmoid-saturation', 1);
    const sat1 = mean((await pageState<Snapshot>(page, 'snapshot')).unitHealth[0]!.saturated);
    const learns = await trainTo(page, 50);
    console.log(`# sigmoid 8-8, Adam: saturated share of hidden layer 1 at the start ${sat0.toFixed(3)} with weights × 100 (test accuracy ${stuck.testAccuracy} after ${stuck.epoch} epochs), ${sat1.toFixed(3)} with × 1 (${learns.testAccuracy} after ${learns.epoch})`);
    assert.ok(sat0 > 0.8, `weights × 100: ${sat0} of the outputs saturated`);
    assert.ok(sat1 < 0.05, `weights × 1: ${sat1}`);
    assert.ok(stuck.testAccuracy < 0.75 && learns.testAccuracy > 0.95, 'saturated units stop the learning');
    await page.close();
  });

  test('lessons: a learning rate too large diverges, one too small crawls, one in between learns', async () => {
    const page = await h.open();
    await page.setViewportSize({ width: 1400, height: 900 });
    await preset(page, 'learning-rate', 0);
    await page.click('#play');
    await page.waitForSelector('#diverged:not([hidden])');
    await page.waitForSelector('.diagnosis[data-kind="diverged"]');
    assert.match((await page.textContent('.diagnosis[data-kind="diverged"]'))!, /Training diverged.*Try learning rate 0\.1/);
    await preset(page, 'learning-rate', 1, '20');
    const start = (await latest(page)).trainLoss;
    const slow = await trainTo(page, 30);
    await page.waitForSelector('.diagnosis[data-kind="plateau"]');
    assert.match((await page.textContent('.diagnosis[data-kind="plateau"]'))!, /The loss does not fall.*the loss has not fallen in the first 10 epochs.*Try learning rate 0\.03/);
    await preset(page, 'learning-rate', 2);
    const good = await trainTo(page, 100);
    console.log(`# 1-D sine, SGD: η = 0.00001 loss ${start.toFixed(4)} → ${slow.trainLoss.toFixed(4)} in ${slow.epoch} epochs; η = 0.03 → ${good.trainLoss.toFixed(4)} in ${good.epoch}`);
    assert.ok(Math.abs(start - slow.trainLoss) < 0.02 * start, 'crawls');
    assert.ok(good.trainLoss < 0.5 * start, 'learns');
    await page.close();
  });

  test('lessons: L2 and dropout against overfitting; batch norm lets six sigmoid layers learn', async () => {
    const page = await h.open();
    await page.setViewportSize({ width: 1400, height: 900 });
    const gaps: number[] = [];
    for (const k of [0, 1, 2]) {
      await preset(page, 'overfitting', k);
      const p = await trainTo(page, 300);
      gaps.push(p.testLoss - p.trainLoss);
    }
    console.log(`# overfitting, 30 noisy points, 2 × 16 ReLU, 300 epochs: test − training loss ${gaps.map((g) => g.toFixed(2)).join(', ')} (none, L2 0.01, dropout 0.5)`);
    assert.ok(gaps[0]! > 0.8, `no regularisation: the test loss runs away (${gaps[0]})`);
    assert.ok(gaps[1]! < 0.4 && gaps[2]! < Math.min(1, 0.6 * gaps[0]!), `L2 and dropout keep it close (${gaps[1]}, ${gaps[2]})`);

    await preset(page, 'batchnorm-deep', 0);
    const deep = await trainTo(page, 100);
    await preset(page, 'batchnorm-deep', 1);
    // The first epoch past 90% (or epoch 300), read from the page's history: with batch norm the
    // moving statistics make the test accuracy wobble from epoch to epoch.
    await page.click('#play');
    const reached = await page.waitForFunction(() => {
      const h = (window as unknown as { backpropPlayground: { history: HistoryPoint[] } }).backpropPlayground.history;
      return h.find((p) => p.testAccuracy > 0.9 || p.epoch >= 300) ?? false;
    }, undefined, { polling: 50 });
    const bn = (await reached.jsonValue()) as HistoryPoint;
    await pause(page);
    console.log(`# six sigmoid layers, SGD η = 0.03: test accuracy ${deep.testAccuracy} without batch norm after 100 epochs, ${bn.testAccuracy} with at epoch ${bn.epoch}`);
    assert.ok(deep.testAccuracy < 0.8 && deep.trainLoss > 0.5, `without: ${deep.testAccuracy}, loss ${deep.trainLoss}`);
    assert.ok(bn.testAccuracy > 0.9 && bn.epoch <= 300, `with batch norm: ${bn.testAccuracy} at epoch ${bn.epoch}`);
    await page.close();
  });

  test('settings, features and the lesson round-trip through the URL', async () => {
    const hash = 'data=spirals&layers=5&act=relu&features=x1%2Cx1x2%2Csinx2&discretize=1&lesson=zero-init&initScale=2&lr=0.1';
    const page = await h.open(hash);
    const want = fromHash(hash).config;
    assert.deepEqual(fromHash(hash).problems, []);
    assert.deepEqual(await pageState<PlaygroundConfig>(page, 'config'), want);
    assert.equal(await page.isChecked('#discretize'), true);
    assert.equal(await page.inputValue('#init-scale'), '2');
    assert.equal(await page.getAttribute('#lesson-detail', 'data-lesson'), 'zero-init');
    assert.deepEqual(await page.$$eval('canvas.unit[data-col="0"][aria-checked="true"]', (cs) => cs.map((c) => c.getAttribute('data-feature'))), ['x1', 'x1x2', 'sinx2']);
    assert.deepEqual(fromHash(await page.evaluate(() => location.hash)).config, want, 'the page writes back what it read');
    // Closing the lesson takes it out of the URL.
    await page.click('.close-lesson');
    await page.waitForFunction(() => !location.hash.includes('lesson='));
    assert.equal(await page.locator('#lesson-detail').count(), 0);
    await page.close();
  });

  test('an uploaded CSV keeps its column names on the axes and the inputs; two numeric columns are a 1-D regression', async () => {
    const page = await h.open();
    const upload = (name: string, text: string) => page.setInputFiles('#csv-file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 2 ? 10 : -10) + (i % 7)},${i},${i % 2 ? 'dog' : 'cat'}`);
    await upload('pets.csv', `weight,age,animal\n${rows.join('\n')}\n`);
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.config.dataset === 'csv');
    assert.equal(await page.textContent('#axes'), '→ weight, ↑ age');
    assert.deepEqual((await page.$$eval('.input-name', (ns) => ns.map((n) => n.textContent))).slice(0, 5), ['weight', 'age', '(weight)²', '(age)²', 'weight·age']);

    const line = Array.from({ length: 60 }, (_, i) => `${i},${(3 * i + 5 + (i % 3)).toFixed(1)}`);
    await upload('hours.csv', `hours,score\n${line.join('\n')}\n`);
    await page.waitForFunction(() => (window as unknown as Pg).backpropPlayground.snapshot?.blocks[0]?.inputs === 1);
    const data = await pageState<PlayData>(page, 'data');
    assert.equal(data.task, 'regression');
    assert.deepEqual(data.axisNames, ['hours', 'score']);
    assert.equal(await page.textContent('#axes'), '→ hours, ↑ score');
    assert.deepEqual(await page.$$eval('.input-name', (ns) => ns.map((n) => n.textContent)), ['hours']);
    assert.match((await page.textContent('#data-note'))!, /60 uploaded points: "score" as a function of "hours"/);
    await page.selectOption('#speed', '0');
    const p = await trainTo(page, 100);
    console.log(`# uploaded straight line (60 points), default network: test loss ${p.testLoss.toFixed(4)} after ${p.epoch} epochs`);
    assert.ok(p.testLoss < 0.01, `a straight line is learned: test loss ${p.testLoss}`);
    await page.close();
  });

  test('no console errors or page errors', () => {
    assert.deepEqual(h.errors, []);
  });
});
