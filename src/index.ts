// Library entry point: atoms and the reader/printer, the space and matchers, the interpreter's
// environment, programs (sequential and parallel), MettaState with its binary form, EvalConfig,
// and the embedding facade `Engine` (docs/api.md).
export * from './core/index.js';
export * from './space/index.js';
export * from './cpu/index.js';
export { Environment, evaluateNow, evaluateTopLevel, installStdlib, EvaluationStopped } from './eval/index.js';
export * from './runner/index.js';
export { evalConfig, type EvalConfig, type GpuMode, preset, PRESET_NAMES, type PresetName } from './runner/eval-config.js';
export { ParallelRunner, formatMetrics } from './runner/parallel.js';
export { main } from './cli/main.js';
export {
  Engine,
  EngineClosedError,
  type EngineGpuMode,
  type EngineOptions,
  type FormResult,
  type GpuPathUse,
  type GpuStatus,
  type QueryAnswer,
  type RunResult,
} from './api/engine.js';
export type { AnswererStats } from './scheduler/batch-answerer.js';
