import { BackpropError, ModelFormatError, NonFiniteWeightError, UnsupportedError } from '../../core/errors.js';
import type { ActivationSpec } from '../../activations.js';
import { Sequential } from '../../model/sequential.js';
import type { Layer } from '../../layers/layer.js';
import { layerFromConfig, layerRegistry, type ConfigFields, type LayerClassName } from '../../layers/registry.js';
import { Reader, type Json } from '../json.js';
import type { LoadedModel } from '../modelFile.js';
import { importedModel, parseMetadataJson } from '../portable.js';
import { decodeOnnx, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './schema.js';
import { ONNX_METADATA } from './export.js';
import { ONNX_CAPS } from '../caps.js';
import { importRawColumnGraph } from './rawGraph.js';
import { readersOf, recognisePeriodicEmbedding, where, type FoundPeriodicEmbedding } from './periodicImport.js';

/** Options of the ONNX importer. */
export interface OnnxImportArgs {
  /** Largest file accepted, in bytes; default 1 GiB. */
  maxBytes?: number;
  /** Most nodes accepted; default 10,000. */
  maxNodes?: number;
  /** Most weight values accepted in total; default 2²⁸. */
  maxElements?: number;
}

/** One layer as found in the graph, before the model is built. */
type Found =
  | { kind: 'dense'; node: string; kernel: Float64Array; rows: number; cols: number; bias: Float64Array | undefined; activation: ActivationSpec }
  | { kind: 'activation'; node: string; activation: ActivationSpec }
  | { kind: 'dropout'; node: string; rate: number }
  | { kind: 'batchNorm'; node: string; gamma: Float64Array; beta: Float64Array; mean: Float64Array; variance: Float64Array; epsilon: number; momentum: number }
  | FoundPeriodicEmbedding;

const ACTIVATION_OPS: Record<string, ActivationSpec> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Sign: 'sign', Softmax: 'softmax' };

function attr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

function num(node: OnnxNode, name: string, fallback: number): number {
  const a = attr(node, name);
  if (a === undefined) return fallback;
  if (a.kind !== 'int' && a.kind !== 'float') throw new ModelFormatError(`${where(node)}: attribute ${name} is a ${a.kind}, expected a number`);
  return a.value;
}

/**
 * Reads an ONNX MLP as PyTorch's `torch.onnx.export` and tf2onnx write it (and as modelToOnnx
 * does): one chain from the graph input to its output of Gemm (transB 0 or 1) or MatMul+Add,
 * Relu, LeakyRelu, Tanh, Sigmoid, Softmax, Sign, BatchNormalization, Dropout/Identity and
 * no-op Flatten/Reshape, for opsets 9–21; step, piecewiseLinear and the periodic embedding
 * (periodicImport.ts) from modelToOnnx's subgraphs.
 * Anything else is an UnsupportedError naming the node and its op type. Class labels, feature
 * names and schema come back from metadata_props.
 */
export function modelFromOnnx(bytes: Uint8Array, args: OnnxImportArgs = {}): LoadedModel {
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError('modelFromOnnx: expected the file as a Uint8Array');
  const maxBytes = args.maxBytes ?? 2 ** 30;
  if (bytes.length > maxBytes) throw new ModelFormatError(`ONNX model: ${bytes.length} bytes, over the limit of ${maxBytes}`);
  try {
    // A graph modelToOnnx wrote for raw columns comes back as the model with its pipeline.
    return importRawColumnGraph(bytes, { maxNodes: args.maxNodes ?? ONNX_CAPS.maxNodes, maxElements: args.maxElements ?? 2 ** 28 }, (network) => importOnnx(network, args)) ?? importOnnx(bytes, args);
  } catch (e) {
    if (e instanceof ModelFormatError || e instanceof UnsupportedError) throw e;
    if (e instanceof BackpropError) throw new ModelFormatError(`ONNX model is invalid: ${e.message}`);
    throw new ModelFormatError(`ONNX model could not be read (unexpected ${e instanceof Error ? e.name : 'error'}: ${e instanceof Error ? e.message : String(e)})`);
  }
}

function importOnnx(bytes: Uint8Array, args: OnnxImportArgs): LoadedModel {
  const maxElements = args.maxElements ?? 2 ** 28;
  const onnx = decodeOnnx(bytes, { maxNodes: args.maxNodes ?? ONNX_CAPS.maxNodes, maxElements });
  const opset = onnx.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 7 || opset > 21) throw new UnsupportedError(`ONNX model: opset ${opset} of ai.onnx; this reader knows opsets 7–21`);
  const g = onnx.graph;
  const constants = new Map<string, OnnxTensor>();
  for (const t of g.initializers) {
    constants.set(t.name, t);
    const k = t.data.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) {
      // Named as the file names it (R25): the node that reads the tensor, and the tensor.
      const node = g.nodes.find((n) => n.inputs.includes(t.name));
      const layer = node === undefined ? t.name : node.name || node.opType;
      throw new NonFiniteWeightError(`ONNX model: initializer ${JSON.stringify(t.name)}${node ? ` of node ${JSON.stringify(layer)} (${node.opType})` : ''} holds ${t.data[k]} at index ${k}; a model with non-finite weights predicts nothing meaningful`, layer, t.name);
    }
  }
  const input = g.inputs.find((i) => !constants.has(i.name));
  if (input === undefined) throw new ModelFormatError('ONNX graph: has no input that is not an initializer');
  if (g.outputs.length !== 1) throw new UnsupportedError(`ONNX graph: has ${g.outputs.length} outputs; an MLP has one`);
  const output = g.outputs[0]!.name;

  const found: Found[] = [];
  let current = input.name;
  /** The last Dense may still take a bias (MatMul then Add) or an activation. */
  let open: Extract<Found, { kind: 'dense' }> | undefined;
  const constantOf = (node: OnnxNode, name: string | undefined, what: string): OnnxTensor => {
    const t = name === undefined || name === '' ? undefined : constants.get(name);
    if (t === undefined) throw new UnsupportedError(`${where(node)}: its ${what} ${JSON.stringify(name ?? '')} is not a constant; only weights given as initializers are supported`);
    return t;
  };
  const dataInput = (node: OnnxNode): string[] => node.inputs.filter((i) => i !== '' && !constants.has(i));
  const nodes = g.nodes;
  /** Nodes a recognised subgraph (a periodic embedding) already took. */
  const covered = new Set<OnnxNode>();
  const readers = readersOf(nodes);
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    if (covered.has(node)) continue;
    if (node.domain !== '' && node.domain !== 'ai.onnx') throw new UnsupportedError(`${where(node)}: operator domain ${JSON.stringify(node.domain)} is not supported`);
    if (node.opType === 'Constant') {
      const value = attr(node, 'value');
      if (value?.kind !== 'tensor' || node.outputs.length !== 1) throw new UnsupportedError(`${where(node)}: only Constant nodes with a tensor value are supported`);
      constants.set(node.outputs[0]!, { ...value.value, name: node.outputs[0]! });
      continue;
    }
    const ins = dataInput(node);
    if (ins.length === 0 && node.opType === 'Identity') {
      // tf2onnx sometimes passes a weight through Identity.
      constants.set(node.outputs[0]!, { ...constantOf(node, node.inputs[0], 'input'), name: node.outputs[0]! });
      continue;
    }
    if (ins.length !== 1 || ins[0] !== current) {
      throw new UnsupportedError(`${where(node)}: takes ${JSON.stringify(ins)} but the chain is at ${JSON.stringify(current)}; only a single chain of layers (an MLP) is supported`);
    }
    const out = node.outputs[0];
    if (out === undefined || out === '') throw new ModelFormatError(`${where(node)}: has no output`);
    const setActivation = (spec: ActivationSpec): void => {
      if (open !== undefined && open.activation === 'linear') open.activation = spec;
      else found.push({ kind: 'activation', node: node.name, activation: spec });
      open = undefined;
    };
    const next = nodes[n + 1];
    switch (node.opType) {
      case 'Gemm': {
        if (num(node, 'transA', 0) !== 0) throw new UnsupportedError(`${where(node)}: transA = 1 is not supported`);
        const alpha = num(node, 'alpha', 1);
        const beta = num(node, 'beta', 1);
        const b = constantOf(node, node.inputs[1], 'weight B');
        if (b.dims.length !== 2) throw new ModelFormatError(`${where(node)}: weight B has shape [${b.dims.join(', ')}], expected 2-D`);
        const transB = num(node, 'transB', 0) !== 0;
        const [rows, cols] = transB ? [b.dims[1]!, b.dims[0]!] : [b.dims[0]!, b.dims[1]!];
        const kernel = new Float64Array(rows * cols);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) kernel[i * cols + j] = alpha * (transB ? b.data[j * rows + i]! : b.data[i * cols + j]!);
        let bias: Float64Array | undefined;
        if (node.inputs[2] !== undefined && node.inputs[2] !== '') {
          const c = constantOf(node, node.inputs[2], 'bias C');
          bias = vectorOf(node, c, cols, 'bias C').map((v) => beta * v);
        }
        open = { kind: 'dense', node: node.name, kernel, rows, cols, bias, activation: 'linear' };
        found.push(open);
        break;
      }
      case 'MatMul': {
        // x·A forking into Cos and Sin is a periodic embedding; its fork may start at another consumer of x.
        const phase = [node, ...(readers.get(current) ?? []).filter((m) => m !== node && m.opType === 'MatMul' && m.inputs[0] === current)];
        const embedding = phase.map((m) => recognisePeriodicEmbedding(m, current, readers, constants)).find((r) => r !== undefined);
        if (embedding !== undefined) {
          found.push(embedding.found);
          for (const m of embedding.covered) covered.add(m);
          open = undefined;
          current = embedding.output;
          continue;
        }
        const b = constantOf(node, node.inputs[1], 'weight B');
        if (b.dims.length !== 2 || node.inputs[0] !== current) throw new UnsupportedError(`${where(node)}: only x·W with a 2-D constant W is supported`);
        open = { kind: 'dense', node: node.name, kernel: Float64Array.from(b.data), rows: b.dims[0]!, cols: b.dims[1]!, bias: undefined, activation: 'linear' };
        found.push(open);
        break;
      }
      case 'Add': {
        const c = constantOf(node, node.inputs.find((i) => i !== current), 'addend');
        if (next?.opType === 'Clip' && c.data.length === 1 && c.data[0] === 0.5 && clipBounds(next, constants, opset)) {
          setActivation('piecewiseLinear');
          current = next.outputs[0]!;
          n++;
          continue;
        }
        if (open === undefined || open.bias !== undefined || open.activation !== 'linear') {
          throw new UnsupportedError(`${where(node)}: an Add is supported only as the bias of a MatMul`);
        }
        open.bias = vectorOf(node, c, open.cols, 'bias');
        break;
      }
      case 'LeakyRelu':
        setActivation({ name: 'leakyRelu', alpha: num(node, 'alpha', 0.01) });
        break;
      case 'Softmax': {
        const axis = num(node, 'axis', opset >= 13 ? -1 : 1);
        if (axis !== -1 && axis !== 1) throw new UnsupportedError(`${where(node)}: softmax over axis ${axis}; only the feature axis (1 or -1) is supported`);
        setActivation('softmax');
        break;
      }
      case 'Relu': case 'Sigmoid': case 'Tanh': case 'Sign':
        setActivation(ACTIVATION_OPS[node.opType]!);
        break;
      case 'GreaterOrEqual': {
        const zero = constantOf(node, node.inputs[1], 'threshold');
        if (zero.data.length !== 1 || zero.data[0] !== 0 || next?.opType !== 'Cast' || next.inputs[0] !== out || num(next, 'to', 0) !== 1) {
          throw new UnsupportedError(`${where(node)}: supported only as step(z) = Cast(z ≥ 0)`);
        }
        setActivation('step');
        current = next.outputs[0]!;
        n++;
        continue;
      }
      case 'BatchNormalization': {
        const width = found.length === 0 ? undefined : unitsOf(found[found.length - 1]!, found);
        const t = (k: number, what: string): Float64Array => {
          const c = constantOf(node, node.inputs[k], what);
          return vectorOf(node, c, width ?? c.data.length, what);
        };
        if (num(node, 'training_mode', 0) !== 0 || node.outputs.filter((o) => o !== '').length > 1) {
          throw new UnsupportedError(`${where(node)}: only inference-mode batch normalization is supported`);
        }
        found.push({ kind: 'batchNorm', node: node.name, gamma: t(1, 'scale'), beta: t(2, 'B'), mean: t(3, 'mean'), variance: t(4, 'var'), epsilon: num(node, 'epsilon', 1e-5), momentum: num(node, 'momentum', 0.9) });
        open = undefined;
        break;
      }
      case 'Dropout': {
        const ratioName = node.inputs[1];
        const rate = ratioName !== undefined && ratioName !== '' ? constantOf(node, ratioName, 'ratio').data[0] ?? 0.5 : num(node, 'ratio', 0.5);
        if (!(rate >= 0 && rate < 1)) throw new ModelFormatError(`${where(node)}: ratio ${rate} is not in [0, 1)`);
        found.push({ kind: 'dropout', node: node.name, rate });
        open = undefined;
        break;
      }
      case 'Identity':
        break;
      case 'Flatten': {
        const axis = num(node, 'axis', 1);
        if (axis !== 1 && axis !== -1) throw new UnsupportedError(`${where(node)}: Flatten over axis ${axis} changes a [batch, features] input`);
        break;
      }
      case 'Reshape': {
        const shape = constantOf(node, node.inputs[1], 'shape');
        const width = found.length === 0 ? undefined : unitsOf(found[found.length - 1]!, found);
        const [a, b] = [shape.data[0], shape.data[1]];
        const noOp = shape.data.length === 2 && (a === -1 || a === 0) && (b === -1 || (width !== undefined && b === width));
        if (!noOp) throw new UnsupportedError(`${where(node)}: Reshape to [${Array.from(shape.data).join(', ')}] is not a no-op on [batch, features]`);
        break;
      }
      case 'Cos': case 'Sin':
        throw new UnsupportedError(`${where(node)}: ${node.opType} is supported only inside a periodic embedding (MatMul forking into Cos and Sin, each projected by a MatMul, joined by Add, then bias and Relu)`);
      default:
        throw new UnsupportedError(`${where(node)}: op type ${JSON.stringify(node.opType)} is not supported in an MLP`);
    }
    current = out;
  }
  if (current !== output) throw new UnsupportedError(`ONNX graph: the chain of layers ends at ${JSON.stringify(current)}, not at the graph output ${JSON.stringify(output)}`);
  const model = buildModel(found, input.shape?.[1], onnx.graph.name, maxElements);
  const meta: Record<string, string> = {};
  for (const p of onnx.metadata) if (Object.hasOwn(ONNX_METADATA_KEYS, p.key)) meta[p.key] = p.value;
  const json = (key: string): Json | undefined => (meta[key] === undefined ? undefined : parseMetadataJson(meta[key]!, `ONNX metadata ${key}`));
  // A bare network's pipeline (--network-only) is metadata: its missing indicators are inputs the schema does not list.
  const pipeline = json(ONNX_METADATA.preprocessing);
  const imputer = pipeline !== null && typeof pipeline === 'object' && !Array.isArray(pipeline) ? pipeline.imputer : undefined;
  return importedModel(model, new Reader('ONNX metadata_props'), {
    classes: json(ONNX_METADATA.classes), featureNames: json(ONNX_METADATA.featureNames), schema: json(ONNX_METADATA.schema), imputer,
  }, { format: 'onnx', producer: `${onnx.producerName} ${onnx.producerVersion}`.trim(), opset }, onnx.irVersion);
}

const ONNX_METADATA_KEYS: Record<string, true> = { [ONNX_METADATA.classes]: true, [ONNX_METADATA.featureNames]: true, [ONNX_METADATA.schema]: true, [ONNX_METADATA.preprocessing]: true };

function clipBounds(node: OnnxNode, constants: Map<string, OnnxTensor>, opset: number): boolean {
  if (opset < 11) return num(node, 'min', -Infinity) === 0 && num(node, 'max', Infinity) === 1;
  const lo = constants.get(node.inputs[1] ?? '')?.data[0];
  const hi = constants.get(node.inputs[2] ?? '')?.data[0];
  return lo === 0 && hi === 1;
}

/** A per-unit vector of `n` values ([n] or [1, n]). */
function vectorOf(node: OnnxNode, t: OnnxTensor, n: number, what: string): Float64Array {
  if (t.data.length !== n || t.dims.some((d, i) => d !== 1 && i !== t.dims.length - 1)) {
    throw new ModelFormatError(`${where(node)}: ${what} has shape [${t.dims.join(', ')}], expected [${n}]`);
  }
  return Float64Array.from(t.data);
}

/** Units leaving the latest layer found (the last layer with a width). */
function unitsOf(last: Found, all: readonly Found[]): number | undefined {
  for (let i = all.indexOf(last); i >= 0; i--) {
    const f = all[i]!;
    if (f.kind === 'dense') return f.cols;
    if (f.kind === 'batchNorm') return f.gamma.length;
    if (f.kind === 'periodicEmbedding') return f.outputUnits;
  }
  return undefined;
}

/** A found layer as the registry knows it: our class, its config, and the tensors the graph gives it, in the registry's parameter order. */
function asLayer(f: Found): { className: LayerClassName; config: Record<string, unknown>; tensors: Float64Array[] } {
  switch (f.kind) {
    case 'dense': return { className: 'Dense', config: { units: f.cols, activation: f.activation, useBias: f.bias !== undefined }, tensors: [f.kernel, ...(f.bias ? [f.bias] : [])] };
    case 'batchNorm': return { className: 'BatchNormalization', config: { epsilon: f.epsilon, momentum: f.momentum }, tensors: [f.gamma, f.beta, f.mean, f.variance] };
    case 'dropout': return { className: 'Dropout', config: { rate: f.rate }, tensors: [] };
    case 'activation': return { className: 'Activation', config: { activation: f.activation }, tensors: [] };
    case 'periodicEmbedding': {
      // Columns only when some inputs are not embedded: "all" is the layer's default.
      const all = f.columns.length === f.inputs;
      return {
        className: 'PeriodicEmbedding',
        config: { frequencies: f.frequencyCount, units: f.units, ...(all ? {} : { columns: f.columns }), includeInputs: f.includeInputs },
        tensors: [f.frequencies, f.projection, f.bias],
      };
    }
  }
}

/**
 * Builds the model through the layer registry: each layer's config is checked and its output
 * width and parameter shapes derived by `kind.shapes`, and the graph's tensors must match them.
 */
function buildModel(found: readonly Found[], declaredInputs: number | string | undefined, name: string, maxElements: number): Sequential {
  if (found.length === 0) throw new UnsupportedError('ONNX graph: no layers found');
  const inputUnits = found.map((f) => (f.kind === 'dense' ? f.rows : f.kind === 'batchNorm' ? f.gamma.length : f.kind === 'periodicEmbedding' ? f.inputs : undefined)).find((u) => u !== undefined) ?? (typeof declaredInputs === 'number' ? declaredInputs : undefined);
  if (inputUnits === undefined) throw new UnsupportedError('ONNX graph: the number of input features is unknown (no Dense or BatchNormalization and no fixed input shape)');
  if (typeof declaredInputs === 'number' && declaredInputs !== inputUnits) throw new ModelFormatError(`ONNX graph: input declares ${declaredInputs} features but the first weights take ${inputUnits}`);
  const list: Layer[] = [];
  const values: Float64Array[] = [];
  let units = inputUnits;
  for (const f of found) {
    const { className, config, tensors } = asLayer(f);
    const node = `ONNX node ${JSON.stringify(f.node || '(unnamed)')}`;
    if (f.kind === 'periodicEmbedding' && f.inputs !== units) throw new ModelFormatError(`${node}: the periodic embedding's frequencies have ${f.inputs} rows but ${units} units reach it`);
    const shapes = layerRegistry[className].shapes(new Reader(node) as ConfigFields, config, className, units, maxElements);
    shapes.params.forEach((p, i) => {
      const size = p.shape.reduce((x, y) => x * y, 1);
      const got = tensors[i]!;
      if (got.length !== size) {
        const why = f.kind === 'dense' && i === 0 ? `weight has ${f.rows} rows but ${units} units reach it` : `${got.length} features but ${units} units reach it`;
        throw new ModelFormatError(`${node}: ${why}`);
      }
      values.push(got);
    });
    list.push(layerFromConfig({ className, config }));
    units = shapes.outputUnits;
  }
  const model = new Sequential(list, { name: name.slice(0, 200) || 'sequential' });
  model.build(inputUnits);
  model.params().forEach((p, k) => p.value.set(values[k]!));
  return model;
}
