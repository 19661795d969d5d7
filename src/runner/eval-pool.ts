// The evaluation side of the worker pool (src/pool): the threads of one run, sized by its
// EvalConfig, running pool-worker.js with this thread's intern tables. `maxWorkers` counts the
// threads that evaluate, this one included: the pool starts maxWorkers - 1 threads, and this thread
// takes tasks from the same queue (parallel.ts, fan-out.ts). The adaptive sizer of the seed's
// "future enhancement 4" moves the number of threads given tasks by measured utilisation.

import { log } from '../core/index.js';
import { workerScript } from '../core/index.js';
import { type SharedTables, symbolTableHandles } from '../core/index.js';
import { WorkerPool } from '../pool/index.js';
import { groundedTable } from '../space/index.js';
import type { EvalConfig } from './eval-config.js';

export { PoolClosedError, PoolTask, TaskFailedError } from '../pool/index.js';

export interface PoolStats {
  /** Tasks finished on the threads, and how many of those failed (threw or died). */
  tasks: number;
  faults: number;
  /** Sum of the task times measured on the threads, in milliseconds. */
  busyMs: number;
  /** Most threads busy at once, this one included. */
  peakConcurrency: number;
  /** Tasks this thread took back from the queue and ran itself. */
  stolen: number;
}

/** The threads' shared entry (tests may name another). */
export const POOL_SCRIPT = (): string => workerScript('runner/pool-worker.js');

export class EvalPool {
  readonly pool: WorkerPool;
  /** Threads allowed to evaluate now, this one included (adaptive between min and max workers). */
  private target: number;

  constructor(
    private readonly config: EvalConfig,
    options: { script?: () => string } = {},
  ) {
    this.target = config.maxWorkers;
    this.pool = new WorkerPool({
      script: options.script ?? POOL_SCRIPT,
      threads: config.maxWorkers - 1,
      // The threads intern symbols and values in this thread's tables, so token strings and
      // tries mean the same in both (core/symbols.ts reads this when it loads).
      workerData: { mettaTables: { symbols: symbolTableHandles(), grounded: groundedTable.handles() } satisfies SharedTables },
      name: 'worker pool',
    });
  }

  /** Starts the threads: they load the engine while this thread reads and runs the program. */
  start(): void {
    if (this.pool.isStarted) return;
    this.pool.start();
    log('debug', `worker pool: starting ${this.pool.threads} threads (${this.config.maxWorkers} evaluating with this one)`);
  }

  get started(): boolean {
    return this.pool.isStarted;
  }

  get concurrency(): number {
    return this.target;
  }

  get stats(): PoolStats {
    const s = this.pool.stats;
    return { tasks: s.tasks, faults: s.faults, busyMs: s.busyMs, peakConcurrency: s.peakBusy + (s.tasks > 0 ? 1 : 0), stolen: s.stolen };
  }

  /** Whether a thread can take a task now. */
  get ready(): boolean {
    return this.pool.readyThreads > 0;
  }

  /**
   * The work (ms) that makes sending the rest of a batch to the pool worth it: the inline budget,
   * plus copying `copyAtoms` atoms of environment to the threads when their copy is stale. No
   * start-up term: the pool is used only once a thread is ready, and this thread keeps working.
   */
  worthMs(copyAtoms = 0): number {
    return this.config.inlineBudgetMs + (copyAtoms * this.config.copyUsPerAtom) / 1000;
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
    if (this.target !== before) {
      // At least one thread stays active: with none, no batch would measure utilisation again.
      this.pool.setActive(this.target - 1);
      log('debug', `worker pool: concurrency ${before} -> ${this.target} (utilisation ${(utilisation * 100).toFixed(0)}%)`);
    }
  }

  get isClosed(): boolean {
    return this.pool.closed;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
