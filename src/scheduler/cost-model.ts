// The cost model the scheduler decides with: for each path that can answer a batch of match
// patterns, a fixed cost per batch (dispatch, launch, upload) and a cost per pattern, measured on
// this machine by `metta calibrate` and kept in a per-user cache file. Without one, defaults
// chosen so that the CPU answers unless a calibration showed another path is faster.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const MATCH_PATHS = ['cpu', 'pool', 'gpu'] as const;
export type MatchPath = (typeof MATCH_PATHS)[number];

export interface PathCost {
  /** Cost of one batch whatever its size, in milliseconds. */
  readonly overheadMs: number;
  /** Cost of each pattern of a batch, in microseconds. */
  readonly perPatternUs: number;
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

/** Predicted time (ms) of a batch of `patterns` on `cost`. */
export function predictMs(cost: PathCost, patterns: number): number {
  return cost.overheadMs + (cost.perPatternUs * patterns) / 1000;
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
    const { overheadMs, perPatternUs } = (c ?? {}) as { overheadMs?: unknown; perPatternUs?: unknown };
    if (typeof overheadMs !== 'number' || typeof perPatternUs !== 'number' || !(overheadMs >= 0) || !(perPatternUs >= 0)) return null;
    out[path] = { overheadMs, perPatternUs };
  }
  if (out.cpu === undefined) return null;
  const { machine, date } = raw as { machine?: unknown; date?: unknown };
  return { paths: out, ...(typeof machine === 'string' ? { machine } : {}), ...(typeof date === 'string' ? { date } : {}) };
}
