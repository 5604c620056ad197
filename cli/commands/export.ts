import { join } from 'node:path';
import { loadModel, saveModel, formatOfPath, TFJS_WEIGHTS_FILE } from '../../src/index.js';
import { checkFile } from '../csv.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { Printer, type Io } from '../io.js';

/**
 * `backprop export <model> --out <path> [--format onnx|tfjs]`: the model as ONNX or as a
 * TensorFlow.js Layers model.json + weights, with its input scaling folded into the weights and
 * class labels and column names in the metadata, so the file takes the raw CSV columns.
 * The format comes from --format, else from the name (`*.onnx`, `*.json`); a tfjs --out that is
 * not a .json name is a folder that gets model.json and model.weights.bin.
 */
export function exportCommand(modelPath: string, opts: { out: string; format?: string; json: boolean }, io: Io): number {
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
  saveModel(loaded.network, path, { preprocessing: loaded.preprocessing });
  const files = format === 'tfjs' ? [path, join(path, '..', TFJS_WEIGHTS_FILE)] : [path];
  printer.line(`wrote the ${format === 'onnx' ? 'ONNX' : 'TensorFlow.js'} model: ${files.join(', ')}`);
  printer.event({ event: 'export', format, files });
  return EXIT_OK;
}
