// How `metta query` schedules its batches, shared with the calibration and the kb-match sweep
// (bench/kb-sweep.ts), which times `--gpu auto` exactly as the command runs it: whether to open the
// GPU, whether the worker pool is a candidate (and how many threads), and the answerer over the
// paths open (scheduler/answerer.ts: the one policy for choosing a path and falling back).

import { availableParallelism } from 'node:os';
import { ScheduledAnswerer } from '../scheduler/index.js';
import { BackendFailure } from '../scheduler/index.js';
import { type CostModel, NEVER_MS, predictMs } from '../scheduler/index.js';
import type { GpuMode, MatchPath } from '../scheduler/index.js';
import { Scheduler } from '../scheduler/index.js';
import type { SpaceSnapshot, SpaceView } from '../space/index.js';
import { type AnswerFormat, type BulkPattern } from './bulk.js';
import { CpuPatterns, FormattedLines, GpuPatterns, type LineBatch, type LineCounts, PoolLines, type QueryPool } from './backends.js';

/**
 * Whether to open the GPU: `--gpu on` always; `auto` only when a calibration found the GPU can win
 * (it has a calibrated cost); `off` never.
 */
export function opensGpu(gpu: GpuMode, model: CostModel, calibrated: boolean): boolean {
  return gpu === 'on' || (gpu === 'auto' && calibrated && (model.paths.gpu?.overheadMs ?? Infinity) < 1e9);
}

/**
 * What starting the pool of `metta query` costs once per run, in milliseconds: creating the threads,
 * loading the worker module and the replica of the space in each, before the first batch can be
 * answered. Measured on the 2-core development machine: 150–180 ms from opening two workers to
 * the answer of a one-pattern batch (10,000 and 100,000 facts; /tmp measurement, see
 * docs/performance.md), rounded up for the workers' JIT warm-up, which the calibration's warm
 * samples do not include. A constant, not calibrated: the calibration file has no place for it.
 */
export const POOL_START_MS = 200;

/**
 * Microseconds per atom to build the frozen trie the pool's threads read (`AtomSpace.snapshot`),
 * which `metta query` builds only when the pool or the GPU opens: 162 ms at 100,000 facts and
 * 1,126 ms at 1,000,000 (`(edge nI nJ)`, in process, 2026-12-02, the 2-core machine, quiet).
 */
export const TRIE_BUILD_US_PER_ATOM = 1.2;

/**
 * The pool's threads when `--workers` is not given: as `metta calibrate` measures the pool
 * (calibrate.ts: 2 to 4, by the cores), so that the calibrated cost is the cost of this pool.
 */
export function defaultQueryWorkers(cores = availableParallelism()): number {
  return Math.min(4, Math.max(2, cores));
}

/** How a run uses the worker pool. */
export interface PoolPlan {
  /** forced: `--workers N` (N > 1), every batch; candidate: the scheduler may choose it; none: never. */
  readonly mode: 'forced' | 'candidate' | 'none';
  readonly workers: number;
  /** Milliseconds the model predicts the pool saves over the run (candidate or not; 0 when not weighed). */
  readonly savedMs: number;
  /** Why, in words (for `--log info`). */
  readonly reason: string;
}

/**
 * Milliseconds the model predicts the pool saves over a run of `total` patterns in batches of
 * `batch` (the last one the remainder), against the best of `others` for each batch: only the
 * batches where the pool is predicted fastest count, each by the margin.
 */
export function poolSavingMs(model: CostModel, others: readonly MatchPath[], batch: number, total: number): number {
  const pool = model.paths.pool;
  if (pool === undefined || batch < 1 || total < 1) return 0;
  const saved = (n: number): number => {
    if (n < 1) return 0;
    const best = Math.min(...others.map((p) => (model.paths[p] === undefined ? Infinity : predictMs(model.paths[p]!, n))));
    return Math.max(0, best - predictMs(pool, n));
  };
  const full = Math.floor(total / batch);
  const savedFull = saved(batch);
  return (full > 0 && savedFull > 0 ? full * savedFull : 0) + saved(total - full * batch);
}

/**
 * The smallest run (in patterns, batches of `batch`) whose predicted saving pays the pool's
 * start-up, or null when the pool is not predicted faster at that batch size.
 */
export function poolBreakEven(model: CostModel, others: readonly MatchPath[], batch: number): number | null {
  const perBatch = poolSavingMs(model, others, batch, batch);
  if (!(perBatch > 0)) return null;
  return Math.floor(POOL_START_MS / perBatch) * batch + 1;
}

/**
 * Whether and how a run uses the pool. An explicit `--workers N` decides (N > 1 forces the pool,
 * 1 rules it out). Otherwise the pool is a candidate of `--gpu auto` and `--gpu off` (off rules out
 * the GPU only) when a calibration measured it, the machine has more than one core, and the model
 * predicts that the run saves more than the pool's start-up (POOL_START_MS, plus building the
 * frozen trie of `trieAtoms` atoms when none is built yet) — weighed once, for
 * the whole run, from `total` (the run's patterns, estimated by the caller) in batches of `batch`
 * against the other paths open (`others`). `--gpu on` forces the GPU: no pool.
 */
export function planPool(options: {
  readonly model: CostModel;
  readonly calibrated: boolean;
  readonly gpu: GpuMode;
  readonly workers: number | null;
  readonly others: readonly MatchPath[];
  readonly batch: number;
  readonly total: number;
  /** Atoms of a frozen trie the pool would have to build first (0: it is built). */
  readonly trieAtoms?: number;
  readonly cores?: number;
}): PoolPlan {
  const { model, calibrated, gpu, workers, others, batch, total } = options;
  const trieMs = ((options.trieAtoms ?? 0) * TRIE_BUILD_US_PER_ATOM) / 1000;
  const startMs = POOL_START_MS + trieMs;
  const cores = options.cores ?? availableParallelism();
  if (workers !== null) {
    return workers > 1 ? { mode: 'forced', workers, savedMs: 0, reason: `${workers} workers, every batch (--workers ${workers})` } : { mode: 'none', workers, savedMs: 0, reason: 'not used (--workers 1: this thread only)' };
  }
  const count = defaultQueryWorkers(cores);
  const none = (reason: string): PoolPlan => ({ mode: 'none', workers: count, savedMs: 0, reason: `not used (${reason})` });
  if (gpu === 'on') return none('--gpu on forces the GPU');
  if (cores < 2) return none('one core');
  const cost = model.paths.pool;
  if (!calibrated || cost === undefined || predictMs(cost, 1) >= NEVER_MS) return none('no calibration of the pool (run `metta calibrate`)');
  const savedMs = poolSavingMs(model, others, batch, total);
  const about = `${total} patterns in batches of ${batch}: predicted to save ${savedMs.toFixed(1)} ms, start-up ${POOL_START_MS} ms${trieMs >= 10 ? ` + ${trieMs.toFixed(0)} ms to build the frozen trie` : ''}`;
  if (savedMs === 0) return none(`never predicted faster than ${others.join(' or ')} at batches of ${batch}`);
  return savedMs > startMs
    ? { mode: 'candidate', workers: count, savedMs, reason: `${count} workers, a candidate, started when first chosen (${about})` }
    : { mode: 'none', workers: count, savedMs, reason: `not a candidate: the run cannot pay its start-up (${count} workers; ${about})` };
}

/**
 * A pool opened the first time a batch is sent to it, so a run that never chooses it never starts
 * threads; the start-up is then part of that batch's time. `open` may give null (the worker is not
 * built): the pool is then `unavailable` and each batch sent to it is answered on this thread.
 */
export class LazyPool implements QueryPool {
  private pool: QueryPool | null = null;
  private failed = false;
  /** Milliseconds of the first batch sent to the pool, start-up included (null until one). */
  firstBatchMs: number | null = null;
  firstBatchPatterns = 0;

  constructor(
    readonly workers: number,
    private readonly open: () => Promise<QueryPool | null>,
  ) {}

  get started(): boolean {
    return this.pool !== null;
  }

  get unavailable(): boolean {
    return this.failed;
  }

  get batches(): number {
    return this.pool?.batches ?? 0;
  }

  async answer(patterns: readonly BulkPattern[], firstIndex: number, format: AnswerFormat): Promise<string[] | null> {
    if (this.pool !== null) return this.pool.answer(patterns, firstIndex, format);
    if (this.failed) return null;
    const t0 = performance.now();
    this.pool = await this.open();
    if (this.pool === null) {
      this.failed = true;
      return null;
    }
    const lines = await this.pool.answer(patterns, firstIndex, format);
    this.firstBatchMs = performance.now() - t0;
    this.firstBatchPatterns = patterns.length;
    return lines;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/**
 * The GPU matcher for a run, or null: opened when `opensGpu` says so; without an adapter `warn` is
 * told (`--gpu on` warns, `auto` stays quiet) and the CPU answers.
 */
export async function openGpuPatterns(snapshot: () => SpaceSnapshot, gpu: GpuMode, model: CostModel, calibrated: boolean, warn: (text: string) => void): Promise<GpuPatterns | null> {
  if (!opensGpu(gpu, model, calibrated)) return null;
  try {
    return await GpuPatterns.open(snapshot());
  } catch (e) {
    if (!(e instanceof BackendFailure)) throw e;
    if (gpu === 'on') warn(`metta: --gpu on: ${e.message}; matching runs on the CPU\n`);
    return null;
  }
}

export interface QueryAnswerer {
  readonly answerer: ScheduledAnswerer<LineBatch, string[]>;
  /** The paths the scheduler may choose, in order. */
  readonly available: MatchPath[];
  /** Results printed on this thread (the CPU's and the GPU's). */
  readonly counts: LineCounts;
}

/**
 * The answerer over the paths open: the CPU always, the pool when there is one (forced for
 * `--workers N`, else a candidate chosen per batch like the others: `poolForced`), the GPU when it
 * was opened (`--gpu on` forces it). A GPU that fails later is dropped (`--gpu on` warns); the CPU
 * answers the rest.
 */
export function queryAnswerer(options: {
  /** What the CPU matches: the live index, or a frozen trie. */
  readonly view: SpaceView;
  readonly model: CostModel;
  readonly gpuMode: GpuMode;
  readonly gpu: GpuPatterns | null;
  readonly pool: QueryPool | null;
  readonly poolForced?: boolean;
  readonly warn?: (text: string) => void;
}): QueryAnswerer {
  const { view, model, gpuMode, gpu, pool } = options;
  const counts: LineCounts = { results: 0 };
  const available: MatchPath[] = ['cpu'];
  if (pool !== null) available.push('pool');
  if (gpu !== null) available.push('gpu');
  // `keepDecisions` false: per-path totals only, no list of every decision. A run of many small
  // batches (`--batch 1`) would otherwise keep one object per batch, and the garbage collector's
  // copying of them costs microseconds per batch (measured by the kb-match sweep's auto series at
  // one pattern per batch).
  const forced: MatchPath | null = gpuMode === 'on' ? 'gpu' : pool !== null && (options.poolForced ?? true) ? 'pool' : null;
  const scheduler = new Scheduler(model, available, forced, false);
  const others = [...(pool !== null ? [new PoolLines(pool)] : []), ...(gpu !== null ? [new FormattedLines(gpu, counts)] : [])];
  const answerer = new ScheduledAnswerer<LineBatch, string[]>(scheduler, new FormattedLines(new CpuPatterns(view), counts), others, {
    size: (batch) => batch.patterns.length,
    onFailure: (path, reason) => {
      if (path === 'gpu' && gpuMode === 'on') options.warn?.(`metta: --gpu on: ${reason}; matching runs on the CPU\n`);
    },
  });
  return { answerer, available, counts };
}
