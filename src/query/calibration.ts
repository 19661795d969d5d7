// The measurement behind `metta calibrate` (src/cli/calibrate.ts), callable on its own: times batches of
// match patterns on each path the scheduler chooses between (CPU inline, worker pool, GPU) over a
// generated knowledge base, checks every path's answers against the CPU's, and keeps each path's
// timings as its cost (src/scheduler/cost-model.ts: the scheduler follows them piecewise-linearly),
// with a fixed cost per batch and a cost per pattern fitted by least relative error
// (`fitCostRelative`) for readers of the older line-only files. It returns the model and
// saves nothing: `metta calibrate` saves it to the user's cache file; the kb-match sweep
// (bench/kb-sweep.ts) keeps it in memory to time `--gpu auto` with it.
//
// It lives with the bulk queries rather than in scheduler/ because it drives their backends (the
// CPU and GPU matchers and the worker pool of `metta query`), which sit above the scheduler.

import { cpus } from 'node:os';
import type { Atom } from '../core/index.js';
import type { CostModel, PathCost } from '../scheduler/index.js';
import { BackendFailure } from '../scheduler/index.js';
import { type GpuMode, MATCH_PATHS, type MatchPath } from '../scheduler/index.js';
import type { LineBackend } from './backends.js';

export interface CalibrationOptions {
  /** auto: the GPU when an adapter exists; on: required (CalibrationError without one); off: skipped. */
  readonly gpu: GpuMode;
  /** Threads of the pool path (< 2: the pool is not measured). */
  readonly workers: number;
  /** Facts of the generated knowledge base. */
  readonly facts: number;
  /** Told one line per path measured (no newline). */
  readonly out?: (line: string) => void;
}

export interface CalibrationSample {
  readonly patterns: number;
  /** Best of the timed runs over the passes (each: at least MIN_RUNS and MIN_MS, or two of a path far slower than the fastest), after warm-up. */
  readonly ms: number;
}

export interface Calibration {
  readonly model: CostModel;
  readonly samples: Partial<Record<MatchPath, CalibrationSample[]>>;
  /** The GPU adapter measured, or null. */
  readonly adapter: string | null;
}

/** The calibration could not run as asked (`--gpu on` without an adapter). */
export class CalibrationError extends Error {}

/**
 * Batch sizes timed on each path: from one pattern (where the fixed cost per batch is all there is)
 * to thousands (where the cost per pattern dominates), every fourfold, so that the piecewise-linear
 * curve through them follows a path whose cost is not one line (the worker pool: slow for small
 * batches, which pay a message round trip and use one worker, faster than the CPU for large ones).
 * A calibration with the GPU (lavapipe) takes 12–13 s on the 2-core development machine.
 */
export const CALIBRATION_SIZES: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096];
/**
 * The shapes of the patterns, cycled: A `(edge nK $y)` (constant first argument), B `(edge $x nK)`
 * (variable first argument), C `($r nK $y)` (variable head), 9 : 9 : 2 as in the kb-match
 * benchmark's mix. The paths' costs differ by shape — for B the trie matcher visits every first
 * argument, and a software GPU pays that far more than the CPU — so a calibration on A alone
 * ranked lavapipe's GPU close to the CPU, and sometimes ahead, where on a mix it is 5–10x slower.
 */
const SHAPES = 'ABABABABACABABABABAC';
/** Patterns whose answers are checked against the CPU's before a path is timed. */
const CHECK_PATTERNS = 64;
/** Before timing anything: each path answers batches of WARM_PATTERNS for FIRST_WARM_MS. */
const WARM_PATTERNS = 256;
const FIRST_WARM_MS = 100;
/** Before timing a size (first pass): warm-up runs of each path until this long has passed (at least one). */
const WARM_MS = 20;
/**
 * The sizes are timed PASSES times, one pass over all of them after the other, and each path's best
 * time at a size over the passes is kept: a slow spell of this shared machine (seconds: another
 * process, a garbage collection) then rarely falls on the same size twice.
 */
const PASSES = 2;
/**
 * Timed runs of a size in a pass, each path in turn: at least MIN_RUNS of a path, and until they
 * took MIN_MS together; the best is kept. A path more than SLOW_FACTOR times slower than the fastest, and over
 * SLOW_MS, stops after two runs, and is not timed again in the next pass: never chosen at that
 * size, its time need not be precise (on a software GPU this saves most of the calibration's time).
 */
const MIN_RUNS = 3;
const MIN_MS = 50;
const SLOW_FACTOR = 3;
const SLOW_MS = 10;
/** Each turn of a path in a round of timed runs lasts this long (ms; at least one run). */
const TURN_MS = 5;

/**
 * The line `overheadMs + perPatternUs × n` through the samples with the least squared relative
 * error (weights 1 / ms²): every batch size counts alike, so the smallest batches fix the cost per
 * batch and the largest the cost per pattern. (An ordinary least-squares line is dominated by the
 * largest batch: a few percent of noise there becomes a cost per batch many times the real one,
 * which then decides every small batch wrongly.) Both costs are kept non-negative.
 */
export function fitCostRelative(samples: readonly CalibrationSample[]): PathCost {
  if (samples.length === 0) throw new RangeError('fitCostRelative needs at least one sample');
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const { patterns: x, ms: y } of samples) {
    const w = 1 / Math.max(y, 1e-6) ** 2;
    sw += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
  }
  const det = sw * sxx - sx * sx;
  let a = det > 0 ? (sxx * sy - sx * sxy) / det : 0;
  let b = det > 0 ? (sw * sxy - sx * sy) / det : sy / Math.max(sx, 1e-9);
  if (b < 0) {
    b = 0;
    a = sy / sw;
  } else if (a < 0) {
    a = 0;
    b = sxy / sxx;
  }
  return { overheadMs: a, perPatternUs: b * 1000 };
}

/** A sample this many times its neighbours' chord is taken for interference, not cost. */
const OUTLIER_FACTOR = 1.3;

/**
 * The samples with upward outliers repaired: an interior sample above OUTLIER_FACTOR times the
 * chord between its neighbours gets the chord's value. Interference (another process, a GC, a
 * JIT tier-up) only ever slows a timing, and the best of two passes still left single samples
 * 50-60% high on this 2-core machine, which made `--gpu auto` choose the wrong path around them;
 * the real costs of these paths are close to linear between neighbouring sizes (a fixed cost per
 * batch plus a cost per pattern), far from 30% above the chord. Returns the repaired sizes too.
 */
export function repairOutliers(samples: readonly CalibrationSample[]): { samples: CalibrationSample[]; repaired: number[] } {
  const out = samples.map((s) => ({ ...s }));
  const repaired: number[] = [];
  for (let i = 1; i + 1 < out.length; i++) {
    const a = out[i - 1]!;
    const b = out[i + 1]!;
    const chord = a.ms + ((b.ms - a.ms) * (out[i]!.patterns - a.patterns)) / (b.patterns - a.patterns);
    if (chord > 0 && out[i]!.ms > OUTLIER_FACTOR * chord) {
      out[i]!.ms = chord;
      repaired.push(out[i]!.patterns);
    }
  }
  return { samples: out, repaired };
}

/** Measures every available path and fits its costs; saves nothing. */
export async function calibrate(options: CalibrationOptions): Promise<Calibration> {
  const { expr, sym, variable } = await import('../core/index.js');
  const { bulkPatternOf } = await import('./bulk.js');
  const { CpuPatterns, FormattedLines, GpuPatterns, PoolLines } = await import('./backends.js');
  const { AtomSpace } = await import('../space/index.js');
  const space = new AtomSpace();
  const nodes = Math.max(10, Math.floor(options.facts / 10));
  let seed = 12345;
  const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % nodes);
  for (let k = 0; k < options.facts; k++) space.add(expr([sym('edge'), sym(`n${rand()}`), sym(`n${rand()}`)]));
  const view = space.snapshot();
  const patterns = (n: number): Atom[] =>
    Array.from({ length: n }, (_, k) => {
      const constant = sym(`n${(k * 7919) % nodes}`);
      const shape = SHAPES[k % SHAPES.length];
      if (shape === 'A') return expr([sym('edge'), constant, variable('y')]);
      if (shape === 'B') return expr([sym('edge'), variable('x'), constant]);
      return expr([variable('r'), constant, variable('y')]);
    });
  const position = { file: '<calibrate>', line: 1, column: 1 };

  // The CPU as `metta query` runs it, on the live index; the GPU (and the pool) on the frozen trie.
  const cpu = new FormattedLines(new CpuPatterns(space.view()));
  let gpuLines: LineBackend | null = null;
  let adapter: string | null = null;
  if (options.gpu !== 'off') {
    try {
      const gpu = await GpuPatterns.open(view);
      adapter = gpu.adapter;
      gpuLines = new FormattedLines(gpu);
    } catch (e) {
      if (!(e instanceof BackendFailure)) throw e;
      if (options.gpu === 'on') throw new CalibrationError('--gpu on: no GPU adapter');
    }
  }
  const pool = options.workers > 1 ? (await import('./query-pool.js')).QueryWorkerPool.open(options.workers, space, view) : null;
  const backends: Partial<Record<MatchPath, LineBackend>> = { cpu, ...(pool !== null ? { pool: new PoolLines(pool) } : {}), ...(gpuLines !== null ? { gpu: gpuLines } : {}) };
  const paths: Partial<Record<MatchPath, PathCost>> = {};
  const samplesOf: Partial<Record<MatchPath, CalibrationSample[]>> = {};
  try {
    const lines = async (path: MatchPath, atoms: Atom[]): Promise<string[]> => {
      const items = atoms.map((a) => bulkPatternOf(a, false, position));
      try {
        return await backends[path]!.answer({ patterns: items, firstIndex: 0, format: 'text' });
      } catch (e) {
        if (e instanceof BackendFailure) throw new CalibrationError(`the ${path} path failed: ${e.message}`);
        throw e;
      }
    };
    const candidates = MATCH_PATHS.filter((path) => backends[path] !== undefined);
    for (const path of candidates) {
      const reference = await lines('cpu', patterns(CHECK_PATTERNS));
      const got = await lines(path, patterns(CHECK_PATTERNS));
      if (got.join('\n') !== reference.join('\n')) throw new Error(`${path} answered differently from the CPU`);
    }
    // A first warm-up of every path (the pool's threads and the GPU's pipelines start cold).
    for (const path of candidates) {
      const batch = patterns(WARM_PATTERNS);
      const warm = performance.now();
      do await lines(path, batch);
      while (performance.now() - warm < FIRST_WARM_MS);
    }
    // The best time of each path and size over every pass.
    const bestOver = new Map<string, number>();
    const slowAt = new Set<string>();
    for (let pass = 0; pass < PASSES; pass++) for (const n of CALIBRATION_SIZES) {
      const batch = patterns(n);
      // A path far slower than the fastest at this size in the first pass is not timed again.
      const timed = candidates.filter((path) => !slowAt.has(`${path} ${n}`));
      if (pass === 0) {
        for (const path of timed) {
          const warm = performance.now();
          do await lines(path, batch);
          while (performance.now() - warm < WARM_MS);
        }
      }
      // Interleaved: a turn of each path per round, so that the paths are compared under the same
      // load (timed one path after the other, a change of load on this shared machine reordered
      // them: the pool measured 1.5x slower than the CPU at 256 patterns in the calibration and
      // 1.3x faster in the sweep that followed). A turn repeats the batch for TURN_MS (at least
      // once): the first run after another path can be slowed by that path's leftover work (the
      // workers' or lavapipe's threads), which the best of the turn's later runs avoids.
      const best = new Map<MatchPath, number>();
      const runs = new Map<MatchPath, number>();
      const spent = new Map<MatchPath, number>();
      const active = new Set(timed);
      while (active.size > 0) {
        for (const path of active) {
          const turn = performance.now();
          do {
            const t0 = performance.now();
            await lines(path, batch);
            const ms = performance.now() - t0;
            best.set(path, Math.min(best.get(path) ?? Infinity, ms));
            runs.set(path, (runs.get(path) ?? 0) + 1);
            spent.set(path, (spent.get(path) ?? 0) + ms);
          } while (performance.now() - turn < TURN_MS);
        }
        const fastest = Math.min(...best.values());
        for (const path of [...active]) {
          const b = best.get(path)!;
          const r = runs.get(path)!;
          if (r >= MIN_RUNS && spent.get(path)! >= MIN_MS) active.delete(path);
          else if (r >= 2 && b > SLOW_FACTOR * fastest && b > SLOW_MS) {
            active.delete(path);
            slowAt.add(`${path} ${n}`);
          }
        }
      }
      for (const path of timed) bestOver.set(`${path} ${n}`, Math.min(bestOver.get(`${path} ${n}`) ?? Infinity, best.get(path)!));
    }
    for (const path of candidates) {
      const measured = CALIBRATION_SIZES.map((n) => ({ patterns: n, ms: bestOver.get(`${path} ${n}`)! }));
      const { samples, repaired } = repairOutliers(measured);
      if (repaired.length > 0) options.out?.(`${path.padEnd(4)} outlier timing${repaired.length > 1 ? 's' : ''} at ${repaired.join(', ')} patterns replaced by the neighbours' chord (measured ${repaired.map((n) => measured.find((m) => m.patterns === n)!.ms.toFixed(2)).join(', ')} ms)`);
      samplesOf[path] = samples;
      const line = fitCostRelative(samples);
      paths[path] = { ...line, samples: samples.map(({ patterns, ms }) => ({ patterns, ms })) };
      options.out?.(`${path.padEnd(4)} ${samples.map((s) => `${s.patterns}: ${s.ms.toFixed(2)} ms`).join(', ')} (as a line: ${line.overheadMs.toFixed(2)} ms per batch + ${line.perPatternUs.toFixed(2)} µs per pattern)`);
    }
  } finally {
    await Promise.all(Object.values(backends).map((b) => b.close()));
  }
  const model: CostModel = {
    paths,
    machine: `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})${adapter !== null ? `, GPU ${adapter}` : ''}`,
    date: new Date().toISOString(),
  };
  return { model, samples: samplesOf, adapter };
}
