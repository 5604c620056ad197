import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VERSION, modelToOnnx, sequential, layers } from '../../src/index.js';
import { decodeOnnx } from '../../src/io/onnx/schema.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('VERSION is package.json\'s version (after a bump: npm version runs scripts/write-version.mjs)', () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
  assert.equal(VERSION, pkg.version);
});

test('the ONNX exporter states the package version as producer_version, and the CLI prints it for --version', () => {
  const onnx = decodeOnnx(modelToOnnx(sequential([layers.dense({ units: 2, inputShape: [3] })])), { maxNodes: 10, maxElements: 100 });
  assert.equal(onnx.producerName, 'backprop');
  assert.equal(onnx.producerVersion, pkg.version);
  const printed = execFileSync(process.execPath, [new URL('../../cli/backprop.mjs', import.meta.url).pathname, '--version'], { encoding: 'utf8' });
  assert.equal(printed.trim(), pkg.version);
});
