// EvalConfig: how many worker threads evaluate batches of `!` forms, as presets like the seed
// document's (its presets were never applied; these size the pool for real), or custom.

import { availableParallelism } from 'node:os';

import type { GpuMode } from '../scheduler/index.js';

export interface EvalConfig {
  /** Workers kept when the pool has been idle (the adaptive sizer never goes below). */
  readonly minWorkers: number;
  /**
   * The most threads that evaluate at once, the calling thread included: the pool starts
   * maxWorkers - 1 threads (1 = evaluate everything on the calling thread).
   */
  readonly maxWorkers: number;
  /**
   * The rest of a batch goes to the pool's queue only when the work left in it is expected to take
   * longer than this (milliseconds, estimated from the forms already run inline); below, it runs
   * inline, which saves copying the environment and the messages. Start-up is not counted: the
   * pool is used only once a thread is ready, and the calling thread takes tasks from the queue.
   */
  readonly inlineBudgetMs: number;
  /**
   * Predicted work left in a batch (milliseconds) that makes starting the pool's threads worth it
   * when they are not started yet: loading the engine costs each thread about 150 ms of CPU, which
   * a small program would pay on a busy machine (the prediction: runner/form-clock.ts).
   */
  readonly poolStartMs: number;
  /**
   * What copying the environment to the workers costs per atom of `&self` (microseconds: writing
   * it once, and rebuilding it in each worker), added to the budget whenever the copy is stale.
   */
  readonly copyUsPerAtom: number;
  /**
   * A form whose typical time (milliseconds) is below this is never worth a task: queueing one and
   * reading its result back costs the calling thread some 20–40 µs, so the pool could at best break
   * even. Default MIN_TASK_MS.
   */
  readonly minTaskMs?: number;
  /** Grow and shrink the number of busy workers by measured utilisation. */
  readonly adaptive: boolean;
  readonly gpu: GpuMode;
  /**
   * False: the calling thread evaluates no queued form itself and leaves them all to the pool's
   * threads (default true: it takes queued and unstarted forms whenever it is idle). For tests that
   * must see forms evaluated on a thread, and callers that want the calling thread kept free.
   */
  readonly ownerTakesTasks?: boolean;
}

export const PRESET_NAMES = ['default', 'cpuOptimized', 'memoryOptimized', 'throughputOptimized'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Measured with bench/batch-parallel on the 2-core development machine (docs/performance.md). */
const POOL_START_MS = 250;
/** EvalConfig.minTaskMs unless set. */
export const MIN_TASK_MS = 0.1;
/** Serializing plus deserializing one fact-sized atom (about 1.6 + 3.5 µs on the dev machine). */
const COPY_US_PER_ATOM = 5;

export function cores(): number {
  return Math.max(1, availableParallelism());
}

/** The seed's presets, in threads of this machine. */
export function preset(name: PresetName, cpuCount = cores()): EvalConfig {
  switch (name) {
    case 'default':
      return { minWorkers: 1, maxWorkers: cpuCount, inlineBudgetMs: 20, poolStartMs: POOL_START_MS, copyUsPerAtom: COPY_US_PER_ATOM, adaptive: true, gpu: 'auto' };
    case 'cpuOptimized':
      return { minWorkers: cpuCount, maxWorkers: cpuCount * 2, inlineBudgetMs: 10, poolStartMs: POOL_START_MS, copyUsPerAtom: COPY_US_PER_ATOM, adaptive: false, gpu: 'auto' };
    case 'memoryOptimized':
      return { minWorkers: 1, maxWorkers: cpuCount, inlineBudgetMs: 50, poolStartMs: POOL_START_MS, copyUsPerAtom: COPY_US_PER_ATOM, adaptive: true, gpu: 'auto' };
    case 'throughputOptimized':
      return { minWorkers: cpuCount, maxWorkers: cpuCount * 4, inlineBudgetMs: 5, poolStartMs: POOL_START_MS, copyUsPerAtom: COPY_US_PER_ATOM, adaptive: true, gpu: 'auto' };
  }
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** A preset or custom config with `overrides` applied; `workers` fixes the pool at that size. */
export function evalConfig(base: PresetName | EvalConfig = 'default', overrides: Partial<EvalConfig> & { workers?: number } = {}): EvalConfig {
  const start = typeof base === 'string' ? preset(base) : base;
  const { workers, ...rest } = overrides;
  const merged: EvalConfig = { ...start, ...rest };
  const sized = workers === undefined ? merged : { ...merged, minWorkers: workers, maxWorkers: workers, adaptive: false };
  if (!Number.isInteger(sized.maxWorkers) || sized.maxWorkers < 1) throw new RangeError(`maxWorkers must be a positive integer, got ${sized.maxWorkers}`);
  if (!Number.isInteger(sized.minWorkers) || sized.minWorkers < 1 || sized.minWorkers > sized.maxWorkers) {
    throw new RangeError(`minWorkers must be between 1 and maxWorkers (${sized.maxWorkers}), got ${sized.minWorkers}`);
  }
  return sized;
}
