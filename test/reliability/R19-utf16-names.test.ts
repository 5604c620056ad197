// R19: layer and model names that are not well-formed UTF-16 (a lone surrogate) become U+FFFD
// in UTF-8 files, where "a\uD800" and "a\uDC00" collide: refused when the layer is added (and so
// when a file holding one is read), naming the layer and the code unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, ModelFormatError, layers, modelFromBytes, modelToBytes, sequential } from '../../src/index.js';
import { split, forge } from '../io/helpers.js';
import { assertErrorData } from './errorData.js';

test('R19: a lone surrogate in a layer or model name is refused naming it', () => {
  assertErrorData(() => sequential([layers.dense({ units: 1, inputShape: [1], name: 'a\uD800' }), layers.dense({ units: 1, name: 'a\uDC00' })]), InputError, {},
    /sequential\.add: layer name "a\\ud800" holds a lone surrogate U\+D800 at index 1 \(not well-formed UTF-16\)/);
  assertErrorData(() => sequential([], { name: '\uDC00x' }), InputError, {}, /model name "\\udc00x" holds a lone surrogate U\+DC00 at index 0/);
  // A well-formed pair (an emoji) is fine.
  assert.equal(sequential([layers.dense({ units: 1, inputShape: [1], name: 'a\uD83D\uDE00' })]).layers[0]!.name, 'a😀');
});

test('R19: a file whose header holds a lone surrogate (escaped in JSON) is refused at load', () => {
  const bytes = modelToBytes(sequential([layers.dense({ units: 1, inputShape: [1], name: 'ab' })]));
  const { header, data } = split(bytes);
  const text = JSON.stringify(header).replaceAll('"ab"', '"a\\ud800"').replaceAll('ab/', 'a\\ud800/');
  assertErrorData(() => modelFromBytes(forge(header, data, 1, text)), ModelFormatError, {}, /lone surrogate U\+D800/);
});
