// Library entry point: atoms and the reader/printer, the space and matchers, the interpreter's
// environment, programs (sequential and parallel), MettaState with its binary form, EvalConfig,
// the scheduler and its backends, bulk queries, and the embedding facade `Engine` (docs/api.md).
// The `metta` command (src/cli) is not part of the library.
export * from './core/index.js';
export * from './space/index.js';
export * from './cpu/index.js';
export * from './gpu/index.js';
export { compiledTierStats, Environment, evaluateNow, evaluateTopLevel, installStdlib, EvaluationStopped } from './eval/index.js';
export * from './runner/index.js';
export { evalConfig, type EvalConfig, preset, PRESET_NAMES, type PresetName } from './runner/eval-config.js';
export { ParallelRunner, formatMetrics } from './runner/parallel.js';
export * from './api/index.js';
export { type AnswererStats, BatchAnswerer, type GpuBackend, type SpaceAnswer, type SpaceQuery } from './runner/batch-answerer.js';
export { gpuAnswererFor } from './runner/gpu-answerer.js';
export * from './scheduler/index.js';
export * from './query/index.js';
// The benchmark suites of `metta bench`, for scripts that time the engine (bench/).
export * as benchmarks from './bench/index.js';
