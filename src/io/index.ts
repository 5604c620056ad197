export { modelToBytes, modelFromBytes, readModelHeader, MODEL_FORMAT, type ModelFileArgs, type LoadArgs, type LoadedModel, type TrainingState, type Preprocessing, type ImputerJSON } from './modelFile.js';
export { saveModel, loadModel, writeFileAtomic, type SaveArgs, type WriterFs } from './file.js';
export { FORMAT_VERSION, DEFAULT_LIMITS, type ContainerLimits } from './container.js';
export { crc32 } from './crc32.js';
export type { Json, JsonObject } from './json.js';
