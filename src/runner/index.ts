// Program runner: top-level atoms in order, `!` results printed in source order.
export { ExitCode, Program, type RunOptions, type RunOutcome } from './program.js';
// MettaState: compile / run as values, and their versioned binary form (docs/state-format.md).
export {
  assertUsable,
  compile,
  type CompileOptions,
  emptyState,
  type EnvironmentOptions,
  type MettaState,
  newStateEnvironment,
  type OutputRecord,
  results,
  run,
  type SourceItem,
  StateConsumedError,
  type StateRunOptions,
  stderrText,
  stdoutText,
} from './state.js';
export {
  cloneState,
  deserializeState,
  serializeState,
  STATE_FORMAT_VERSION,
  STATE_MAGIC,
  StateFormatError,
  StateSerializeError,
} from './serialize.js';
export { BatchedRunner } from './batched.js';
export { type AnswererStats, BatchAnswerer, type GpuBackend, type SpaceAnswer, type SpaceQuery } from './batch-answerer.js';
export { type EvalConfig, evalConfig, isPresetName, preset, PRESET_NAMES, type PresetName } from './eval-config.js';
export { gpuAnswererFor } from './gpu-answerer.js';
export { formatMetrics, ParallelRunner } from './parallel.js';
export { routeStateOutput } from './state.js';
export { type LoopOptions, type OutputRecord as TopLevelRecord, runSequential } from './top-level.js';
export { EvalPool } from './eval-pool.js';
export { TASK_KINDS } from './eval-task.js';
export {
  type LoadedSpace,
  looksLikeSpaceImage,
  MSPACE_FORMAT_VERSION,
  MSPACE_MAGIC,
  readSpaceImage,
  readSpaceImageFile,
  type ReadOptions as SpaceImageReadOptions,
  SpaceImageError,
  SpaceImageWriteError,
  writeSpaceImage,
  type WriteOptions as SpaceImageWriteOptions,
} from './mspace.js';
