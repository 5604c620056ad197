import { BackpropError } from '../../core/errors.js';
import type { Activation } from '../../activations.js';
import type { Sequential } from '../../model/sequential.js';
import type { Layer } from '../../layers/layer.js';
import { visitLayer, type PerLayerClass } from '../../layers/registry.js';
import { foldPreprocessing, portableInfo } from '../portable.js';
import type { Preprocessing } from '../preprocessing.js';
import { encodeOnnx, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './schema.js';
import { VERSION } from '../../version.js';

/** IR 8 / opset 17 (ONNX 1.12): read by every ONNX Runtime since 1.12. */
export const ONNX_IR_VERSION = 8;
/** The ONNX operator set the exporter writes. */
export const ONNX_OPSET = 17;
/** Metadata keys (ONNX metadata_props) holding JSON text. */
export const ONNX_METADATA = { classes: 'classes', featureNames: 'feature_names', schema: 'backprop.schema' } as const;

/** Options of the ONNX exporter. */
export interface OnnxExportArgs {
  /** The CLI's preprocessing: its scaling is folded into the weights, its names go into the metadata. */
  preprocessing?: Preprocessing;
  /** Name of the graph input (default "input") and output (default "output"). */
  inputName?: string;
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

  node(opType: string, name: string, inputs: readonly string[], attributes: OnnxAttribute[] = []): void {
    const output = `${name}:0`;
    this.nodes.push({ opType, name, inputs: [this.current, ...inputs], outputs: [output], attributes, domain: '' });
    this.current = output;
  }
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
};

/**
 * The model as an ONNX file (IR 8, opset 17): input `[N, features]` with a dynamic batch N,
 * Gemm per Dense layer, the activations as ONNX ops, batch norm in inference mode, Identity for
 * dropout. Scaling from `preprocessing` is folded into the weights; class labels, feature names
 * and the schema go into metadata_props as JSON.
 */
export function modelToOnnx(model: Sequential, args: OnnxExportArgs = {}): Uint8Array {
  if (typeof model !== 'object' || model === null || typeof model.requireBuilt !== 'function') throw new BackpropError('modelToOnnx: expected a Sequential model');
  const folded = foldPreprocessing(model, args.preprocessing);
  const inputName = args.inputName ?? 'input';
  const outputName = args.outputName ?? 'output';
  const g = new GraphBuilder(inputName);
  for (const layer of folded.layers) visitLayer(TO_ONNX, layer, g);
  if (g.nodes.length === 0) g.node('Identity', 'Identity', []);
  const last = g.nodes[g.nodes.length - 1]!;
  g.nodes[g.nodes.length - 1] = { ...last, outputs: [outputName] };
  const info = portableInfo(model, args.preprocessing);
  const metadata: { key: string; value: string }[] = [];
  if (info.classes) metadata.push({ key: ONNX_METADATA.classes, value: JSON.stringify(info.classes) });
  if (info.featureNames) metadata.push({ key: ONNX_METADATA.featureNames, value: JSON.stringify(info.featureNames) });
  if (info.schema) metadata.push({ key: ONNX_METADATA.schema, value: JSON.stringify(info.schema) });
  return encodeOnnx({
    irVersion: ONNX_IR_VERSION,
    producerName: 'backprop',
    producerVersion: VERSION,
    opsets: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: model.name,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: inputName, shape: ['N', folded.inputUnits] }],
      outputs: [{ name: outputName, shape: ['N', folded.outputUnits] }],
    },
    metadata,
  });
}
