// "Why here?": for the point under the mouse, each input feature's push on the output, from the
// page's model. In Node against the library, then in chromium on a hovered point.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { featureAttribution, type Sequential } from '../../src/index.js';
import { attributePoint } from '../../playground/src/attribution.js';
import { buildModel } from '../../playground/src/model.js';
import { makeData, type PlayData } from '../../playground/src/data.js';
import { defaultConfig, fromHash, toHash, type PlaygroundConfig } from '../../playground/src/state.js';
import { expandFeatures } from '../../playground/src/features.js';
import type { Snapshot } from '../../playground/src/protocol.js';
import { browserMissing, pageState, startHarness, type Harness } from './harness.js';

const config: PlaygroundConfig = { ...defaultConfig(), dataset: 'circles', hidden: [4], activations: ['tanh'], features: ['x1', 'x2', 'x1sq', 'x2sq', 'sinx1'] };

/** The page's model with the weights of a snapshot (kernel [inputs × units] row-major per block). */
function withWeights(model: Sequential, s: Snapshot): Sequential {
  model.setWeights(s.blocks.flatMap((b) => [
    Array.from({ length: b.inputs }, (_, i) => Array.from(b.kernel.slice(i * b.units, (i + 1) * b.units))),
    Array.from(b.bias ?? []),
  ]));
  return model;
}

test('attributePoint: integrated gradients from the origin over the features, complete within 1 %', () => {
  const data = makeData(config);
  const { model } = buildModel(config, data);
  const features = ['x1', 'x2', 'x1sq', 'x2sq', 'sinx1'] as const;
  const a = attributePoint(model, data, [...features], [0.8, -0.5]);
  assert.deepEqual(a.values, expandFeatures([[0.8, -0.5]], [...features])[0]);
  assert.equal(a.label, `P(${data.classNames[1]})`);
  const lib = featureAttribution(model, a.values, { baseline: [0, 0, 0, 0, 0], steps: a.steps });
  assert.deepEqual(a.attributions, lib.attributions);
  const delta = a.output - a.baselineOutput;
  assert.ok(Math.abs(delta) > 1e-3, `Δ ${delta}`);
  assert.ok(Math.abs(a.residual) <= 0.01 * Math.abs(delta), `residual ${a.residual} of ${delta}`);
  // x₁² at the point is 0.64 and at the origin 0: its share is (0.64 − 0)·(mean gradient), so nonzero unless the gradient is.
  assert.ok(a.attributions.every((v) => Number.isFinite(v)) && a.attributions.some((v) => Math.abs(v) > 1e-4));
  // A multi-class model explains the predicted class there.
  const blobs = { ...config, dataset: 'blobs' as const, features: ['x1', 'x2'] as PlaygroundConfig['features'] };
  const bd = makeData(blobs);
  const b = attributePoint(buildModel(blobs, bd).model, bd, ['x1', 'x2'], [0.3, 0.3]);
  const p = buildModel(blobs, bd).model.predict([[0.3, 0.3]])[0]!;
  assert.equal(b.unit, p.indexOf(Math.max(...p)));
  assert.equal(b.label, `P(${bd.classNames[b.unit]})`);
});

const missing = browserMissing();

describe('the hovered point\'s attribution in chromium', { skip: missing, timeout: 150_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('hovering the plot shows each feature\'s push with the numbers of the library for the page\'s weights', async () => {
    const hash = toHash(config);
    const page = await h.open(hash);
    await page.click('#one-epoch');
    await page.waitForFunction(() => document.querySelector('#epoch')!.textContent === '001');
    const box = (await page.locator('#data-points').boundingBox())!;
    // Three quarters across and a quarter down: x₁ > 0, x₂ > 0.
    await page.mouse.move(box.x + 0.75 * box.width, box.y + 0.25 * box.height);
    await page.waitForSelector('#attribution [data-key="output"]');
    const shown = await page.$$eval('#attribution [data-key]', (els) => els.map((e) => ({ key: e.getAttribute('data-key')!, v: Number(e.getAttribute('data-v')), text: e.textContent! })));
    const point = JSON.parse((await page.getAttribute('#attribution', 'data-point'))!) as number[];
    const value = new Map(shown.map((s) => [s.key, s.v]));
    assert.equal(point.length, 2);
    assert.ok(point[0]! > 0 && point[1]! > 0, `the point under the mouse: ${point}`);
    const rows = await page.$$eval('#attribution .attr-row', (els) => els.map((e) => e.getAttribute('data-feature')));
    assert.deepEqual(rows, ['x1', 'x2', 'x1sq', 'x2sq', 'sinx1'], 'one bar per input feature');

    // The same model in Node with the page's weights: the library's numbers.
    const data = await pageState<PlayData>(page, 'data');
    const s = await pageState<Snapshot>(page, 'snapshot');
    const model = withWeights(buildModel(fromHash(hash).config, data).model, s);
    const lib = attributePoint(model, data, ['x1', 'x2', 'x1sq', 'x2sq', 'sinx1'], point);
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(b);
    assert.ok(close(value.get('output')!, lib.output), `output: page ${value.get('output')}, library ${lib.output}`);
    assert.ok(close(value.get('baseline')!, lib.baselineOutput));
    lib.features.forEach((f, j) => assert.ok(close(value.get(`attribution.${f}`)!, lib.attributions[j]!), `${f}: page ${value.get(`attribution.${f}`)}, library ${lib.attributions[j]}`));
    const sum = lib.attributions.reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(sum - (lib.output - lib.baselineOutput)) <= 0.01 * Math.abs(lib.output - lib.baselineOutput) + 1e-6, 'the bars add up to the output\'s change');
    // Numbers are printed, and each bar points the way of its sign.
    const bars = await page.$$eval('#attribution .attr-bar', (els) => els.map((e) => e.className));
    lib.attributions.forEach((v, j) => assert.equal(bars[j], v >= 0 ? 'attr-bar up' : 'attr-bar down'));
    assert.ok(shown.every((x) => /\d/.test(x.text)), 'every number is printed');
    assert.deepEqual(h.errors, []);
    await page.close();
  });
});
