import { BackpropError, UnsupportedError } from '../../core/errors.js';
import type { Activation } from '../../activations.js';
import type { Sequential } from '../../model/sequential.js';
import type { Layer } from '../../layers/layer.js';
import type { PeriodicEmbedding } from '../../layers/periodicEmbedding.js';
import { visitLayer, type PerLayerClass } from '../../layers/registry.js';
import { checkExportWeights, checkPortableReadable, checkPreprocessingReadable, foldPreprocessing, portableInfo } from '../portable.js';
import type { Preprocessing } from '../preprocessing.js';
import { encodeOnnx, type OnnxAttribute, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './schema.js';
import { ONNX_ML_OPSET, ONNX_STRING_OPSET, OpBuilder, needsStringOps, pipelineNodes, rawInputs } from './pipelineGraph.js';
import { VERSION } from '../../version.js';

/** IR 8 / opset 17 (ONNX 1.12): read by every ONNX Runtime since 1.12. */
export const ONNX_IR_VERSION = 8;
/** The ONNX operator set the exporter writes. */
export const ONNX_OPSET = 17;
/** Metadata keys (ONNX metadata_props) holding JSON text. */
export const ONNX_METADATA = { classes: 'classes', featureNames: 'feature_names', schema: 'backprop.schema', inputs: 'backprop.inputs', preprocessing: 'backprop.preprocessing' } as const;

/** Options of the ONNX exporter. */
export interface OnnxExportArgs {
  /**
   * The model's pipeline (what loadModel gives as `preprocessing`). With a column schema the graph
   * takes the raw columns and holds the whole pipeline; without one its scaling is folded into the
   * weights and the graph takes the features.
   */
  preprocessing?: Preprocessing;
  /** Only the bare network: input `[N, features]` as the network takes them, nothing folded; the pipeline goes into the metadata as JSON. */
  networkOnly?: boolean;
  /** Name of the graph input of a feature graph (default "input"); a raw-column graph names its inputs after the columns. */
  inputName?: string;
  /** Name of the graph output (default "output"). */
  outputName?: string;
}

/** Collects nodes and initializers as the layers are walked, each output named after its layer. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  constructor(public current: string) {}

  constant(name: string, dims: readonly number[], data: ArrayLike<number>): string {
    this.initializers.push({ name, dims, data: Float32Array.from(data) });
    return name;
  }

  /** A double constant (the raw-column graph's target scaling, computed in double as predict does). */
  doubles(name: string, data: readonly number[]): string {
    this.initializers.push({ name, dims: [data.length], data: Float64Array.from(data), type: 'double' });
    return name;
  }

  node(opType: string, name: string, inputs: readonly string[], attributes: OnnxAttribute[] = []): void {
    const output = `${name}:0`;
    this.nodes.push({ opType, name, inputs: [this.current, ...inputs], outputs: [output], attributes, domain: '' });
    this.current = output;
  }
}

/** z = (x − offset)/scale, then z / √(1 + (z/c)²): the robust scaler's smooth clip as operators. */
function smoothClipNodes(g: GraphBuilder, offset: readonly number[], scale: readonly number[], c: number): void {
  const d = offset.length;
  g.node('Sub', 'scaler/Sub', [g.constant('scaler/offset', [d], offset)]);
  g.node('Div', 'scaler/Div', [g.constant('scaler/scale', [d], scale)]);
  const z = g.current;
  g.node('Div', 'scaler/clip/Div', [g.constant('scaler/clip/bound', [], [c])]);
  const u = g.current;
  g.node('Mul', 'scaler/clip/Square', [u]);
  g.node('Add', 'scaler/clip/Add', [g.constant('scaler/clip/one', [], [1])]);
  g.node('Sqrt', 'scaler/clip/Sqrt', []);
  const root = g.current;
  g.current = z;
  g.node('Div', 'scaler/clip/Out', [root]);
}

/** The nodes of one activation; step, sign and piecewiseLinear as small subgraphs. */
function activationNodes(g: GraphBuilder, act: Activation, name: string): void {
  switch (act.name) {
    case 'linear': return;
    case 'relu': return g.node('Relu', `${name}/Relu`, []);
    case 'sigmoid': return g.node('Sigmoid', `${name}/Sigmoid`, []);
    case 'tanh': return g.node('Tanh', `${name}/Tanh`, []);
    case 'softmax': return g.node('Softmax', `${name}/Softmax`, [], [{ name: 'axis', kind: 'int', value: -1 }]);
    case 'sign': return g.node('Sign', `${name}/Sign`, []);
    case 'leakyRelu': {
      const alpha = typeof act.spec === 'object' ? act.spec.alpha : 0.01;
      // Always written: ONNX's default 0.01 is not tfjs/Keras' 0.3.
      return g.node('LeakyRelu', `${name}/LeakyRelu`, [], [{ name: 'alpha', kind: 'float', value: alpha }]);
    }
    case 'step': {
      // step(z) = 1 if z ≥ 0 else 0: a comparison cast back to float.
      g.node('GreaterOrEqual', `${name}/step/GreaterOrEqual`, [g.constant(`${name}/step/zero`, [], [0])]);
      return g.node('Cast', `${name}/step/Cast`, [], [{ name: 'to', kind: 'int', value: 1 }]);
    }
    case 'piecewiseLinear': {
      // clip(z + ½, 0, 1).
      g.node('Add', `${name}/piecewiseLinear/Add`, [g.constant(`${name}/piecewiseLinear/half`, [], [0.5])]);
      return g.node('Clip', `${name}/piecewiseLinear/Clip`, [g.constant(`${name}/piecewiseLinear/min`, [], [0]), g.constant(`${name}/piecewiseLinear/max`, [], [1])]);
    }
  }
}

function valuesOf(layer: Layer, suffix: string): { dims: readonly number[]; data: ArrayLike<number> } | undefined {
  const p = layer.weights().find((q) => q.name.endsWith(`/${suffix}`));
  return p && { dims: p.shape, data: p.value };
}

/**
 * A periodic embedding as plain matrix products: V = x·A with A [in, e·k] holding 2π f of each
 * embedded input in its block (so V holds every 2π f_ji x_j), then
 * ReLU(cos V·C + sin V·S + b) with C, S [e·k, e·d] block-diagonal (input j's cosine and sine rows
 * of its projection), and the passed-through inputs x·P after it (Concat).
 */
function periodicEmbeddingNodes(layer: PeriodicEmbedding, g: GraphBuilder): void {
  const { embedded, passed } = layer.inputLayout();
  const n = layer.inputUnits;
  const k = layer.frequencyCount;
  const d = layer.units;
  const e = embedded.length;
  const f = layer.frequencies.value;
  const w = layer.projection.value;
  const a = new Float64Array(n * e * k);
  embedded.forEach((col, j) => {
    for (let i = 0; i < k; i++) a[col * e * k + j * k + i] = 2 * Math.PI * f[j * k + i]!;
  });
  const cosW = new Float64Array(e * k * e * d);
  const sinW = new Float64Array(e * k * e * d);
  for (let j = 0; j < e; j++) {
    for (let i = 0; i < k; i++) {
      for (let o = 0; o < d; o++) {
        cosW[(j * k + i) * e * d + j * d + o] = w[(j * 2 * k + i) * d + o]!;
        sinW[(j * k + i) * e * d + j * d + o] = w[(j * 2 * k + k + i) * d + o]!;
      }
    }
  }
  const name = layer.name;
  const x = g.current;
  g.node('MatMul', `${name}/phase`, [g.constant(`${name}/frequencies`, [n, e * k], a)]);
  const v = g.current;
  g.node('Cos', `${name}/Cos`, []);
  g.node('MatMul', `${name}/cosProjection`, [g.constant(`${name}/cosWeights`, [e * k, e * d], cosW)]);
  const cosPart = g.current;
  g.current = v;
  g.node('Sin', `${name}/Sin`, []);
  g.node('MatMul', `${name}/sinProjection`, [g.constant(`${name}/sinWeights`, [e * k, e * d], sinW)]);
  g.node('Add', `${name}/Add`, [cosPart]);
  g.node('Add', `${name}/bias`, [g.constant(`${name}/bias`, [e * d], layer.bias.value)]);
  g.node('Relu', `${name}/Relu`, []);
  if (passed.length === 0) return;
  const z = g.current;
  const select = new Float64Array(n * passed.length);
  passed.forEach((col, q) => (select[col * passed.length + q] = 1));
  g.current = x;
  g.node('MatMul', `${name}/passed`, [g.constant(`${name}/select`, [n, passed.length], select)]);
  const kept = g.current;
  g.current = z;
  g.node('Concat', `${name}/Concat`, [kept], [{ name: 'axis', kind: 'int', value: 1 }]);
}

/** Each layer class as ONNX nodes (the compiler rejects a class missing here). */
const TO_ONNX: PerLayerClass<void, [GraphBuilder]> = {
  Dense(layer, g) {
    const k = valuesOf(layer, 'kernel')!;
    const b = valuesOf(layer, 'bias');
    const inputs = [g.constant(`${layer.name}/kernel`, k.dims, k.data)];
    if (b) inputs.push(g.constant(`${layer.name}/bias`, b.dims, b.data));
    // Gemm with transB = 0 takes the [in, out] kernel as it is.
    g.node('Gemm', `${layer.name}/Gemm`, inputs, [{ name: 'transB', kind: 'int', value: 0 }]);
    activationNodes(g, layer.activation, layer.name);
  },
  Activation(layer, g) {
    activationNodes(g, layer.activation, layer.name);
  },
  Dropout(layer, g) {
    g.node('Identity', `${layer.name}/Identity`, []);
  },
  BatchNormalization(layer, g) {
    const t = (s: string): string => {
      const v = valuesOf(layer, s)!;
      return g.constant(`${layer.name}/${s}`, v.dims, v.data);
    };
    // Inference mode (training_mode 0); epsilon always written: ONNX's default 1e-5 is not Keras' 1e-3.
    g.node('BatchNormalization', `${layer.name}/BatchNormalization`, [t('gamma'), t('beta'), t('movingMean'), t('movingVariance')], [
      { name: 'epsilon', kind: 'float', value: layer.epsilon },
      { name: 'momentum', kind: 'float', value: layer.momentum },
    ]);
  },
  PeriodicEmbedding(layer, g) {
    periodicEmbeddingNodes(layer, g);
  },
};

/**
 * The model as an ONNX file with a dynamic batch N: Gemm per Dense layer, the activations as ONNX
 * ops, batch norm in inference mode, Identity for dropout. With a column schema in
 * `preprocessing` the graph takes the raw columns, one input per column, and holds the whole
 * pipeline (see pipelineGraph.ts; IR 9 and opset 20 when there is a date column, else IR 8 and
 * opset 17); otherwise it takes `[N, features]` with the scaling folded into the weights, or
 * nothing folded with `networkOnly`. Class labels, feature names, the schema and the pipeline go
 * into metadata_props as JSON; the output is `[N, outputs]` in the target's units.
 */
export function modelToOnnx(model: Sequential, args: OnnxExportArgs = {}): Uint8Array {
  if (typeof model !== 'object' || model === null || typeof model.requireBuilt !== 'function') throw new BackpropError('modelToOnnx: expected a Sequential model');
  model.requireBuilt('export');
  const pre = args.preprocessing;
  checkPreprocessingReadable(model, pre);
  const raw = pre?.schema !== undefined && args.networkOnly !== true;
  const outputName = args.outputName ?? 'output';
  const pipeline = new OpBuilder('pipeline');
  let inputs: OnnxValueInfo[];
  let network: Sequential;
  let g: GraphBuilder;
  if (raw) {
    inputs = rawInputs(pre);
    network = foldPreprocessing(model, undefined);
    g = new GraphBuilder(pipelineNodes(pipeline, pre));
  } else {
    const inputName = args.inputName ?? 'input';
    // A scaler ending in a smooth clip is not affine: it is written as operators instead of folded.
    const clipped = args.networkOnly !== true && pre?.scaler?.clip !== undefined ? pre.scaler : undefined;
    network = args.networkOnly === true ? foldPreprocessing(model, undefined) : foldPreprocessing(model, pre, { input: clipped === undefined });
    inputs = [{ name: inputName, shape: ['N', network.inputUnits] }];
    g = new GraphBuilder(inputName);
    if (clipped) smoothClipNodes(g, clipped.offset, clipped.scale, clipped.clip!);
  }
  checkExportWeights(model, network, raw ? undefined : pre, 'ONNX');
  for (const layer of network.layers) visitLayer(TO_ONNX, layer, g);
  if (raw && pre.targetScaler !== undefined) {
    // y = y'·scale + offset in the graph: no demand on the last layer's kind. In double, rounded to
    // float32 once, as predict rounds its float64 value: float32 arithmetic lost the last bits of
    // values whose offset is large beside them.
    g.node('Cast', 'target/Cast', [], [{ name: 'to', kind: 'int', value: 11 }]);
    g.node('Mul', 'target/Mul', [g.doubles('target/scale', pre.targetScaler.scale)]);
    g.node('Add', 'target/Add', [g.doubles('target/offset', pre.targetScaler.offset)]);
    g.node('Cast', 'target/Float', [], [{ name: 'to', kind: 'int', value: 1 }]);
  }
  if (g.nodes.length === 0) g.node('Identity', 'Identity', []);
  const last = g.nodes[g.nodes.length - 1]!;
  g.nodes[g.nodes.length - 1] = { ...last, outputs: [outputName] };
  checkNames(inputs, outputName, [...pipeline.nodes, ...g.nodes].flatMap((n) => n.outputs), [...pipeline.initializers, ...g.initializers].map((t) => t.name));
  const info = portableInfo(model, pre);
  // A raw-column graph is read back with its pipeline (checked above); the others by their metadata.
  if (!raw) checkPortableReadable(model, info, 'ONNX', true, pre?.imputer);
  const metadata: { key: string; value: string }[] = [];
  if (info.classes) metadata.push({ key: ONNX_METADATA.classes, value: JSON.stringify(info.classes) });
  if (info.featureNames) metadata.push({ key: ONNX_METADATA.featureNames, value: JSON.stringify(info.featureNames) });
  if (info.schema) metadata.push({ key: ONNX_METADATA.schema, value: JSON.stringify(info.schema) });
  if (pre !== undefined) {
    metadata.push({ key: ONNX_METADATA.inputs, value: raw ? 'raw-columns' : args.networkOnly === true ? 'network' : 'features' });
    metadata.push({ key: ONNX_METADATA.preprocessing, value: JSON.stringify(pre) });
  }
  const strings = raw && needsStringOps(pre);
  return encodeOnnx({
    irVersion: strings ? 9 : ONNX_IR_VERSION,
    producerName: 'backprop',
    producerVersion: VERSION,
    opsets: [{ domain: '', version: strings ? ONNX_STRING_OPSET : ONNX_OPSET }, ...(raw ? [{ domain: 'ai.onnx.ml', version: ONNX_ML_OPSET }] : [])],
    graph: {
      name: model.name,
      nodes: [...pipeline.nodes, ...g.nodes],
      initializers: [...pipeline.initializers, ...g.initializers],
      inputs,
      outputs: [{ name: outputName, shape: ['N', network.outputUnits] }],
    },
    metadata,
  });
}

/** A graph input may not share its name with the output or any tensor inside (a column called "output", say). */
function checkNames(inputs: readonly OnnxValueInfo[], outputName: string, outputs: readonly string[], constants: readonly string[]): void {
  const inside = new Set([outputName, ...outputs, ...constants]);
  const clash = inputs.find((i) => inside.has(i.name));
  if (clash !== undefined) throw new UnsupportedError(`export: the input column ${JSON.stringify(clash.name)} has the name of a tensor in the graph${clash.name === outputName ? ' (its output; choose another outputName)' : ''}`);
}
