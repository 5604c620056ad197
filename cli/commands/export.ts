import { join } from 'node:path';
import { countOf } from '../../src/core/format.js';
import { loadModel, saveModel, formatOfPath, TFJS_PREPROCESSING_FILE, TFJS_WEIGHTS_FILE, type Preprocessing } from '../../src/index.js';
import { checkFile } from '../csv.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { Printer, type Io } from '../io.js';

/**
 * `backprop export <model> --out <path> [--format onnx|tfjs] [--network-only]`: the model as ONNX
 * (a graph with one input per raw column and the whole pipeline in it) or as a TensorFlow.js Layers
 * model.json + weights + preprocessing.json (applied by the library's `applyPreprocessing`), class
 * labels and column names in the metadata. `--network-only` writes the bare network alone. The
 * format comes from --format, else from the name (`*.onnx`, `*.json`); a tfjs --out that is not a
 * .json name is a folder.
 */
export function exportCommand(modelPath: string, opts: { out: string; format?: string; networkOnly?: boolean; json: boolean }, io: Io): number {
  const printer = new Printer(io, opts.json);
  checkFile(modelPath, 'model file');
  const byName = formatOfPath(opts.out);
  const format = opts.format ?? (byName === 'native' ? undefined : byName);
  if (format !== 'onnx' && format !== 'tfjs') {
    throw new UsageError(`cannot tell the format from --out ${JSON.stringify(opts.out)}`, 'name the file model.onnx or model.json, or give --format onnx|tfjs');
  }
  const path = format === 'tfjs' ? (byName === 'tfjs' ? opts.out : join(opts.out, 'model.json')) : opts.out;
  if (format === 'onnx' && byName !== 'onnx') throw new UsageError(`--out ${JSON.stringify(opts.out)} does not end in .onnx`, 'name the ONNX file like model.onnx');
  const loaded = loadModel(modelPath);
  const networkOnly = opts.networkOnly === true;
  saveModel(loaded.network, path, { preprocessing: loaded.preprocessing, networkOnly });
  const raw = loaded.preprocessing.schema !== undefined && !networkOnly;
  const files = format === 'tfjs' ? [path, join(path, '..', TFJS_WEIGHTS_FILE), ...(raw ? [join(path, '..', TFJS_PREPROCESSING_FILE)] : [])] : [path];
  printer.line(`wrote the ${format === 'onnx' ? 'ONNX' : 'TensorFlow.js'} model: ${files.join(', ')}`);
  printer.line(`inputs: ${inputsLine(loaded.preprocessing, format, raw, loaded.network.inputUnits)}`);
  if (format === 'onnx' && raw) printer.line(`types:  ${onnxTypesLine(loaded.preprocessing.schema!.inputs)}`);
  printer.event({ event: 'export', format, files });
  return EXIT_OK;
}

/** What the exported file takes, in one line: the raw columns and the steps applied to them, or the bare features. */
function inputsLine(pre: Preprocessing, format: 'onnx' | 'tfjs', raw: boolean, features: number): string {
  if (!raw) return `${features} features${pre.schema === undefined ? '' : ' as the network takes them (the pipeline\'s output: apply it yourself)'}`;
  const inputs = pre.schema!.inputs;
  const steps = [
    pre.imputer !== undefined ? 'missing values filled in' : undefined,
    inputs.some((c) => c.kind === 'categorical') ? 'categories one-hot (unseen → zeros)' : undefined,
    inputs.some((c) => c.kind === 'date') ? 'date features' : undefined,
    (pre.imputer?.indicators.length ?? 0) > 0 ? `${pre.imputer!.indicators.length} missing indicators` : undefined,
    pre.scaler !== undefined ? 'scaled' : undefined,
  ].filter((s): s is string => s !== undefined);
  const where = format === 'onnx' ? 'in the graph' : `by applyPreprocessing with ${TFJS_PREPROCESSING_FILE}`;
  return `${inputs.length} raw columns (${inputs.map((c) => c.name).slice(0, 8).join(', ')}${inputs.length > 8 ? ', ...' : ''})${steps.length > 0 ? `; ${steps.join(', ')} ${where}` : ''}`;
}

/**
 * The element type of each ONNX input, in one line. Categories coded as numbers (birthwt's race
 * 1–3 read with --categorical) take strings, which ONNX Runtime's own error does not name.
 */
function onnxTypesLine(inputs: readonly { readonly name: string; readonly kind: string }[]): string {
  const numeric = inputs.filter((c) => c.kind === 'numeric');
  const text = inputs.filter((c) => c.kind !== 'numeric').map((c) => c.name);
  const parts = [
    numeric.length > 0 ? `float32 [N, 1] for the ${countOf(numeric.length, 'numeric column')} (NaN = missing)` : undefined,
    text.length > 0 ? `string [N, 1] for ${text.slice(0, 10).join(', ')}${text.length > 10 ? `, and ${text.length - 10} more` : ''} (categories and dates as the CSV writes them, '' = missing)` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join('; ');
}
