// The embedding facade: `Engine` (load, run, query, state), see docs/api.md.
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
} from './engine.js';
