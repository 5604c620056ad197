// R10: a model file whose optimiser state is out of range is refused at load, naming the field.
import { test } from 'node:test';
import { ModelFormatError, modelFromBytes, modelToBytes } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { forge, smallModel, split } from '../io/helpers.js';

interface Manifest { name: string; offset: number; dtype: string }

/** The file with one float32 entry of a tensor set to `value`. */
function withEntry(bytes: Uint8Array, tensor: string, value: number): Uint8Array {
  const { header, data } = split(bytes);
  const t = (header.tensors as Manifest[]).find((x) => x.name === tensor)!;
  new DataView(data.buffer, data.byteOffset).setFloat32(t.offset, value, true);
  return forge(header, data);
}

test('R10: learning rate -0.999, a negative or fractional step count are refused at load', async () => {
  for (const optimizer of ['adam', 'sgd'] as const) {
    const good = modelToBytes(await smallModel(optimizer, 1));
    const { header, data } = split(good);
    const opt = (header.compile as { optimizer: Record<string, unknown> }).optimizer;
    assertThrowsWith(() => modelFromBytes(forge({ ...header, compile: { ...(header.compile as object), optimizer: { ...opt, learningRate: -0.999 } } }, data)),
      ModelFormatError, new RegExp(`${optimizer} state: learningRate must be a finite number > 0, got -0\\.999`));
    assertThrowsWith(() => modelFromBytes(forge({ ...header, compile: { ...(header.compile as object), optimizer: { ...opt, iterations: -3 } } }, data)),
      ModelFormatError, /iterations: expected an integer in \[0, /);
  }
});

test('R10: a negative second moment (adam v, rmsprop s, adagrad accumulator) or a NaN slot names the tensor', async () => {
  const cases = [['adam', 'slot:dense_1/kernel:1'], ['rmsprop', 'slot:dense_1/kernel:0'], ['adagrad', 'slot:dense_1/kernel:0']] as const;
  for (const [optimizer, slot] of cases) {
    const good = modelToBytes(await smallModel(optimizer, 1));
    modelFromBytes(good);
    assertThrowsWith(() => modelFromBytes(withEntry(good, slot, -1)), ModelFormatError,
      new RegExp(`${optimizer} state: slot \\d of dense_1/kernel, entry 0, is -1; it must be finite and ≥ 0 \\(a sum of squares\\)`));
  }
  const adam = modelToBytes(await smallModel('adam', 1));
  assertThrowsWith(() => modelFromBytes(withEntry(adam, 'slot:dense_1/kernel:0', NaN)), ModelFormatError, /adam state: slot 0 of dense_1\/kernel, entry 0, is NaN; it must be finite$/);
  // A negative first moment is an ordinary value.
  modelFromBytes(withEntry(adam, 'slot:dense_1/kernel:0', -1));
});
