// Bulk queries: pattern files read a batch at a time, the backends that answer a batch on the CPU,
// the GPU or the worker pool, how a run schedules them, and the calibration of their costs.
export { type AnswerFormat, type BulkPattern, bulkPatternOf, formatAnswer, PatternFormError, PatternReader, resultAtoms } from './bulk.js';
export { CpuPatterns, FormattedLines, GpuPatterns, type LineBackend, type LineBatch, type LineCounts, type PatternBackend, PoolLines, type QueryPool } from './backends.js';
export {
  defaultQueryWorkers,
  LazyPool,
  openGpuPatterns,
  opensGpu,
  planPool,
  POOL_START_MS,
  poolBreakEven,
  type PoolPlan,
  poolSavingMs,
  type QueryAnswerer,
  queryAnswerer,
  TRIE_BUILD_US_PER_ATOM,
} from './plan.js';
export { type Calibration, calibrate, CALIBRATION_SIZES, CalibrationError, type CalibrationOptions, type CalibrationSample, fitCostRelative, repairOutliers } from './calibration.js';
export { QueryWorkerPool } from './query-pool.js';
export { answerPatterns, answerSlice, QUERY_SLICE_TASK, type QuerySliceTask, querySliceTask } from './query-slice.js';
