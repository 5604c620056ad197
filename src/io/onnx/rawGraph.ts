import { ModelFormatError } from '../../core/errors.js';
import { LoadedModel } from '../loadedModel.js';
import { Reader } from '../json.js';
import { parseMetadataJson } from '../portable.js';
import { validatePreprocessing } from '../preprocessing.js';
import { ONNX_METADATA } from './export.js';
import { decodeOnnx, encodeOnnx, type OnnxModel } from './schema.js';

/** Reads a graph back into a network (the importer), given its bytes. */
export type NetworkReader = (bytes: Uint8Array) => LoadedModel;

/**
 * A graph modelToOnnx wrote for raw columns (metadata `backprop.inputs` = `raw-columns`) read back
 * as the model it came from: the network part (every node after the pipeline's, up to the target
 * scaling) goes through the ordinary importer, and the pipeline comes from the metadata, so
 * `predict` applies it exactly as before the export. Any other graph gives undefined.
 */
export function importRawColumnGraph(bytes: Uint8Array, limits: { maxNodes: number; maxElements: number }, readNetwork: NetworkReader): LoadedModel | undefined {
  const onnx = decodeOnnx(bytes, limits);
  const meta = new Map(onnx.metadata.map((m) => [m.key, m.value]));
  if (meta.get(ONNX_METADATA.inputs) !== 'raw-columns') return undefined;
  const text = meta.get(ONNX_METADATA.preprocessing);
  if (text === undefined) throw new ModelFormatError(`ONNX model: a raw-column graph without its ${ONNX_METADATA.preprocessing} metadata`);
  const inPipeline = (name: string): boolean => name.startsWith('pipeline/') || name.startsWith('target/');
  const nodes = onnx.graph.nodes.filter((n) => !inPipeline(n.name));
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  if (first === undefined || last === undefined) throw new ModelFormatError('ONNX model: a raw-column graph without network nodes');
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const network: OnnxModel = {
    ...onnx,
    metadata: onnx.metadata.filter((m) => m.key === ONNX_METADATA.classes),
    graph: {
      ...onnx.graph,
      nodes,
      initializers: onnx.graph.initializers.filter((t) => used.has(t.name)),
      inputs: [{ name: first.inputs[0]!, shape: ['N', undefined] }],
      outputs: [{ name: last.outputs[0]!, shape: undefined }],
    },
  };
  const loaded = readNetwork(encodeOnnx(network));
  const preprocessing = validatePreprocessing(new Reader('ONNX metadata backprop.preprocessing'), parseMetadataJson(text, ONNX_METADATA.preprocessing), loaded.network.inputUnits, loaded.network.outputUnits);
  return new LoadedModel(loaded.network, preprocessing, undefined, loaded.metadata, loaded.formatVersion);
}
