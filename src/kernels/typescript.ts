import { allocate, type DType, type FloatArray } from '../core/matrix.js';
import { UnsupportedError } from '../core/errors.js';
import { Block, type KernelBackend, type KernelLoops, type Kernels } from './kernels.js';
import { gemmNN, gemmNT, gemmTN } from './gemm.js';
import { denseForward } from './dense.js';
import { addRowVector, columnSums, multiply, sumOfSquares, allFinite, gatherRows, copyRows, dropoutMask } from './elementwise.js';
import { logSoftmaxRows } from './softmax.js';
import { activationForward, activationBackward } from './activation.js';
import { lossValue, lossGradient, fusedLossGradient } from './loss.js';
import { sgd, sgdMomentum, adam, rmsprop, adagrad, flushBelow, clipByValue, scale, penalty, addPenaltyGradient } from './optimizer.js';
import { batchNormForward, batchNormBackward } from './batchNorm.js';

/** The loops themselves, free of any memory: the reference every other backend is tested against. */
export const typescriptLoops: KernelLoops = {
  gemmNN, gemmNT, gemmTN, denseForward, addRowVector, columnSums, multiply, activationForward, activationBackward, logSoftmaxRows,
  lossValue, lossGradient, fusedLossGradient, sgd, sgdMomentum, adam, rmsprop, adagrad, flushBelow, clipByValue, scale, sumOfSquares,
  penalty, addPenaltyGradient, dropoutMask, batchNormForward, batchNormBackward, allFinite, gatherRows, copyRows,
};

/** Plain TypeScript over ordinary typed arrays: every dtype, runs anywhere, never moves memory. */
class TypescriptKernels implements Kernels {
  readonly name = 'typescript';
  readonly description = 'typescript';
  readonly generation = 0;
  constructor(readonly dtype: DType) {}
  alloc(length: number): Block {
    return new Block(allocate(this.dtype, length), this);
  }
  reserve(): void {}
  owns(_x: FloatArray): boolean {
    return true;
  }
  readonly threads = 1;
  readonly threadSetting = 1;
  threadsBlocker(): string {
    return 'the TypeScript kernels run on one thread (threads need the wasm backend, float32)';
  }
  async prepareThreads(): Promise<void> {}
  /** One thread: nothing to overlap with. */
  defer(task: () => void): void {
    task();
  }
  runDeferred(): void {}
  setThreads(setting: number | 'auto'): void {
    if (setting !== 'auto' && setting > 1) throw new UnsupportedError(`threads ${setting} is not available here: ${this.threadsBlocker()}; use threads: 1`);
  }
  gemmNN = gemmNN;
  gemmNT = gemmNT;
  gemmTN = gemmTN;
  denseForward = denseForward;
  addRowVector = addRowVector;
  columnSums = columnSums;
  multiply = multiply;
  activationForward = activationForward;
  activationBackward = activationBackward;
  logSoftmaxRows = logSoftmaxRows;
  lossValue = lossValue;
  lossGradient = lossGradient;
  fusedLossGradient = fusedLossGradient;
  sgd = sgd;
  sgdMomentum = sgdMomentum;
  adam = adam;
  flushBelow = flushBelow;
  rmsprop = rmsprop;
  adagrad = adagrad;
  clipByValue = clipByValue;
  scale = scale;
  sumOfSquares = sumOfSquares;
  penalty = penalty;
  addPenaltyGradient = addPenaltyGradient;
  dropoutMask = dropoutMask;
  batchNormForward = batchNormForward;
  batchNormBackward = batchNormBackward;
  allFinite = allFinite;
  gatherRows = gatherRows;
  copyRows = copyRows;
}

const shared = { float32: new TypescriptKernels('float32'), float64: new TypescriptKernels('float64') };

/** The plain TypeScript backend: every dtype, runs anywhere, and is the reference the tests compare other backends against. */
export const typescriptBackend: KernelBackend = {
  name: 'typescript',
  dtypes: ['float32', 'float64'],
  // Plain arrays need no per-model memory: one stateless instance per dtype serves every model.
  open: (dtype) => shared[dtype],
};
