// The threads of `metta query --workers N`, on the engine's one worker pool (src/pool, entry
// runner/pool-worker.ts): each batch is cut into slices, a few per thread, queued in pattern order;
// the pool's threads take slices from the front and this thread takes them from the back, and the
// printed lines are joined in pattern order. N counts this thread: the pool starts N - 1 threads.
// The space is not copied: the threads read the frozen trie and the store's arrays in place
// (`AtomSpace.share` / `AtomSpace.replica`), and symbol and grounded-value ids come from the intern
// tables in shared memory (core/symbols.ts), as for evaluation (docs/architecture.md, "The parallel
// runner"). Patterns travel as flat arrays (core/atom-wire.ts). A batch holding something that
// cannot leave this thread (a pattern with a space or state in it) is answered by the caller, and a
// slice a thread could not answer is answered here: the output never depends on where a batch ran.

import { randomUUID } from 'node:crypto';
import { type SharedTables, symbolTableHandles } from '../core/index.js';
import { WorkerScriptMissingError, workerScript } from '../core/index.js';
import { NotShippable } from '../core/index.js';
import { WorkerPool } from '../pool/index.js';
import type { AtomSpace, SpaceSnapshot } from '../space/index.js';
import { groundedTable } from '../space/index.js';
import type { QueryPool } from './backends.js';
import type { AnswerFormat, BulkPattern } from './bulk.js';
import { answerPatterns, QUERY_SLICE_TASK, type QuerySliceTask, querySliceTask } from './query-slice.js';

/** Slices per evaluating thread in a batch (more than one evens out slices of unequal cost). */
const SLICES_PER_THREAD = 2;

export class QueryWorkerPool implements QueryPool {
  batches = 0;
  private readonly spaceKey = randomUUID();

  private constructor(
    private readonly pool: WorkerPool,
    private readonly space: AtomSpace,
    private readonly view: SpaceSnapshot,
  ) {}

  /**
   * N evaluating threads (this one included) over `space` (already frozen: `view` is its
   * snapshot); null when the pool's entry is not built (the batches are then answered here).
   */
  static open(workers: number, space: AtomSpace, view: SpaceSnapshot, warn: (line: string) => void = (line) => process.stderr.write(line)): QueryWorkerPool | null {
    let script: string;
    try {
      script = workerScript('runner/pool-worker.js');
    } catch (e) {
      if (e instanceof WorkerScriptMissingError) return null;
      throw e;
    }
    const pool = new WorkerPool({
      script: () => script,
      threads: workers - 1,
      workerData: { mettaTables: { symbols: symbolTableHandles(), grounded: groundedTable.handles() } satisfies SharedTables },
      name: 'query pool',
      onUnavailable: (reason) => warn(`metta: the query worker pool could not start (${reason}); answering on this thread\n`),
    });
    pool.start();
    return new QueryWorkerPool(pool, space, view);
  }

  async answer(patterns: readonly BulkPattern[], firstIndex: number, format: AnswerFormat): Promise<string[] | null> {
    if (patterns.length === 0) return [];
    const n = Math.min(patterns.length, (this.pool.threads + 1) * SLICES_PER_THREAD);
    const per = Math.ceil(patterns.length / n);
    const shared = this.space.share();
    const slices: { patterns: readonly BulkPattern[]; first: number; task: QuerySliceTask }[] = [];
    try {
      for (let start = 0; start < patterns.length; start += per) {
        const slice = patterns.slice(start, start + per);
        slices.push({ patterns: slice, first: firstIndex + start, task: querySliceTask(this.spaceKey, shared, slice, firstIndex + start, format) });
      }
    } catch (e) {
      if (e instanceof NotShippable) return null;
      throw e;
    }
    const lines: (string[] | null)[] = slices.map(() => null);
    const tasks = slices.map((s, k) => {
      const task = this.pool.submit<string[]>(QUERY_SLICE_TASK, s.task);
      task.result.then(
        (r) => (lines[k] ??= r),
        () => {}, // answered here
      );
      return task;
    });
    const here = (k: number): void => {
      lines[k] = answerPatterns(this.view, slices[k]!.patterns, slices[k]!.first, format);
    };
    let polled = false;
    for (;;) {
      // This thread answers the last slice no thread started, then those a thread failed.
      let j = slices.length - 1;
      while (j >= 0 && (lines[j] !== null || !this.pool.steal(tasks[j]!))) j--;
      // Then the first slice still unanswered (one a thread failed, or runs: rather than wait for
      // a thread, perhaps cold, answer it here too; the first answer in is kept, both are the same).
      if (j < 0) {
        if (lines.every((l) => l !== null)) break;
        if (!polled) {
          polled = true;
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        j = lines.findIndex((l) => l === null);
      }
      polled = false;
      here(j);
    }
    this.batches++;
    return lines.flatMap((l) => l!);
  }

  /** The pool's counters: slices its threads answered (tasks), slices this thread took back (stolen). */
  get stats(): WorkerPool['stats'] {
    return this.pool.stats;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
