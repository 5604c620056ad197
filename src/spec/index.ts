export { DEFAULT_SPEC, trainingSpec, checkSpec, hiddenActivation, tableArgsOf, type TrainingSpec, type PreprocessingSpec, type ArchitectureSpec, type CompileSpec, type FitSpec, type ScaleKind, type TaskChoice, type TrainingSpecParts } from './spec.js';
export { planOutput, taskOf, classCodes, targetMatrix, classTargets, type Task, type OutputPlan } from './output.js';
export { buildNetwork, describeNetwork, type Network, type Block, type BuildOptions } from './network.js';
export { gatherRows, fitPipeline, pipelineInputs, pipelineTargets, outputsToTargets, inputNames } from './pipeline.js';
export { prepareTraining, startRun, splitRows, earlyStoppingOf, type PreparedTraining, type PrepareArgs, type Part, type Split, type StartArgs } from './prepare.js';
export { TrainingRun, type RunArgs, type RunScores } from './run.js';
export { trainingVerdict, type Verdict, type VerdictKind, type VerdictArgs } from './verdict.js';
export { predictRecords, predictTable, decodeOutputs, readingWarnings, type RawRecord, type ModelWithPipeline, type Predictions } from './apply.js';
export { crossValidate, meanStd, type FoldScores, type CrossValidationArgs } from './crossValidate.js';
