/** Seeing inside: the lecture notes as software (SPEC §10). */
export { explain, type Explanation, type ExplainLayer, type ExplainParam, type ExplainArgs, type DeltaRule } from './explain.js';
export { explainUpdate, type OptimizerUpdate, type ParamUpdate, type UpdateTerm } from './optimizerStep.js';
export { renderExplanation, type ExplainFormat } from './explainRender.js';
export { gradcheck, renderGradcheck, type GradcheckArgs, type GradcheckResult, type GradcheckTensor, type GradcheckEntry } from './gradcheck.js';
export {
  layerStatistics, LayerStatistics, activationStatistics, summarizeActivations, SATURATION,
  type ActivationSummary, type LayerActivationStatistics, type LayerEpochStatistics, type EpochStatistics,
  type GradientSummary, type LayerStatisticsArgs,
} from './layerStats.js';
export { parameterTrajectory, ParameterTrajectory, type ParameterTrajectoryArgs, type Trajectory, type TrajectoryPoint } from './trajectory.js';
export { pca, type PcaResult } from './pca.js';
export { decisionBoundary, boundaryRanges, type DecisionBoundary, type DecisionBoundaryArgs } from './boundary.js';
export { mcDropoutPredict, type McPrediction } from '../model/mcDropout.js';
export { Perceptron, perceptron, StepActivation, gateData, type PerceptronArgs, type PerceptronResult, type Gate } from './perceptron.js';
export { towerNetwork, type TowerNetworkArgs } from './universal.js';
export { diagnostics, Diagnostics, type DiagnosticsArgs, type Diagnosis, type DiagnosisKind } from './diagnostics.js';
export { networkFromSpec, type NetworkSpec, type NetworkLayerSpec } from './network.js';
