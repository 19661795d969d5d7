// The one policy for answering batches: the scheduler picks a path per batch by its size, the
// backend of that path answers, and a backend that fails is handled the same way everywhere —
// the CPU answers that batch (same answers, same order: nothing of the failed batch was
// delivered), a permanent failure drops the path for every later batch, and the reason is kept
// for `--metrics` and `--log` and told once to `onFailure`. `metta run --gpu`, `metta query`,
// the Engine, the calibration and the benchmarks all answer through it.

import { type Backend, BackendFailure } from './backend.js';
import type { MatchPath } from './paths.js';
import type { Decision, Scheduler } from './scheduler.js';

export interface PathUse {
  /** Batches answered on the path, and the items (queries, patterns) in them. */
  batches: number;
  items: number;
}

export interface Answered<Answers> {
  readonly answers: Answers;
  /** The scheduler's decision, its measured time set (the fallback included, when there was one). */
  readonly decision: Decision;
  /** The path that answered: the decision's, or the CPU after a failure. */
  readonly path: MatchPath;
}

interface Turn<Batch, Answers> {
  readonly decision: Decision;
  readonly backend: Backend<Batch, Answers>;
  readonly started: number;
}

export interface AnswererOptions<Batch> {
  /** Items in a batch, the size the scheduler decides by. */
  readonly size: (batch: Batch) => number;
  /** Told once per path that fails for good, with the reason (`--gpu on` warns; `auto` logs). */
  readonly onFailure?: (path: MatchPath, reason: string) => void;
}

export class ScheduledAnswerer<Batch, Answers> {
  /** Why each dropped path stopped being used. */
  readonly failures = new Map<MatchPath, string>();
  /** Batches a backend declined (answered on the CPU instead, the path kept), per path. */
  readonly declined = new Map<MatchPath, number>();
  private readonly uses = new Map<MatchPath, PathUse>();
  private readonly backends: Map<MatchPath, Backend<Batch, Answers>>;
  private readonly closing: (Promise<void> | void)[] = [];

  constructor(
    readonly scheduler: Scheduler,
    private readonly cpu: Backend<Batch, Answers>,
    others: readonly Backend<Batch, Answers>[],
    private readonly options: AnswererOptions<Batch>,
  ) {
    this.backends = new Map(others.map((b) => [b.path, b]));
    for (const path of ['pool', 'gpu'] as const) if (!this.backends.has(path)) scheduler.drop(path);
  }

  /** Whether `path` may still be chosen (it has a backend that has not failed for good). */
  has(path: MatchPath): boolean {
    return path === 'cpu' || (this.backends.has(path) && this.scheduler.isAvailable(path));
  }

  /** Batches and items answered on `path` so far. */
  use(path: MatchPath): Readonly<PathUse> {
    return this.uses.get(path) ?? { batches: 0, items: 0 };
  }

  /** Answers a batch whose backends may be asynchronous (the pool, the GPU matcher). */
  async answer(batch: Batch): Promise<Answered<Answers>> {
    const turn = this.begin(batch);
    let answers: Answers | null = null;
    if (turn.backend !== this.cpu) {
      try {
        answers = await turn.backend.answer(batch);
      } catch (e) {
        this.failed(turn.decision.path, e);
      }
    }
    return this.done(batch, turn, answers ?? (await this.cpu.answer(batch)), answers === null);
  }

  /**
   * Answers a batch synchronously (the interpreter steps its machines in a synchronous loop): every
   * backend of this answerer must answer without a promise.
   */
  answerSync(batch: Batch): Answered<Answers> {
    const turn = this.begin(batch);
    let answers: Answers | null = null;
    if (turn.backend !== this.cpu) {
      try {
        answers = synchronous(turn.backend.answer(batch), turn.backend.path);
      } catch (e) {
        this.failed(turn.decision.path, e);
      }
    }
    return this.done(batch, turn, answers ?? synchronous(this.cpu.answer(batch), 'cpu'), answers === null);
  }

  /** The scheduler's decision for a batch and the backend that takes it. */
  private begin(batch: Batch): Turn<Batch, Answers> {
    const decision = this.scheduler.choose(this.options.size(batch));
    return { decision, backend: this.backendFor(decision.path), started: performance.now() };
  }

  private backendFor(path: MatchPath): Backend<Batch, Answers> {
    return path === 'cpu' ? this.cpu : (this.backends.get(path) ?? this.cpu);
  }

  private failed(path: MatchPath, e: unknown): void {
    if (!(e instanceof BackendFailure)) throw e;
    if (!e.permanent) {
      this.declined.set(path, (this.declined.get(path) ?? 0) + 1);
      return;
    }
    this.drop(path, e.message);
  }

  /** Stops using `path` for good (it failed, or the caller found it unusable), with the reason. */
  drop(path: MatchPath, reason: string): void {
    if (path === 'cpu' || this.failures.has(path)) return;
    this.failures.set(path, reason);
    this.scheduler.drop(path);
    const backend = this.backends.get(path);
    this.backends.delete(path);
    if (backend !== undefined) this.closing.push(backend.close());
    this.options.onFailure?.(path, reason);
  }

  /** Records the batch's time and where it was answered (`onCpu`: the CPU, after a failure or by choice). */
  private done(batch: Batch, turn: Turn<Batch, Answers>, answers: Answers, onCpu: boolean): Answered<Answers> {
    this.scheduler.measured(turn.decision, performance.now() - turn.started);
    const path: MatchPath = onCpu ? 'cpu' : turn.decision.path;
    let use = this.uses.get(path);
    if (use === undefined) this.uses.set(path, (use = { batches: 0, items: 0 }));
    use.batches++;
    use.items += this.options.size(batch);
    return { answers, decision: turn.decision, path };
  }

  /** Where the batches went and why a path was dropped, in one line (for `--metrics` and `--log`). */
  summary(): string {
    const used = [...this.uses].map(([path, u]) => `${u.items} on the ${path === 'cpu' ? 'CPU' : path === 'gpu' ? 'GPU' : 'pool'} (${u.batches} batch(es))`);
    const dropped = [...this.failures].map(([path, reason]) => `${path} dropped: ${reason}`);
    return [used.length > 0 ? used.join(', ') : 'nothing answered', ...dropped].join('; ');
  }

  /** Closes every backend (and those dropped on the way); settles when their threads and devices are gone. */
  async close(): Promise<void> {
    const backends = [this.cpu, ...this.backends.values()];
    this.backends.clear();
    await Promise.all([...this.closing.splice(0), ...backends.map((b) => b.close())]);
  }
}

function synchronous<T>(value: T | Promise<T>, path: MatchPath): T {
  if (value instanceof Promise) throw new Error(`the ${path} backend answered asynchronously where a synchronous answer is needed`);
  return value;
}
