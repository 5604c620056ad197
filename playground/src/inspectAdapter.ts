/**
 * The one place that knows where the page's `explain`, `explainUpdate` and `decisionBoundary`
 * come from: the library's seeing-inside module (src/inspect), so the page shows exactly the
 * numbers `backprop explain` prints.
 */
export {
  explain, explainUpdate, decisionBoundary,
  type Explanation, type ExplainLayer, type ExplainArgs, type DecisionBoundary, type DecisionBoundaryArgs as BoundaryArgs,
  type OptimizerUpdate, type ParamUpdate, type UpdateTerm,
} from '../../src/index.js';

/** Named in the explain panel ("numbers from the library"). */
export const explainSource = 'library';
