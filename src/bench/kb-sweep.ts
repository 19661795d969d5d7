// bench/kb-sweep: throughput of each match path against the batch size, on the kb-match workload
// (`(edge nI nJ)` facts, the 20-slot pattern mix of kb-match.ts), and where each path overtakes the
// CPU trie matcher (the crossover). Paths, each timed as `metta query` runs it (answer the batch,
// then print each pattern's line), except the baseline:
//
//   cpu        the CPU trie matcher on this thread (`CpuPatterns`, src/query/backends.ts)
//   cpu-pool   the batch split across `--workers` threads reading the space in place (query-pool.ts)
//   gpu        the GPU trie kernel, results materialized as the CPU's (`GpuPatterns`)
//   gpu-brute  the brute-force GPU baseline (gpu.js: every pattern against every fact, atom ids only)
//   auto       `metta query --gpu auto`: the scheduler's choice per batch from a cost model calibrated
//              first, exactly as `metta calibrate` calibrates (src/query/calibration.ts; the model is
//              kept in memory, the user's cache file is not touched), then the run of the chosen
//              path, the decision included (src/query/plan.ts, which `metta query` runs):
//              the CPU, the GPU when the calibration measured it, and the pool of `--workers`
//              threads when the calibration measured it, started the first time it is chosen
//
// Before timing, every path's answers are checked equal to the CPU's. Then, at each size, every
// path — each single one and auto — is timed in the same interleaved rounds (timeInterleaved): a
// first run of each sizes its samples (paths over 3x slower than the fastest and over 10 ms in two
// runs stop there), then rounds of samples of about 1 ms (or one run) of each in a shuffled order
// for 8 × `minMs` (ten rounds at least), so all see the same machine load. A point is the median
// of its path's samples at that size, with the fastest and slowest sample as its spread; the table
// printed, the JSON and the chart are all drawn from those points (SweepFigures.series). auto's
// ratios to the best path (taken over the paths `--gpu auto` chooses between — cpu, cpu-pool and
// gpu when calibrated — and, separately, over every path timed) are ratios of the same medians.
//
// Each size stands for a long run of batches of that size: the pool is a candidate at every size
// (as `metta query` makes it one for a run whose predicted saving pays its start-up, planPool) and
// its start-up is paid once, by the first batch that chose it (outside the timed samples: it is
// reported as poolStart), then that batch is repeated for AUTO_POOL_WARM_MS to warm the new
// threads, as the single-path pool is warm by then (also outside the samples). Each point gives
// the run length from which `metta query` would make the pool a candidate at that batch size
// (poolBreakEven).
//
//   node --expose-gc dist/src/bench/kb-sweep.js [--quick | --tiny] [--gpu auto|on|off] [--workers N]
//     [--sizes 1,10,100] [--gpu-max N] [--calibration-facts N] [--no-auto] [--json FILE] [--svg FILE]

import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Atom } from '../core/index.js';
import { CompiledPattern, matchBatch } from '../cpu/index.js';
import {
  type BulkPattern,
  type Calibration,
  calibrate,
  type CalibrationSample,
  CpuPatterns,
  FormattedLines,
  GpuPatterns,
  LazyPool,
  opensGpu,
  POOL_START_MS,
  poolBreakEven,
  type QueryPool,
  queryAnswerer,
} from '../query/index.js';
import { BackendFailure, type CostModel, type MatchPath } from '../scheduler/index.js';
import type { SpaceSnapshot } from '../space/index.js';
import { buildGraphSpace, count, fmt, isMain, machine, Options, prng, table } from './common.js';
import { makePatterns } from './kb-match.js';
import { throughputChart } from './svg.js';

export type SweepPath = 'cpu' | 'cpu-pool' | 'gpu' | 'gpu-brute' | 'auto';

export const PATH_LABELS: Record<SweepPath, string> = {
  cpu: 'CPU trie',
  'cpu-pool': 'CPU pool',
  gpu: 'GPU trie kernel',
  'gpu-brute': 'GPU brute force (gpu.js)',
  auto: '--gpu auto (calibrated)',
};

/** The single paths the auto comparison times; `metta query --gpu auto` chooses between those its scheduler has (AutoFigures.available). */
const COMPARED: readonly SweepPath[] = ['cpu', 'cpu-pool', 'gpu'];
const sweepPathOf = (path: MatchPath): SweepPath => (path === 'pool' ? 'cpu-pool' : path);
/** Samples per path at least, and the least time of one sample (see timeInterleaved). */
export const AUTO_MIN_SAMPLES = 10;
export const AUTO_GROUP_MS = 1;
/**
 * Paths slower than the fastest by more than this, and slower than AUTO_EARLY_DROP_MS, are not
 * sampled after the first run of each (one run is too noisy to judge a fast path by; sampling a
 * fast one costs little).
 */
export const AUTO_EARLY_DROP = 3;
export const AUTO_EARLY_DROP_MS = 10;
/** The rounds of samples at one size last at least this many times `minMs` (all paths together). */
export const AUTO_BUDGET = 8;
/** After auto's pool started: its batches repeated this long (ms) before the size is timed. */
const AUTO_POOL_WARM_MS = 500;
/** The bar: auto at most 10% slower than the best path. */
export const AUTO_TOLERANCE = 1.1;

export interface SweepOptions {
  readonly facts: number;
  readonly nodes: number;
  readonly seed: number;
  readonly sizes: readonly number[];
  /** Largest batch timed on the GPU paths (a software GPU is slow: keep it small there). */
  readonly gpuMaxBatch: number;
  /** Brute-force batches above this many cells (facts × patterns) are skipped. */
  readonly bruteMaxCells: number;
  readonly minMs: number;
  /** auto: GPU paths when an adapter exists; on: required; off: skipped. */
  readonly gpu: 'auto' | 'on' | 'off';
  /** Threads of the cpu-pool path (< 2: not measured). */
  readonly workers: number;
  /** Time `--gpu auto` (after a calibration) against the single paths (default true). */
  readonly auto?: boolean;
  /** Facts of the calibration's knowledge base (default 20,000, as `metta calibrate`). */
  readonly calibrationFacts?: number;
}

/** `--gpu auto` at one batch size, timed interleaved with the single paths. */
export interface AutoPoint {
  readonly batch: number;
  /** auto's time (median of its samples), decision included: its series' point. */
  readonly medianMs: number;
  readonly patternsPerSec: number;
  /** The path the scheduler chose, and the time the model predicted for it. */
  readonly chose: MatchPath;
  readonly predictedMs: number;
  /** Each single path's time (median of its samples) in the same interleaved rounds: its series' point. */
  readonly timedMs: Partial<Record<SweepPath, number>>;
  /** The samples behind each: 2 for a path over AUTO_EARLY_DROP times slower than the fastest, timed twice only. */
  readonly timedSamples: Partial<Record<SweepPath, number>>;
  /**
   * auto over the path it chose, run on its own (null when that path was not timed): the cost of
   * the decision plus the measurement's noise, since both do the same work.
   */
  readonly ratioChosen: number | null;
  /**
   * The chosen path's own time over the best path's (null when it was not timed): the decision's
   * quality, free of the noise between auto and the path it runs.
   */
  readonly choiceRatio: number | null;
  /** The fastest of the paths `--gpu auto` chooses between (its scheduler's), and auto's time over it. */
  readonly best: { readonly path: SweepPath; readonly medianMs: number };
  readonly ratio: number;
  readonly within: boolean;
  /** The same against every path timed, the CPU pool included. */
  readonly bestAll: { readonly path: SweepPath; readonly medianMs: number };
  readonly ratioAll: number;
  readonly withinAll: boolean;
  /**
   * The smallest run, in batches of this size, whose predicted saving would make the pool a
   * candidate of `metta query` (planPool), or null when the pool is not predicted faster here.
   */
  readonly poolBreakEven?: number | null;
}

export interface AutoSummary {
  readonly sizes: number;
  /** Sizes where auto is within AUTO_TOLERANCE of the best of its candidates, and the worst. */
  readonly within: number;
  readonly worst: { readonly batch: number; readonly ratio: number };
  /** The same against every path timed (the pool included). */
  readonly withinAll: number;
  readonly worstAll: { readonly batch: number; readonly ratio: number };
  /** Sizes where the path auto chose, timed on its own, is within AUTO_TOLERANCE of the best of auto's candidates. */
  readonly choiceWithin: number;
  /** Sizes (among those the GPU was timed at) where auto chose the GPU exactly when at or above the measured GPU crossover. */
  readonly agreesWithCrossover: number;
  readonly gpuSizes: number;
  readonly lines: string[];
}

export interface AutoFigures {
  /** The calibrated model auto decided with (measured at the start of the sweep, not saved). */
  readonly model: CostModel;
  readonly calibrationFacts: number;
  readonly calibrationSamples: Partial<Record<MatchPath, CalibrationSample[]>>;
  readonly calibrationMs: number;
  /** The paths the auto scheduler had open (as `metta query --gpu auto` would have). */
  readonly available: MatchPath[];
  /** Threads of auto's pool, and its first batch (start-up included) when it was started. */
  readonly poolWorkers?: number;
  readonly poolStart?: { readonly batch: number; readonly ms: number } | null;
  /** Smallest batch from which the model predicts the path beats the CPU (Scheduler.crossover), next to the measured crossover. */
  readonly predictedCrossover: { readonly gpu: number | null; readonly pool: number | null };
  readonly measuredCrossover: { readonly gpu: number | null | undefined; readonly pool: number | null | undefined };
  readonly points: AutoPoint[];
  readonly summary: AutoSummary;
}

/** One path at one batch size: the statistics of its interleaved samples (ms per batch). */
export interface SweepPoint {
  readonly batch: number;
  /** The plotted statistic. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Samples taken (each the mean of a group of runs of about AUTO_GROUP_MS); 2: dropped early as slow. */
  readonly samples: number;
  /** Runs of the batch behind the samples. */
  readonly runs: number;
  /** batch / medianMs, and the spread drawn: batch / maxMs to batch / minMs. */
  readonly patternsPerSec: number;
  readonly slowestPatternsPerSec: number;
  readonly fastestPatternsPerSec: number;
}

export interface SweepFigures {
  readonly options: SweepOptions;
  readonly adapter: string | null;
  /** Why GPU paths are missing, when they are. */
  readonly notes: string[];
  /** Every path's points, auto's included: what the table, the chart and the auto comparison show. */
  readonly series: Partial<Record<SweepPath, SweepPoint[]>>;
  /** Per path other than cpu: the smallest batch from which its median is faster than the CPU trie's at every measured size (null: never). */
  readonly crossover: Partial<Record<SweepPath, number | null>>;
  /** `--gpu auto` against the single paths (absent with `auto: false`). */
  readonly auto?: AutoFigures;
}

export function sweepOptions(mode: 'tiny' | 'quick' | 'full', gpu: SweepOptions['gpu'], workers: number): SweepOptions {
  if (mode === 'tiny') return { facts: 1_000, nodes: 100, seed: 1, sizes: [1, 10, 100], gpuMaxBatch: 100, bruteMaxCells: 1e6, minMs: 10, gpu, workers, calibrationFacts: 2_000 };
  if (mode === 'quick') return { facts: 10_000, nodes: 1_000, seed: 1, sizes: [1, 10, 100, 1_000], gpuMaxBatch: 1_000, bruteMaxCells: 2e7, minMs: 150, gpu, workers };
  return { facts: 100_000, nodes: 10_000, seed: 1, sizes: [1, 10, 100, 1_000, 10_000], gpuMaxBatch: 10_000, bruteMaxCells: 2e8, minMs: 1_000, gpu, workers };
}

function bulk(patterns: readonly Atom[]): BulkPattern[] {
  return patterns.map((pattern, k) => ({ pattern, template: null, position: { file: 'bench', line: k + 1, column: 1 } }));
}

/** A path's samples at one size (ms per run of the batch), as timeInterleaved took them. */
export interface PathSamples {
  readonly samplesMs: number[];
  runs: number;
}

/** The point of `batch` from its samples (median, fastest, slowest). */
export function pointOf(batch: number, t: PathSamples): SweepPoint {
  const sorted = [...t.samplesMs].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const medianMs = sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
  const minMs = sorted[0]!;
  const maxMs = sorted[sorted.length - 1]!;
  const perSec = (ms: number): number => batch / (ms / 1000);
  return { batch, medianMs, minMs, maxMs, samples: sorted.length, runs: t.runs, patternsPerSec: perSec(medianMs), slowestPatternsPerSec: perSec(maxMs), fastestPatternsPerSec: perSec(minMs) };
}

/** The crossover of `path` against `base`: the smallest size from which `path` wins at every larger measured size. */
export function crossoverOf(base: readonly SweepPoint[], path: readonly SweepPoint[]): number | null {
  const baseAt = new Map(base.map((p) => [p.batch, p.patternsPerSec]));
  const common = path.filter((p) => baseAt.has(p.batch)).sort((a, b) => a.batch - b.batch);
  let at: number | null = null;
  for (let i = common.length - 1; i >= 0; i--) {
    if (common[i]!.patternsPerSec > baseAt.get(common[i]!.batch)!) at = common[i]!.batch;
    else break;
  }
  return at;
}

/**
 * Times each of `runs` interleaved, so that all see the same machine load. A first run of each
 * (after the answer checks, so no path is cold) sizes its samples — enough runs to take about
 * AUTO_GROUP_MS, so the clock's resolution does not matter and no path's sample keeps the machine
 * busy for long — and drops the paths more than AUTO_EARLY_DROP times slower than the fastest and
 * over AUTO_EARLY_DROP_MS in two runs (they cannot be the best, and a software GPU's runs are long;
 * `keep` is never dropped): their two runs are their samples. Samples of the others are taken in a
 * shuffled order per round, for at least AUTO_MIN_SAMPLES rounds and `budgetMs`, so each gets the
 * same number of samples. The first run is not a sample.
 */
async function timeInterleaved(budgetMs: number, keep: readonly SweepPath[], runs: Partial<Record<SweepPath, () => Promise<unknown>>>): Promise<Partial<Record<SweepPath, PathSamples>>> {
  const paths = Object.keys(runs) as SweepPath[];
  const first: Partial<Record<SweepPath, number>> = {};
  for (const p of paths) {
    const t0 = performance.now();
    await runs[p]!();
    first[p] = performance.now() - t0;
  }
  const fastest = Math.min(...paths.map((p) => first[p]!));
  const groupOf = Object.fromEntries(paths.map((p) => [p, Math.max(1, Math.ceil(AUTO_GROUP_MS / Math.max(first[p]!, 1e-3)))])) as Record<SweepPath, number>;
  const out: Partial<Record<SweepPath, PathSamples>> = {};
  // A slow first run is confirmed by a second before the path is dropped (one run can be inflated
  // many times over by the machine's load).
  const slow = new Set<SweepPath>();
  for (const p of paths) {
    if (keep.includes(p) || first[p]! <= Math.max(fastest * AUTO_EARLY_DROP, AUTO_EARLY_DROP_MS)) continue;
    const t0 = performance.now();
    await runs[p]!();
    const second = performance.now() - t0;
    if (second <= Math.max(fastest * AUTO_EARLY_DROP, AUTO_EARLY_DROP_MS)) continue;
    slow.add(p);
    out[p] = { samplesMs: [first[p]!, second], runs: 2 };
  }
  const order = paths.filter((p) => !slow.has(p));
  for (const p of order) out[p] = { samplesMs: [], runs: 0 };
  const shuffle = prng(paths.length * 7919 + groupOf[keep[0] ?? 'cpu']);
  const start = performance.now();
  for (let round = 0; round < AUTO_MIN_SAMPLES || performance.now() - start < budgetMs; round++) {
    for (let i = order.length - 1; i > 0; i--) {
      const k = Math.floor(shuffle() * (i + 1));
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    for (const p of order) {
      const run = runs[p]!;
      const group = groupOf[p];
      const t0 = performance.now();
      for (let g = 0; g < group; g++) await run();
      const o = out[p]!;
      o.samplesMs.push((performance.now() - t0) / group);
      o.runs += group;
    }
  }
  return out;
}

const ratioText = (r: number): string => `${r.toFixed(2)}x`;

/** The summary of the auto points (pure: tests call it on made-up points). */
export function summarizeAuto(points: readonly AutoPoint[], measuredGpuCrossover: number | null | undefined, gpuSizes: readonly number[], candidates: readonly SweepPath[] = ['cpu', 'gpu']): AutoSummary {
  const worstOf = (ratio: (p: AutoPoint) => number): { batch: number; ratio: number } =>
    points.reduce((w, p) => (ratio(p) > w.ratio ? { batch: p.batch, ratio: ratio(p) } : w), { batch: points[0]?.batch ?? 0, ratio: -Infinity });
  const worst = worstOf((p) => p.ratio);
  const worstAll = worstOf((p) => p.ratioAll);
  const within = points.filter((p) => p.within).length;
  const choiceWithin = points.filter((p) => p.choiceRatio !== null && p.choiceRatio <= AUTO_TOLERANCE).length;
  const withinAll = points.filter((p) => p.withinAll).length;
  const timedGpu = points.filter((p) => gpuSizes.includes(p.batch));
  const agrees = timedGpu.filter((p) => (p.chose === 'gpu') === (measuredGpuCrossover !== null && measuredGpuCrossover !== undefined && p.batch >= measuredGpuCrossover)).length;
  const pct = Math.round((AUTO_TOLERANCE - 1) * 100);
  const names = COMPARED.filter((p) => p === 'cpu' || candidates.includes(p)).map((p) => (p === 'gpu' ? 'GPU' : PATH_LABELS[p]));
  const named = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  const lines = [
    `auto within ${pct}% of the best path (of ${named}, the paths --gpu auto chooses between) at ${within} of ${points.length} sizes; worst ${ratioText(worst.ratio)} at size ${fmt(worst.batch)}`,
  ];
  if (!candidates.includes('cpu-pool') && points.some((p) => p.bestAll.path !== p.best.path || p.timedMs['cpu-pool'] !== undefined)) {
    lines.push(`auto within ${pct}% of the best of every path (CPU pool included, which --gpu auto did not have: no calibration of it) at ${withinAll} of ${points.length} sizes; worst ${ratioText(worstAll.ratio)} at size ${fmt(worstAll.batch)}`);
  }
  if (within < points.length) {
    lines.push(`the path auto chose was itself within ${pct}% of the best at ${choiceWithin} of ${points.length} sizes (where auto missed but its choice did not, the miss is the noise between two timings of the same work)`);
  }
  const chosen = [...new Set(points.map((p) => p.chose))];
  const gpuAt = points.filter((p) => p.chose === 'gpu').map((p) => fmt(p.batch));
  lines.push(
    chosen.length === 1 ? `auto chose the ${chosen[0]!.toUpperCase()} at every size` : `auto chose ${points.map((p) => `${p.chose} at ${fmt(p.batch)}`).join(', ')}`,
  );
  if (timedGpu.length > 0) {
    lines.push(
      `auto's choice agrees with the measured GPU crossover (${measuredGpuCrossover === null || measuredGpuCrossover === undefined ? 'none' : `from ${fmt(measuredGpuCrossover)}`}) at ${agrees} of ${timedGpu.length} sizes the GPU was timed at` +
        (gpuAt.length > 0 ? `; it chose the GPU at ${gpuAt.join(', ')}` : ''),
    );
  }
  return { sizes: points.length, within, worst, withinAll, worstAll, choiceWithin, agreesWithCrossover: agrees, gpuSizes: timedGpu.length, lines };
}

export async function benchKbSweep(options: SweepOptions): Promise<SweepFigures> {
  console.log(
    `\nkb-match by batch size: ${fmt(options.facts)} facts, I,J in [0, ${fmt(options.nodes)}); batches ${options.sizes.map((s) => fmt(s)).join(', ')}; ` +
      `every path timed in the same interleaved rounds (≥ ${fmt(options.minMs * AUTO_BUDGET)} ms per size, ≥ ${AUTO_MIN_SAMPLES} samples each); answers printed as metta query prints them`,
  );
  const notes: string[] = [];
  // The calibration first, on its own knowledge base, as `metta calibrate` runs it (the model stays
  // in memory). It opens and closes the GPU device itself.
  let calibration: Calibration | null = null;
  let calibrationMs = 0;
  const calibrationFacts = options.calibrationFacts ?? 20_000;
  if (options.auto !== false) {
    console.log(`calibrating the cost model as metta calibrate does (${fmt(calibrationFacts)} facts; not saved):`);
    const t0 = performance.now();
    calibration = await calibrate({ gpu: options.gpu, workers: options.workers, facts: calibrationFacts, out: (line) => console.log(`  ${line}`) });
    calibrationMs = performance.now() - t0;
  }

  const space = buildGraphSpace({ facts: options.facts, sources: options.nodes, targets: options.nodes, seed: options.seed });
  const view: SpaceSnapshot = space.snapshot();
  const largest = Math.max(...options.sizes);
  const { patterns: all } = makePatterns(largest, options.nodes, options.seed + 1);
  const series: Partial<Record<SweepPath, SweepPoint[]>> = {};

  // CPU trie, on this thread.
  const cpu = new FormattedLines(new CpuPatterns(view));
  const cpuLines = (batch: readonly BulkPattern[]): Promise<string[]> => cpu.answer({ patterns: batch, firstIndex: 0, format: 'text' });
  let pool: QueryPool | null = null;
  let gpu: GpuPatterns | null = null;
  let adapter: string | null = null;
  let gpuSizes: number[] = [];
  let gpuLines: ((batch: readonly BulkPattern[]) => Promise<string[]>) | null = null;
  let auto: AutoFigures | undefined;
  let autoPool: LazyPool | null = null;
  try {
    // Every path opened and its answers checked against the CPU trie's before anything is timed.
    const reference = await cpuLines(bulk(all));
    if (options.workers >= 2) {
      const { QueryWorkerPool } = await import('../query/index.js');
      pool = QueryWorkerPool.open(options.workers, space, view);
      if (pool === null) notes.push('cpu-pool: the query worker is not built (npm run build)');
      else {
        const check = await pool.answer(bulk(all), 0, 'text');
        if (check === null || check.join('\n') !== reference.join('\n')) throw new Error('kb-sweep: the pool answers differ from the CPU trie');
      }
    }
    if (options.gpu === 'off') notes.push('GPU paths skipped (--gpu off)');
    else {
      let missing = '';
      try {
        gpu = await GpuPatterns.open(view);
        adapter = gpu.adapter;
      } catch (e) {
        if (!(e instanceof BackendFailure)) throw e;
        missing = e.message;
      }
      if (adapter === null || gpu === null) {
        if (options.gpu === 'on') throw new Error(`kb-sweep: --gpu on but no GPU adapter (${missing})`);
        notes.push(`GPU paths skipped: no adapter (${missing})`);
      } else {
        const software = /llvmpipe|lavapipe|swiftshader|software/i.test(adapter);
        gpuSizes = options.sizes.filter((s) => s <= options.gpuMaxBatch);
        if (gpuSizes.length < options.sizes.length) notes.push(`GPU paths timed up to ${fmt(options.gpuMaxBatch)} patterns`);
        if (software) notes.push(`the GPU is software (${adapter}): its kernels run on the CPU cores, so GPU figures say nothing about GPU speed`);
        const gpuBackend = new FormattedLines(gpu);
        // A GPU failure throws (BackendFailure): the sweep stops rather than time a fallback.
        const lines = (batch: readonly BulkPattern[]): Promise<string[]> => gpuBackend.answer({ patterns: batch, firstIndex: 0, format: 'text' });
        gpuLines = lines;
        const top = bulk(all.slice(0, Math.max(...gpuSizes)));
        if ((await lines(top)).join('\n') !== reference.slice(0, top.length).join('\n')) throw new Error('kb-sweep: the GPU answers differ from the CPU trie');
      }
    }

    // `--gpu auto` as metta query runs it: the matcher it would open (the GPU only when the
    // calibration found it can win), its own pool of --workers threads as a candidate when the
    // calibration measured one (started lazily, the first time the scheduler chooses it), the
    // scheduler's choice per batch, then the chosen path.
    let autoBatch: ((batch: readonly BulkPattern[]) => Promise<{ answers: string[]; decision: { path: MatchPath; predictedMs: number } }>) | null = null;
    let candidates: SweepPath[] = [];
    let others: MatchPath[] = [];
    let available: MatchPath[] = [];
    let scheduler: { crossover(path: MatchPath): number | null } | null = null;
    let autoFailures: ReadonlyMap<MatchPath, string> = new Map();
    if (calibration !== null) {
      const model = calibration.model;
      const autoGpu = opensGpu('auto', model, true) ? gpu : null;
      others = autoGpu !== null ? ['cpu', 'gpu'] : ['cpu'];
      // The pool as planPool makes it a candidate for a long run (one that pays the start-up at
      // every size where the pool is predicted faster; where it is not, the scheduler does not
      // choose it anyway): calibrated, more than one core; its threads are the calibration's.
      const poolCandidate = options.workers >= 2 && availableParallelism() > 1 && model.paths.pool !== undefined;
      autoPool = poolCandidate ? new LazyPool(options.workers, async () => (await import('../query/index.js')).QueryWorkerPool.open(options.workers, space, view)) : null;
      // Not closed itself: its GPU and pool are closed with the single paths' below.
      const opened = queryAnswerer({ view, model, gpuMode: 'auto', gpu: autoGpu, pool: autoPool, poolForced: false });
      const answerer = opened.answerer;
      available = opened.available;
      scheduler = answerer.scheduler;
      autoFailures = answerer.failures;
      autoBatch = (batch) => answerer.answer({ patterns: batch, firstIndex: 0, format: 'text' });
      candidates = available.map(sweepPathOf);
    }

    const { openBruteForce } = gpuLines !== null ? await import('./gpu-brute.js') : { openBruteForce: null };
    let bruteDone = gpuLines === null;
    const points: AutoPoint[] = [];
    for (const size of options.sizes) {
      const batch = bulk(all.slice(0, size));
      const runs: Partial<Record<SweepPath, () => Promise<unknown>>> = { cpu: () => cpuLines(batch) };
      const p = pool;
      if (p !== null) runs['cpu-pool'] = () => p.answer(batch, 0, 'text');
      if (gpuLines !== null && gpuSizes.includes(size)) {
        const lines = gpuLines;
        runs.gpu = () => lines(batch);
      }
      // The brute-force baseline, opened for this size's patterns.
      let brute: Awaited<ReturnType<NonNullable<typeof openBruteForce>>> | null = null;
      if (!bruteDone && openBruteForce !== null && gpuSizes.includes(size)) {
        if (size * options.facts > options.bruteMaxCells) {
          notes.push(`gpu-brute: batches above ${fmt(Math.floor(options.bruteMaxCells / options.facts))} patterns skipped (${fmt(options.bruteMaxCells)} cells)`);
          bruteDone = true;
        } else {
          try {
            brute = await openBruteForce(view, all.slice(0, size).map((q) => new CompiledPattern(q)), 16_000_000);
          } catch (e) {
            notes.push(`gpu-brute: gpu.js could not run (${(e as Error).message})`);
            bruteDone = true;
          }
          if (brute !== null) {
            const ids = await brute.run();
            const expected = matchBatch(view, all.slice(0, size)).map((hits) => hits.map((h) => h.atomId).join(','));
            if (ids.join(';') !== expected.join(';')) throw new Error('kb-sweep: the brute force answers differ from the CPU trie');
            const b = brute;
            runs['gpu-brute'] = () => b.run();
          }
        }
      }
      let decision: { path: MatchPath; predictedMs: number } | null = null;
      if (autoBatch !== null) {
        const lazy = autoPool;
        const poolWasStarted = lazy?.started ?? false;
        const check = await autoBatch(batch);
        if (check.answers.join('\n') !== reference.slice(0, size).join('\n')) throw new Error(`kb-sweep: the auto answers differ from the CPU trie at ${size}`);
        decision = check.decision;
        if (lazy !== null && !poolWasStarted && lazy.started) {
          // The pool was started by this batch: its threads' code is cold, where the single-path
          // pool it is compared with has answered before. Each size stands for a long run, so its
          // warm-up, like its start-up, is left out of the samples.
          const warm = performance.now();
          do await autoBatch(batch);
          while (performance.now() - warm < AUTO_POOL_WARM_MS);
        }
        const a = autoBatch;
        runs.auto = () => a(batch);
      }
      let timed: Partial<Record<SweepPath, PathSamples>>;
      try {
        timed = await timeInterleaved(options.minMs * AUTO_BUDGET, ['cpu', 'auto'], runs);
      } finally {
        brute?.destroy();
      }
      const at: Partial<Record<SweepPath, SweepPoint>> = {};
      for (const path of Object.keys(PATH_LABELS) as SweepPath[]) {
        const t = timed[path];
        if (t === undefined) continue;
        at[path] = pointOf(size, t);
        (series[path] ??= []).push(at[path]);
      }
      if (decision !== null) points.push(autoPointOf(size, at, decision, candidates, calibration!.model, others));
    }

    if (calibration !== null && scheduler !== null) {
      const autoFailure = autoFailures.get('gpu');
      if (autoFailure !== undefined) throw new Error(`kb-sweep: the GPU failed during the auto series: ${autoFailure}`);
      const predicted = { gpu: scheduler.crossover('gpu'), pool: scheduler.crossover('pool') };
      const measured = { gpu: series.gpu === undefined ? undefined : crossoverOf(series.cpu!, series.gpu), pool: series['cpu-pool'] === undefined ? undefined : crossoverOf(series.cpu!, series['cpu-pool']) };
      const lazy = autoPool;
      auto = {
        model: calibration.model,
        calibrationFacts,
        calibrationSamples: calibration.samples,
        calibrationMs,
        available,
        ...(lazy !== null ? { poolWorkers: lazy.workers, poolStart: lazy.firstBatchMs === null ? null : { batch: lazy.firstBatchPatterns, ms: lazy.firstBatchMs } } : {}),
        predictedCrossover: predicted,
        measuredCrossover: measured,
        points,
        summary: summarizeAuto(points, measured.gpu, gpuSizes, candidates),
      };
    }
  } finally {
    await pool?.close();
    await autoPool?.close();
    await gpu?.close();
    await cpu.close();
  }

  const crossover: SweepFigures['crossover'] = {};
  for (const path of ['cpu-pool', 'gpu', 'gpu-brute'] as const) {
    if (series[path] !== undefined) crossover[path] = crossoverOf(series.cpu!, series[path]);
  }
  const figures: SweepFigures = { options, adapter, notes, series, crossover, ...(auto !== undefined ? { auto } : {}) };
  console.log(sweepTable(figures));
  for (const [path, at] of Object.entries(crossover)) console.log(`crossover, ${PATH_LABELS[path as SweepPath]} vs CPU trie: ${at === null ? 'none in this range' : `from ${fmt(at)} patterns`}`);
  if (auto !== undefined) printAuto(auto);
  for (const n of notes) console.log(`note: ${n}`);
  return figures;
}

/** auto's comparison at one size, from the same points as the series. */
function autoPointOf(
  batch: number,
  at: Partial<Record<SweepPath, SweepPoint>>,
  decision: { path: MatchPath; predictedMs: number },
  candidates: readonly SweepPath[],
  model: CostModel,
  others: readonly MatchPath[],
): AutoPoint {
  const timedMs: Partial<Record<SweepPath, number>> = {};
  const timedSamples: Partial<Record<SweepPath, number>> = {};
  for (const path of COMPARED) {
    const pt = at[path];
    if (pt === undefined) continue;
    timedMs[path] = pt.medianMs;
    timedSamples[path] = pt.samples;
  }
  const bestOf = (paths: readonly SweepPath[]): { path: SweepPath; medianMs: number } =>
    paths.filter((q) => timedMs[q] !== undefined).reduce((b, q) => (timedMs[q]! < b.medianMs ? { path: q, medianMs: timedMs[q]! } : b), { path: 'cpu' as SweepPath, medianMs: Infinity });
  const best = bestOf(candidates);
  const bestAll = bestOf(COMPARED);
  const autoMs = at.auto!.medianMs;
  const chosenMs = timedMs[sweepPathOf(decision.path)];
  return {
    batch,
    medianMs: autoMs,
    patternsPerSec: at.auto!.patternsPerSec,
    chose: decision.path,
    predictedMs: decision.predictedMs,
    timedMs,
    timedSamples,
    ratioChosen: chosenMs === undefined ? null : autoMs / chosenMs,
    choiceRatio: chosenMs === undefined ? null : chosenMs / best.medianMs,
    best,
    ratio: autoMs / best.medianMs,
    within: autoMs / best.medianMs <= AUTO_TOLERANCE,
    bestAll,
    ratioAll: autoMs / bestAll.medianMs,
    withinAll: autoMs / bestAll.medianMs <= AUTO_TOLERANCE,
    poolBreakEven: model.paths.pool === undefined ? null : poolBreakEven(model, others, batch),
  };
}

/** A point as the table prints it: the median's patterns/s, then the spread (slowest–fastest sample). */
export function pointCell(p: SweepPoint): string {
  return `${fmt(p.patternsPerSec)} [${fmt(p.slowestPatternsPerSec)}–${fmt(p.fastestPatternsPerSec)}]${p.samples === 2 ? '*' : ''}`;
}

/** The throughput table of a sweep, drawn from `figures.series` as the chart is. */
export function sweepTable(figures: SweepFigures): string {
  const paths = (Object.keys(PATH_LABELS) as SweepPath[]).filter((p) => figures.series[p] !== undefined);
  const body = table(
    ['batch', ...paths.map((p) => `${PATH_LABELS[p]} patterns/s`)],
    figures.options.sizes.map((size) => [fmt(size), ...paths.map((p) => {
      const pt = figures.series[p]!.find((q) => q.batch === size);
      return pt === undefined ? '—' : pointCell(pt);
    })]),
  );
  const dropped = paths.some((p) => figures.series[p]!.some((q) => q.samples === 2));
  return (
    `median of each path's interleaved samples [slowest–fastest sample], patterns/s:\n${body}` +
    (dropped ? `\n* two runs only: over ${AUTO_EARLY_DROP}x slower than the fastest path at that size (and over ${AUTO_EARLY_DROP_MS} ms), not sampled further` : '')
  );
}

const crossoverText = (at: number | null | undefined): string => (at === undefined ? 'not measured' : at === null ? 'none in this range' : `from ${fmt(at)}`);

function printAuto(auto: AutoFigures): void {
  const ms = (v: number | undefined): string => (v === undefined ? '—' : fmt(v, v < 10 ? 3 : 1));
  const timed = (p: AutoPoint, path: SweepPath): string => ms(p.timedMs[path]) + (p.timedSamples[path] === 2 ? '*' : '');
  console.log(`\n--gpu auto, calibrated (scheduler over ${auto.available.join(', ')}); the same medians as above, in ms per batch:`);
  console.log(
    table(
      ['batch', 'auto chose', 'predicted', 'auto', 'CPU trie', 'GPU', 'CPU pool', 'auto/chosen', `best of ${auto.available.join('/')}`, 'auto/best', `≤ ${AUTO_TOLERANCE.toFixed(2)}x`, 'best of all', 'auto/best of all', 'pool pays from'],
      auto.points.map((p) => [
        fmt(p.batch),
        p.chose,
        ms(p.predictedMs),
        ms(p.medianMs),
        timed(p, 'cpu'),
        timed(p, 'gpu'),
        timed(p, 'cpu-pool'),
        p.ratioChosen === null ? '—' : ratioText(p.ratioChosen),
        p.best.path,
        ratioText(p.ratio),
        p.within ? 'yes' : 'NO',
        p.bestAll.path,
        ratioText(p.ratioAll),
        p.poolBreakEven === undefined || p.poolBreakEven === null ? '—' : `${fmt(p.poolBreakEven)} patterns`,
      ]),
    ),
  );
  for (const line of auto.summary.lines) console.log(line);
  if (auto.poolWorkers !== undefined) {
    console.log(
      `auto's pool (${auto.poolWorkers} workers, a candidate at every size: each size stands for a long run): ${auto.poolStart === null || auto.poolStart === undefined ? 'never chosen, never started' : `started by its first batch (${fmt(auto.poolStart.batch)} patterns, ${fmt(auto.poolStart.ms, 1)} ms start-up included, not in the samples)`}; ` +
        `"pool pays from": the run (in batches of that size) from which metta query makes the pool a candidate (start-up ${POOL_START_MS} ms)`,
    );
  }
  console.log(`GPU crossover: predicted by the calibrated model ${auto.predictedCrossover.gpu === null ? 'never' : `from ${fmt(auto.predictedCrossover.gpu)} patterns`}; measured ${crossoverText(auto.measuredCrossover.gpu)}`);
  console.log(`pool crossover: predicted ${auto.predictedCrossover.pool === null ? 'never' : `from ${fmt(auto.predictedCrossover.pool)} patterns`}; measured ${crossoverText(auto.measuredCrossover.pool)}`);
}

/** The SVG chart of a sweep: throughput against batch size per path (auto included), crossovers marked. */
export function sweepChart(figures: SweepFigures, subtitle: string): string {
  const series = (Object.keys(figures.series) as SweepPath[]).map((path) => ({
    id: path,
    name: PATH_LABELS[path],
    points: figures.series[path]!.map((p) => ({ x: p.batch, y: p.patternsPerSec, lo: p.slowestPatternsPerSec, hi: p.fastestPatternsPerSec })),
  }));
  const marks = Object.entries(figures.crossover)
    .filter(([, at]) => at !== null)
    .map(([path, at]) => ({ id: path, x: at as number, label: `${PATH_LABELS[path as SweepPath]} crossover: ${fmt(at as number)}` }));
  const notes = [
    `Each point: the median of its path's samples at that size, every path timed in the same interleaved rounds (≥ ${AUTO_MIN_SAMPLES} samples of about ${AUTO_GROUP_MS} ms each, or of one run); bars: slowest to fastest sample.`,
    ...Object.entries(figures.crossover).filter(([, at]) => at === null).map(([path]) => `${PATH_LABELS[path as SweepPath]}: no crossover with the CPU trie in this range.`),
  ];
  if (figures.series['gpu-brute'] !== undefined || figures.series.gpu !== undefined) {
    const twice = (Object.keys(figures.series) as SweepPath[]).filter((p) => figures.series[p]!.some((q) => q.samples === 2));
    if (twice.length > 0) notes.push(`Timed twice only where over ${AUTO_EARLY_DROP}x slower than the fastest path: ${twice.map((p) => PATH_LABELS[p]).join(', ')}.`);
  }
  const auto = figures.auto;
  if (auto !== undefined) {
    const predicted = auto.predictedCrossover.gpu;
    const largest = Math.max(...figures.options.sizes);
    if (predicted !== null && predicted <= largest) marks.push({ id: 'auto', x: predicted, label: `GPU crossover predicted: ${fmt(predicted)}` });
    else notes.push(`GPU crossover predicted: ${predicted === null ? 'never' : fmt(predicted)}.`);
    const s = auto.summary;
    notes.push(`auto ≤ ${AUTO_TOLERANCE.toFixed(2)}x best at ${s.within}/${s.sizes} sizes (worst ${ratioText(s.worst.ratio)} at ${fmt(s.worst.batch)}); auto chose ${auto.points.map((p) => `${p.chose} at ${fmt(p.batch)}`).join(', ')}.`);
  }
  return throughputChart({
    title: `kb-match: throughput by batch size (${fmt(figures.options.facts)} facts)`,
    subtitle,
    xLabel: 'batch size (patterns)',
    yLabel: 'throughput (patterns/s)',
    series,
    marks,
    notes,
  });
}

if (isMain(import.meta.url)) {
  const opts = new Options({
    tiny: 'boolean', quick: 'boolean', gpu: 'string', workers: 'string', sizes: 'string', 'gpu-max': 'string', 'no-auto': 'boolean',
    'calibration-facts': 'string', json: 'string', svg: 'string',
  });
  const mode = opts.flag('tiny') ? 'tiny' : opts.flag('quick') ? 'quick' : 'full';
  const gpu = (opts.string('gpu') ?? 'auto') as SweepOptions['gpu'];
  const base = sweepOptions(mode, gpu, opts.int('workers', undefined, 2));
  const sizes = opts.string('sizes');
  const figures = await benchKbSweep({
    ...base,
    ...(sizes !== undefined ? { sizes: sizes.split(',').map((t) => count('size', t)) } : {}),
    ...(opts.string('gpu-max') !== undefined ? { gpuMaxBatch: opts.int('gpu-max', undefined, base.gpuMaxBatch) } : {}),
    ...(opts.flag('no-auto') ? { auto: false } : {}),
    calibrationFacts: opts.int('calibration-facts', undefined, base.calibrationFacts ?? 20_000),
  });
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine: machine(), kbSweep: figures }, null, 2) + '\n');
  const svg = opts.string('svg');
  if (svg !== undefined) writeFileSync(svg, sweepChart(figures, `${new Date().toISOString().slice(0, 10)}, ${figures.adapter ?? 'no GPU'}`));
}
