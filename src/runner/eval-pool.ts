// The worker pool that evaluates `!` forms (workerpool, thread workers running eval-worker.js),
// with the adaptive sizing of the seed's "future enhancement 4": the number of tasks kept in
// flight moves between the config's min and max by measured utilisation, and workerpool starts
// workers on demand up to that number.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { log } from '../core/log.js';
import { type SharedTables, symbolTableHandles } from '../core/symbols.js';
import { groundedTable } from '../space/encoding.js';
import type { EvalConfig } from './eval-config.js';
import type { AlternativeResult, AlternativeTask, EvalTask, EvalTaskResult } from './eval-task.js';

/** The compiled worker script; from the TypeScript sources (tests) the built copy in dist/. */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const candidates = here.endsWith('.ts')
    ? [fileURLToPath(new URL('../../dist/src/runner/eval-worker.js', import.meta.url))]
    : [fileURLToPath(new URL('./eval-worker.js', import.meta.url))];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`the evaluation worker is not built (${candidates[0]}); run \`npm run build\``);
}

/** A task offered after the pool was closed (the run is over; its result is not wanted). */
export class PoolClosedError extends Error {
  constructor() {
    super('the worker pool is closed');
    this.name = 'PoolClosedError';
  }
}

export interface PoolStats {
  /** Tasks finished, and how many of those failed in the worker (threw or died). */
  tasks: number;
  faults: number;
  /** Sum of the task times measured inside the workers, in milliseconds. */
  busyMs: number;
  /** Most workers that were busy at once. */
  peakConcurrency: number;
}

export class EvalPool {
  private pool: workerpool.Pool | null = null;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Tasks allowed in flight now (adaptive between min and max workers). */
  private target: number;
  readonly stats: PoolStats = { tasks: 0, faults: 0, busyMs: 0, peakConcurrency: 0 };

  constructor(private readonly config: EvalConfig) {
    // Start wide: the first batch shows whether the tasks are big enough to keep every worker busy.
    this.target = config.maxWorkers;
  }

  get concurrency(): number {
    return this.target;
  }

  /** Whether the worker threads are started (a cold pool costs their start-up first). */
  get started(): boolean {
    return this.pool !== null;
  }

  /**
   * The work (ms) that makes sending the rest of a batch to the pool worth it: the inline budget
   * once the workers are running, plus their start-up (loading the engine in each thread) before,
   * plus copying `copyAtoms` atoms of environment to them when their copy is stale.
   */
  worthMs(copyAtoms = 0): number {
    return this.config.inlineBudgetMs + (this.started ? 0 : this.config.poolStartMs) + (copyAtoms * this.config.copyUsPerAtom) / 1000;
  }

  private ensurePool(): workerpool.Pool {
    if (this.pool === null) {
      this.pool = workerpool.pool(workerScript(), {
        workerType: 'thread',
        // Every worker starts at once (loading the engine takes a while); the adaptive sizer
        // then decides how many are kept busy.
        minWorkers: this.config.maxWorkers,
        maxWorkers: this.config.maxWorkers,
        // The workers intern symbols and values in this thread's tables, so token strings and
        // tries mean the same in both (core/symbols.ts reads this when it loads).
        workerThreadOpts: { workerData: { mettaTables: { symbols: symbolTableHandles(), grounded: groundedTable.handles() } satisfies SharedTables } },
      });
      log('debug', `worker pool started: ${this.config.minWorkers}..${this.config.maxWorkers} workers`);
    }
    return this.pool;
  }

  /** Runs one task; a worker that throws or dies rejects the promise (the pool replaces it). */
  run(task: EvalTask): Promise<EvalTaskResult> {
    return this.exec('evaluate', task) as Promise<EvalTaskResult>;
  }

  /** Evaluates one alternative of a fan-out. */
  runAlternative(task: AlternativeTask): Promise<AlternativeResult> {
    return this.exec('evaluateAlternative', task) as Promise<AlternativeResult>;
  }

  private async exec(method: string, task: EvalTask | AlternativeTask): Promise<EvalTaskResult | AlternativeResult> {
    if (this.closed) throw new PoolClosedError();
    // Two tasks per busy worker: the next one is already queued in the pool when one finishes.
    while (this.inFlight >= 2 * this.target) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.closed) throw new PoolClosedError();
    }
    this.inFlight++;
    this.stats.peakConcurrency = Math.max(this.stats.peakConcurrency, Math.min(this.inFlight, this.target));
    try {
      const result = (await this.ensurePool().exec(method, [task])) as EvalTaskResult | AlternativeResult;
      this.stats.busyMs += result.ms;
      return result;
    } catch (e) {
      this.stats.faults++;
      throw e;
    } finally {
      this.stats.tasks++;
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  /**
   * Adapts the concurrency after a batch: utilisation near 1 with work still queued grows it,
   * low utilisation shrinks it (fewer threads contending for the cores).
   */
  adapt(utilisation: number, backlog: number): void {
    if (!this.config.adaptive) return;
    const before = this.target;
    if (utilisation > 0.8 && backlog > this.target) this.target = Math.min(this.config.maxWorkers, this.target * 2);
    else if (utilisation < 0.4) this.target = Math.max(this.config.minWorkers, Math.ceil(this.target / 2));
    if (this.target !== before) log('debug', `worker pool: concurrency ${before} -> ${this.target} (utilisation ${(utilisation * 100).toFixed(0)}%)`);
  }

  /** Once closed, no task starts (a retry of a task the close interrupted must not restart threads). */
  get isClosed(): boolean {
    return this.closed;
  }

  private closed = false;

  async close(): Promise<void> {
    this.closed = true;
    // Tasks still waiting for a slot give up (they see `closed`).
    for (const wake of this.waiting.splice(0)) wake();
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.terminate(true);
  }
}
