// Library entry point. The embedding API (Engine) grows here as the layers land.
export * from './core/index.js';
export * from './space/index.js';
export * from './cpu/index.js';
export { Program, ExitCode, type RunOptions, type RunOutcome } from './runner/index.js';
export { main } from './cli/main.js';
