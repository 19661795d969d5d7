// The cost model the scheduler decides with: for each path that can answer a batch of match
// patterns, the batch times `metta calibrate` measured on this machine at a few batch sizes
// (`samples`), followed piecewise-linearly between them, and a straight line through them (a fixed
// cost per batch — dispatch, launch, upload — and a cost per pattern), used by files written
// before the samples were saved. Kept in a per-user cache file. Without one, defaults chosen so
// that the CPU answers unless a calibration showed another path is faster.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { MATCH_PATHS, type MatchPath } from './paths.js';

export interface CostSample {
  /** Patterns in the batch (a positive integer). */
  readonly patterns: number;
  /** Measured time of the batch, in milliseconds. */
  readonly ms: number;
}

export interface PathCost {
  /** Cost of one batch whatever its size, in milliseconds (the fitted line). */
  readonly overheadMs: number;
  /** Cost of each pattern of a batch, in microseconds (the fitted line). */
  readonly perPatternUs: number;
  /**
   * Measured batch times by increasing batch size (optional: absent in files written before they
   * were saved). When present, they, not the line, give the predictions (`predictMs`).
   */
  readonly samples?: readonly CostSample[];
}

export interface CostModel {
  readonly paths: Readonly<Partial<Record<MatchPath, PathCost>>>;
  /** Where and when it was measured (absent for the defaults). */
  readonly machine?: string;
  readonly date?: string;
}

/**
 * Uncalibrated: the CPU trie matcher's per-pattern cost as measured by bench/kb-match on the
 * development machine; the pool and the GPU cost so much per batch that they are never chosen
 * before a calibration says otherwise.
 */
export const DEFAULT_COST_MODEL: CostModel = {
  paths: {
    cpu: { overheadMs: 0, perPatternUs: 150 },
    pool: { overheadMs: 1e9, perPatternUs: 0 },
    gpu: { overheadMs: 1e9, perPatternUs: 0 },
  },
};

/** Predictions this large come from the defaults' "never" costs: no real estimate. */
export const NEVER_MS = 1e8;

/**
 * Predicted time (ms) of a batch of `patterns` on `cost`. With samples: the measured curve,
 * followed linearly in the batch size between two samples; below the first sample, the first
 * sample's time; beyond the last, the last segment's slope (never negative). Linear in n rather
 * than log-log because a path's cost over a range of sizes is a fixed cost plus a cost per pattern
 * — exact when that range is one line, where a log-log interpolation bends it at the knee — and
 * because the difference of two such curves is then linear between sample sizes, so where one path
 * overtakes another (`Scheduler.crossover`) is found exactly. Without samples: the line.
 */
export function predictMs(cost: PathCost, patterns: number): number {
  const s = cost.samples;
  if (s === undefined || s.length === 0) return cost.overheadMs + (cost.perPatternUs * patterns) / 1000;
  if (patterns <= s[0]!.patterns) return s[0]!.ms;
  const last = s.length - 1;
  if (patterns >= s[last]!.patterns) {
    if (last === 0) return s[0]!.ms;
    const a = s[last - 1]!;
    const b = s[last]!;
    return b.ms + Math.max(0, (b.ms - a.ms) / (b.patterns - a.patterns)) * (patterns - b.patterns);
  }
  let k = 1;
  while (s[k]!.patterns < patterns) k++;
  const a = s[k - 1]!;
  const b = s[k]!;
  return a.ms + ((b.ms - a.ms) * (patterns - a.patterns)) / (b.patterns - a.patterns);
}

/**
 * The batch sizes at which `cost`'s prediction changes slope (its samples' sizes; none for a line):
 * between two of them, and beyond the last, every prediction is linear in the batch size.
 */
export function costBreakpoints(cost: PathCost): number[] {
  return cost.samples?.map((s) => s.patterns) ?? [];
}

/** Least-squares line through (patterns, ms) samples: the path's overhead and per-pattern cost. */
export function fitCost(samples: readonly { readonly patterns: number; readonly ms: number }[]): PathCost {
  if (samples.length === 0) throw new RangeError('fitCost needs at least one sample');
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.patterns, 0) / n;
  const my = samples.reduce((a, s) => a + s.ms, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const s of samples) {
    sxx += (s.patterns - mx) ** 2;
    sxy += (s.patterns - mx) * (s.ms - my);
  }
  const slope = sxx === 0 ? my / Math.max(1, mx) : sxy / sxx;
  const perPatternMs = Math.max(0, slope);
  return { overheadMs: Math.max(0, my - perPatternMs * mx), perPatternUs: perPatternMs * 1000 };
}

/** The cache file: `$METTA_CALIBRATION`, else `~/.cache/metta-gpu/calibration.json`. */
export function calibrationFile(): string {
  const chosen = process.env.METTA_CALIBRATION;
  if (chosen !== undefined && chosen !== '') return chosen;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'metta-gpu', 'calibration.json');
}

/** The calibrated model, or the defaults when there is no valid calibration file. */
export function loadCostModel(file = calibrationFile()): { model: CostModel; calibrated: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { model: DEFAULT_COST_MODEL, calibrated: false };
  }
  const parsed = parseCostModel(text);
  return parsed === null ? { model: DEFAULT_COST_MODEL, calibrated: false } : { model: parsed, calibrated: true };
}

export function saveCostModel(model: CostModel, file = calibrationFile()): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(model, null, 2) + '\n');
}

/** A model read from JSON, or null when it is not one (a damaged cache is ignored, not trusted). */
export function parseCostModel(text: string): CostModel | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const paths = (raw as { paths?: unknown }).paths;
  if (typeof paths !== 'object' || paths === null) return null;
  const out: Partial<Record<MatchPath, PathCost>> = {};
  for (const path of MATCH_PATHS) {
    const c = (paths as Record<string, unknown>)[path];
    if (c === undefined) continue;
    const { overheadMs, perPatternUs, samples } = (c ?? {}) as { overheadMs?: unknown; perPatternUs?: unknown; samples?: unknown };
    if (typeof overheadMs !== 'number' || typeof perPatternUs !== 'number' || !(overheadMs >= 0) || !(perPatternUs >= 0)) return null;
    if (samples === undefined) {
      out[path] = { overheadMs, perPatternUs };
      continue;
    }
    const parsedSamples = parseSamples(samples);
    if (parsedSamples === null) return null;
    out[path] = { overheadMs, perPatternUs, samples: parsedSamples };
  }
  if (out.cpu === undefined) return null;
  const { machine, date } = raw as { machine?: unknown; date?: unknown };
  return { paths: out, ...(typeof machine === 'string' ? { machine } : {}), ...(typeof date === 'string' ? { date } : {}) };
}

/**
 * Samples read from JSON, or null unless they are a non-empty list of `{ patterns, ms }` with
 * positive integer sizes, strictly increasing, and finite non-negative times.
 */
function parseSamples(raw: unknown): CostSample[] | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const out: CostSample[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const { patterns, ms } = item as { patterns?: unknown; ms?: unknown };
    if (typeof patterns !== 'number' || !Number.isInteger(patterns) || patterns < 1) return null;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return null;
    if (out.length > 0 && patterns <= out[out.length - 1]!.patterns) return null;
    out.push({ patterns, ms });
  }
  return out;
}
