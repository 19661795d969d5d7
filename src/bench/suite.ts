// The benchmark suites in one process, for `npm run bench` (bench/run.ts) and `metta bench`
// (src/cli/bench.ts): interp, kb-match (trie versus naive, then throughput by batch size per path:
// CPU trie, CPU pool, GPU, GPU brute force), batch-parallel, memory and runtime-kb. Returns every figure; the
// callers print, write JSON and draw the chart.

import { benchBatchParallel, type BatchParallelFigures } from './batch-parallel.js';
import { clockFn, machine } from './common.js';
import { benchInterp } from './interp.js';
import { benchKbMatch, type KbMatchFigures, type KbMatchOptions } from './kb-match.js';
import { benchKbSweep, type SweepFigures, sweepOptions } from './kb-sweep.js';
import { benchMemory, type MemoryFigures, type MemoryOptions } from './memory.js';
import { benchRuntimeKb, type RuntimeKbFigures, runtimeKbOptionsFor } from './runtime-kb.js';

export const SUITES = ['interp', 'kb-match', 'batch-parallel', 'memory', 'runtime-kb'] as const;
export type SuiteName = (typeof SUITES)[number];
export type SuiteMode = 'tiny' | 'quick' | 'full';

export interface SuiteOptions {
  readonly mode: SuiteMode;
  readonly suites: readonly SuiteName[];
  /** GPU paths of kb-match: auto (when an adapter exists), on (required), off. */
  readonly gpu: 'auto' | 'on' | 'off';
  /** Threads of the pool paths. */
  readonly workers: number;
  /** Size overrides (bench/run.ts passes its command-line sizes). */
  readonly kbMatch?: KbMatchOptions;
  readonly memory?: MemoryOptions;
}

export interface SuiteResults {
  readonly date: string;
  readonly mode: SuiteMode;
  readonly machine: Record<string, string | number>;
  readonly loadAvg1minAtEnd: number;
  readonly wallSeconds: number;
  readonly interp?: Record<string, number>;
  readonly kbMatch?: KbMatchFigures;
  readonly kbSweep?: SweepFigures;
  readonly batchParallel?: BatchParallelFigures;
  readonly memory?: MemoryFigures[];
  readonly runtimeKb?: RuntimeKbFigures;
}

export function kbMatchOptionsFor(mode: SuiteMode): KbMatchOptions {
  if (mode === 'tiny') return { facts: 1_000, patterns: 100, naive: 5, nodes: 100, seed: 1, quick: true, clock: 'wall' };
  if (mode === 'quick') return { facts: 10_000, patterns: 1_000, naive: 10, nodes: 1_000, seed: 1, quick: true, clock: 'wall' };
  return { facts: 100_000, patterns: 10_000, naive: 20, nodes: 10_000, seed: 1, quick: false, clock: 'wall' };
}

export function memoryOptionsFor(mode: SuiteMode): MemoryOptions {
  if (mode === 'tiny') return { facts: 10_000, nodes: [100, 10_000], seed: 1, quick: true, clock: 'wall' };
  if (mode === 'quick') return { facts: 100_000, nodes: [1_000, 100_000], seed: 1, quick: true, clock: 'wall' };
  return { facts: 1_000_000, nodes: [10_000, 1_000_000], seed: 1, quick: false, clock: 'wall' };
}

export async function runSuites(options: SuiteOptions): Promise<SuiteResults> {
  const started = new Date();
  const wall = clockFn('wall');
  const t0 = wall();
  const before = machine();
  const want = (s: SuiteName): boolean => options.suites.includes(s);
  const quick = options.mode !== 'full';
  const results: { -readonly [K in keyof SuiteResults]?: SuiteResults[K] } = {};
  if (want('kb-match')) {
    results.kbMatch = await benchKbMatch(options.kbMatch ?? kbMatchOptionsFor(options.mode));
    results.kbSweep = await benchKbSweep(sweepOptions(options.mode, options.gpu, options.workers));
  }
  if (want('memory')) results.memory = await benchMemory(options.memory ?? memoryOptionsFor(options.mode));
  if (want('interp')) results.interp = await benchInterp({ quick });
  if (want('batch-parallel')) results.batchParallel = await benchBatchParallel({ workers: options.workers, quick });
  if (want('runtime-kb')) results.runtimeKb = await benchRuntimeKb(runtimeKbOptionsFor(options.mode));
  const after = machine();
  return {
    date: started.toISOString(),
    mode: options.mode,
    machine: before,
    loadAvg1minAtEnd: after.loadAvg1min as number,
    wallSeconds: (wall() - t0) / 1000,
    ...results,
  };
}
