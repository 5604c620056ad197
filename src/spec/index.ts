export { DEFAULT_SPEC, trainingSpec, checkSpec, hiddenActivation, type TrainingSpec, type PreprocessingSpec, type ArchitectureSpec, type CompileSpec, type FitSpec, type ScaleKind, type TaskChoice } from './spec.js';
export { planOutput, taskOf, classCodes, targetMatrix, classTargets, type Task, type OutputPlan } from './output.js';
export { buildNetwork, describeNetwork, type Network, type Block, type BuildOptions } from './network.js';
export { gatherRows, fitPipeline, pipelineInputs, pipelineTargets, outputsToTargets } from './pipeline.js';
export { prepareTraining, startRun, splitRows, earlyStoppingOf, type PreparedTraining, type PrepareArgs, type Part, type Split, type StartArgs } from './prepare.js';
export { TrainingRun, type RunArgs, type RunScores } from './run.js';
export { measure, regressionMetrics, type SetMetrics } from './measure.js';
