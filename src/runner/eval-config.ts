// EvalConfig: how many worker threads evaluate batches of `!` forms, as presets like the seed
// document's (its presets were never applied; these size the pool for real), or custom.

import { availableParallelism } from 'node:os';

export type GpuMode = 'auto' | 'on' | 'off';

export interface EvalConfig {
  /** Workers kept when the pool has been idle (the adaptive sizer never goes below). */
  readonly minWorkers: number;
  /** The most workers the pool runs at once (1 = evaluate everything on the main thread). */
  readonly maxWorkers: number;
  /**
   * A batch goes to the pool only when the work left in it is expected to take longer than this
   * (milliseconds, estimated from the forms already run inline); below, it runs inline, which is
   * faster than a round trip to a worker.
   */
  readonly inlineBudgetMs: number;
  /**
   * What starting the pool's threads costs (milliseconds): added to the budget while the pool is
   * not running yet, so a small program never starts threads it cannot win back.
   */
  readonly poolStartMs: number;
  /**
   * What copying the environment to the workers costs per atom of `&self` (microseconds: writing
   * it once, and rebuilding it in each worker), added to the budget whenever the copy is stale.
   */
  readonly copyUsPerAtom: number;
  /** Grow and shrink the number of busy workers by measured utilisation. */
  readonly adaptive: boolean;
  readonly gpu: GpuMode;
}

export const PRESET_NAMES = ['default', 'cpuOptimized', 'memoryOptimized', 'throughputOptimized'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * What a pool costs before it pays: starting the threads and loading the engine (about 150 ms for
 * two workers) and their JIT warm-up, during which a worker runs the interpreter several times
 * slower than a warm thread. Measured with bench/batch-parallel's command figures on the 2-core dev
 * machine: a batch of 100 forms of ~9 ms (0.9 s of work) ran slower on the pool, 1,000 forms
 * (5 s) 1.94x faster; break-even near 1.4 s of work, i.e. about 700 ms of overhead.
 */
const POOL_START_MS = 700;
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
