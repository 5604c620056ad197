/*
 * A training run is the model's session (src/model/session.ts): `TrainingRun` is its name here,
 * kept for the callers that advance runs (search, cross-validation, the CLI).
 */
export { TrainingSession as TrainingRun, type SessionArgs as RunArgs, type RunScores } from '../model/session.js';
