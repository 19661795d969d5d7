// The scheduler: the paths a batch can take, the calibrated cost model, the per-batch choice of a
// path, and the one policy for answering a batch on it (backends and their failures).
export { GPU_MODES, type GpuMode, isGpuMode, MATCH_PATHS, type MatchPath } from './paths.js';
export { type Backend, BackendFailure } from './backend.js';
export { type Answered, type AnswererOptions, type PathUse, ScheduledAnswerer } from './answerer.js';
export { type Decision, Scheduler } from './scheduler.js';
export {
  calibrationFile,
  costBreakpoints,
  type CostModel,
  type CostSample,
  DEFAULT_COST_MODEL,
  fitCost,
  loadCostModel,
  NEVER_MS,
  parseCostModel,
  type PathCost,
  predictMs,
  saveCostModel,
} from './cost-model.js';
