// The scheduler: for each batch of match patterns, the path (CPU inline, worker pool, GPU) the cost
// model predicts fastest among those available; `--gpu on|off` and `--workers` override by what
// they make available or force. Every decision is recorded with its prediction and, once the
// caller reports it, the measured time, for the metrics.

import { type CostModel, costBreakpoints, NEVER_MS, predictMs } from './cost-model.js';
import type { MatchPath } from './paths.js';

export interface Decision {
  readonly patterns: number;
  readonly path: MatchPath;
  readonly predictedMs: number;
  measuredMs: number | null;
}

interface PathTotals {
  batches: number;
  patterns: number;
  predicted: number;
  measured: number;
}

export class Scheduler {
  /** Every decision, in order, while `keepDecisions` (a long evaluation makes millions: totals only). */
  readonly decisions: Decision[] = [];
  private readonly totals = new Map<MatchPath, PathTotals>();
  private readonly available: Set<MatchPath>;

  constructor(
    private readonly model: CostModel,
    available: Iterable<MatchPath>,
    /** A path to take whenever it is available (`--gpu on`). */
    private readonly forced: MatchPath | null = null,
    private readonly keepDecisions = true,
  ) {
    this.available = new Set(available);
    this.available.add('cpu'); // the CPU can always answer
  }

  /** A path stops being available (the GPU failed or was lost): later batches avoid it. */
  drop(path: MatchPath): void {
    if (path !== 'cpu') this.available.delete(path);
  }

  isAvailable(path: MatchPath): boolean {
    return this.available.has(path);
  }

  /** The path `choose` would take for a batch of `patterns`, without recording anything. */
  preferred(patterns: number): MatchPath {
    if (this.forced !== null && this.available.has(this.forced)) return this.forced;
    let best: MatchPath = 'cpu';
    let bestMs = Infinity;
    for (const path of this.available) {
      const ms = this.predict(path, patterns);
      if (ms < bestMs) {
        best = path;
        bestMs = ms;
      }
    }
    return best;
  }

  /** The path for a batch of `patterns`, recorded. */
  choose(patterns: number): Decision {
    let best: MatchPath = 'cpu';
    let bestMs = Infinity;
    if (this.forced !== null && this.available.has(this.forced)) {
      best = this.forced;
      bestMs = this.predict(best, patterns);
    } else {
      for (const path of this.available) {
        const ms = this.predict(path, patterns);
        if (ms < bestMs) {
          best = path;
          bestMs = ms;
        }
      }
    }
    const decision: Decision = { patterns, path: best, predictedMs: bestMs, measuredMs: null };
    if (this.keepDecisions) this.decisions.push(decision);
    let t = this.totals.get(best);
    if (t === undefined) this.totals.set(best, (t = { batches: 0, patterns: 0, predicted: 0, measured: 0 }));
    t.batches++;
    t.patterns += patterns;
    t.predicted += bestMs;
    return decision;
  }

  /** Records the measured time of a batch `choose` decided. */
  measured(decision: Decision, ms: number): void {
    decision.measuredMs = ms;
    this.totals.get(decision.path)!.measured += ms;
  }

  /** Batches, patterns, predicted and measured milliseconds per path used so far. */
  pathTotals(): ReadonlyMap<MatchPath, Readonly<PathTotals>> {
    return this.totals;
  }

  predict(path: MatchPath, patterns: number): number {
    const cost = this.model.paths[path];
    return cost === undefined ? Infinity : predictMs(cost, patterns);
  }

  /**
   * The smallest batch size from which `path` is predicted faster than the CPU at every size up to
   * `limit`, or null when it is not predicted faster at `limit`. The predictions are linear in the
   * batch size between the sample sizes of either path (cost-model.ts, `predictMs`), so the
   * difference of the two changes sign at most once between two consecutive sample sizes: the scan
   * walks those intervals down from `limit` while the path stays faster at their lower end, and
   * bisects the interval where it stops being faster.
   */
  crossover(path: MatchPath, limit = 1 << 24): number | null {
    const cost = this.model.paths[path];
    const cpu = this.model.paths.cpu;
    if (path === 'cpu' || cost === undefined || cpu === undefined) return null;
    const faster = (n: number): boolean => predictMs(cost, n) < predictMs(cpu, n);
    if (!faster(limit)) return null;
    const points = [...new Set([1, ...costBreakpoints(cost), ...costBreakpoints(cpu)])].filter((n) => n >= 1 && n < limit).sort((a, b) => a - b);
    let hi = limit; // faster here
    for (let i = points.length - 1; i >= 0; i--) {
      const lo = points[i]!;
      if (!faster(lo)) {
        let slower = lo;
        while (hi - slower > 1) {
          const mid = Math.floor((slower + hi) / 2);
          if (faster(mid)) hi = mid;
          else slower = mid;
        }
        return hi;
      }
      hi = lo;
    }
    return 1;
  }

  /** One line per path used: batches, patterns, predicted and measured time. */
  summary(): string {
    return [...this.totals]
      .map(([path, s]) => `${path}: ${s.batches} batch(es), ${s.patterns} patterns, predicted ${s.predicted < NEVER_MS ? `${s.predicted.toFixed(1)} ms` : 'nothing (uncalibrated)'}, measured ${s.measured.toFixed(1)} ms`)
      .join('; ');
  }
}
