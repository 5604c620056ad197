import { loadModel, FORMAT_VERSION } from '../../src/index.js';
import { checkFile } from '../csv.js';
import { EXIT_OK } from '../errors.js';
import { formatMetric } from '../evaluation.js';
import { Printer, type Io } from '../io.js';

/** `backprop summary <model>`: the layer table and what the file holds besides weights. */
export function summaryCommand(modelPath: string, json: boolean, io: Io): number {
  const printer = new Printer(io, json);
  checkFile(modelPath, 'model file');
  const loaded = loadModel(modelPath);
  const { network: model, preprocessing, training } = loaded;
  const schema = preprocessing.schema;
  const target = schema?.target;
  const last: Record<string, number> = {};
  for (const [k, v] of Object.entries(training?.history?.history ?? {})) if (v.length > 0) last[k] = v[v.length - 1]!;
  // An imported file (ONNX, TensorFlow.js) holds no optimiser or epochs: import compiles it with a fresh sgd, which is not how it was trained.
  const foreign = training === undefined ? ({ onnx: 'ONNX', tfjs: 'TensorFlow.js' } as Record<string, string>)[String(loaded.metadata.format)] : undefined;
  const notInFile = `— (not in ${foreign === 'ONNX' ? 'an' : 'a'} ${foreign} file)`;
  const facts: [string, string][] = [
    ['file', foreign === 'ONNX' ? `${modelPath} (ONNX, IR version ${loaded.formatVersion})` : foreign ? `${modelPath} (${foreign} Layers model)` : `${modelPath} (format version ${loaded.formatVersion}; this backprop writes ${FORMAT_VERSION})`],
    ['inputs', schema ? schema.inputs.map((c) => (c.kind === 'categorical' ? `${c.name} (categorical: ${c.categories.length})` : c.name)).join(', ') : `${model.inputUnits} numbers`],
    ['target', target ? `${target.names.join(', ')} (${target.kind === 'classes' ? `classes: ${target.classes.map(String).join(', ')}` : 'numeric'})` : '—'],
    ['scaling', preprocessing.scaler ? preprocessing.scaler.kind : 'none'],
    ['loss', model.loss?.name ?? '— (not compiled)'],
    ['optimizer', foreign ? notInFile : model.optimizer ? `${model.optimizer.name}, learning rate ${model.optimizer.currentLearningRate()}, ${model.optimizer.iterations} steps taken` : '—'],
    ['epochs trained', foreign ? notInFile : String(training?.epoch ?? 0)],
  ];
  if (Object.keys(last).length > 0) facts.push(['last epoch', Object.entries(last).filter(([k]) => k !== 'lr').map(([k, v]) => `${k} ${formatMetric(v)}`).join(', ')]);
  printer.line(model.summary(null));
  printer.line();
  const width = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) printer.line(`${k.padEnd(width)}  ${v}`);
  printer.event({
    event: 'summary',
    model: modelPath,
    formatVersion: loaded.formatVersion,
    config: model.getConfig(),
    parameters: model.countParams(),
    classes: model.classes,
    loss: model.loss?.name,
    optimizer: foreign ? null : model.optimizer?.name,
    epochs: foreign ? null : training?.epoch ?? 0,
    preprocessing,
    last,
  });
  return EXIT_OK;
}
