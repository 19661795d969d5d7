// The benchmark suites behind `metta bench` (interp, kb-match with its throughput sweep,
// batch-parallel, memory, runtime-kb; kb-load runs on its own only), their option readers and the throughput chart. Each module also runs
// on its own: `node --expose-gc dist/src/bench/kb-sweep.js --quick` (see docs/performance.md).
export { runSuites, SUITES, type SuiteMode, type SuiteName, type SuiteOptions, type SuiteResults, kbMatchOptionsFor, memoryOptionsFor } from './suite.js';
export { benchKbSweep, crossoverOf, type SweepFigures, type SweepOptions, sweepChart, sweepOptions, summarizeAuto } from './kb-sweep.js';
export { benchKbMatch, KB_MATCH_OPTIONS, type KbMatchFigures, type KbMatchOptions, kbMatchOptions, makePatterns } from './kb-match.js';
export { benchRuntimeKb, builderProgram, expectedOutput, type RuntimeKbFigures, type RuntimeKbOptions, runtimeKbOptionsFor } from './runtime-kb.js';
export { benchKbLoad, type KbLoadFigures, type KbLoadOptions, kbLoadOptionsFor, type ProcessFigure as KbLoadProcessFigure } from './kb-load.js';
export { benchMemory, MEMORY_OPTIONS, type MemoryFigures, type MemoryOptions, memoryOptions } from './memory.js';
export { buildGraphSpace, count, edge, fmt, hasGc, isMain, machine, node, Options, type OptionTypes, prng, randInt, table } from './common.js';
