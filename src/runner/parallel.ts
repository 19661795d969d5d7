// The parallel runner (seed document, "Parallel Execution Architecture" and "Batch Evaluation"):
// consecutive top-level `!` forms are one batch; every other top-level atom is a barrier applied in
// order. Once a pool thread is ready and the forms already run predict that the rest of a batch is
// worth it, the rest goes to the pool's queue; this thread runs the first of them for real and
// then takes further tasks from the same queue, evaluating them speculatively like a thread, so
// using the pool is never slower than running inline. Results are printed in source order.
//
// Side effects are never lost and never reordered. A speculative evaluation (on a thread or here)
// stops at the first built-in that would write (effects.ts: spaces, tokens, states, modules,
// settings, random generators, files); that form then runs here, for real, after every earlier form
// has printed, and the forms after it are read again and re-batched, because its writes (a `bind!`
// even changes how they parse) may change their results. `println!`/`trace!` text is captured and
// printed with the form's results. The output is therefore the sequential run's, byte for byte.

import { randomUUID } from 'node:crypto';
import { type Atom, expr, sym } from '../core/index.js';
import { formatPosition } from '../core/index.js';
import { log } from '../core/index.js';
import type { Parser, TopLevelItem } from '../core/index.js';
import { formatResults } from '../core/index.js';
import { str } from '../core/index.js';
import { errorAtom } from '../eval/index.js';
import type { Environment } from '../eval/index.js';
import { type EvalConfig, MIN_TASK_MS } from './eval-config.js';
import { EvalPool, PoolClosedError, type PoolTask } from './eval-pool.js';
import { type EvalTask, type EvalTaskResult, type SelfMeta, TASK_KINDS, type WorkerSync } from './eval-task.js';
import { FormClock } from './form-clock.js';
import { speculate, Yielder } from './speculate.js';
import { evaluateTopLevel, isError } from '../eval/index.js';
import { ExitCode } from './exit-code.js';
import { evaluateFannedOut, type FanOutContext } from './fan-out.js';
import { serializeForWorkers, StateSerializeError } from './serialize.js';
import {
  answeredByLoop,
  type BatchForm,
  emitStopped,
  type ItemOutcome,
  type LoopOptions,
  nextBatch,
  runItemHere,
  runItemWith,
  stoppedExitCode,
  stopReason,
} from './top-level.js';

export interface BatchMetrics {
  /** Forms in the batch when it was formed. */
  readonly size: number;
  /** Forms evaluated here for real, taken from the queue by this thread (speculative), and run on pool threads. */
  inline: number;
  helped: number;
  pooled: number;
  /** Forms a worker handed back because they write. */
  aborted: number;
  /** Forms this thread evaluated while a pool thread was running them (it had nothing else to take). */
  duplicated: number;
  /** Wall time of the batch, and the evaluation time of its forms summed (the sequential estimate). */
  wallMs: number;
  workMs: number;
  /** The part of workMs spent on pool threads. */
  pooledMs: number;
}

export interface RunMetrics {
  readonly batches: BatchMetrics[];
  /** Environment copies serialized for the workers, and their total size. */
  syncs: number;
  syncBytes: number;
  faults: number;
  retries: number;
}

/** One form of a batch sent through the pool's queue. */
interface FormSlot {
  /** Answered here before anything is queued (pragma! type-check auto, or not evaluated under bare-minimal). */
  readonly rejected: boolean;
  /** Its task (the retry's after a failure); null for the first form, run here. */
  task: PoolTask<EvalTaskResult> | null;
  /** Its result, from a thread or from this thread taking the task. */
  result: EvalTaskResult | null;
  /** Settles when a thread's result (or the retry's) is in. */
  settled: Promise<EvalTaskResult> | null;
  /** This thread took the task and evaluated it (and has its results as atoms). */
  here: boolean;
  atoms: Atom[] | null;
}


export class ParallelRunner {
  private readonly pool: EvalPool;
  private readonly session = randomUUID();
  private synced: WorkerSync | null = null;
  readonly metrics: RunMetrics = { batches: [], syncs: 0, syncBytes: 0, faults: 0, retries: 0 };
  /** Test hook: fault injection for the forms whose text contains the key. */
  injectFaults: { readonly match: string; readonly fault: 'throw' | 'crash'; times: number } | null = null;

  constructor(
    private readonly env: Environment,
    readonly config: EvalConfig,
    private readonly interruptFlag: Int32Array = new Int32Array(new SharedArrayBuffer(4)),
    /**
     * `pool`: a pool the caller owns and keeps across runs (an Engine's); else the runner starts its
     * own, closed with it. `poolScript`: test hook, another thread entry (missing, or failing to load).
     */
    options: { pool?: EvalPool; poolScript?: () => string } = {},
  ) {
    this.ownerTakesTasks = config.ownerTakesTasks ?? true;
    this.minTaskMs = config.minTaskMs ?? MIN_TASK_MS;
    this.ownsPool = options.pool === undefined;
    this.pool = options.pool ?? new EvalPool(config, options.poolScript !== undefined ? { script: options.poolScript } : {});
    // The threads start when a batch predicts enough work (or the caller started them): until one
    // is ready, everything runs on this thread.
    this.fanOut = {
      env,
      pool: this.pool,
      config,
      interruptFlag,
      sync: () => this.sync(),
      staleAtoms: () => this.staleAtoms(),
      stats: { fanOuts: 0, shipped: 0, handedBack: 0 },
    };
  }

  private readonly ownsPool: boolean;
  private readonly minTaskMs: number;
  private readonly ownerTakesTasks: boolean;
  /** The pool could not start (then everything runs here): reported once on stderr. */
  private warned = false;

  /** Resolves when a pool thread is ready (true), or will never be (false). */
  poolReady(): Promise<boolean> {
    if (this.config.maxWorkers > 1) this.pool.start();
    return this.pool.pool.whenReady();
  }

  /** Runs a program read from `parser`, batching consecutive `!` forms. */
  async run(parser: Parser, options: LoopOptions): Promise<ExitCode> {
    this.parser = parser;
    const state = { exitCode: ExitCode.Ok as ExitCode };
    for (;;) {
      const step = nextBatch(this.env, parser, options, state, this.config.maxWorkers > 1);
      if ('end' in step) {
        this.warnIfUnavailable(options);
        return step.end;
      }
      const result = await this.runBatch(parser, step.batch, options);
      if (result.error) state.exitCode = ExitCode.ErrorResult;
      if (result.exitCode !== null) return result.exitCode;
    }
  }

  /** The one warning line of a pool that cannot start. */
  private warnIfUnavailable(options: LoopOptions): void {
    const reason = this.pool.pool.unavailable;
    if (reason === null || this.warned) return;
    this.warned = true;
    options.emit({ kind: 'stderr', text: `metta: the worker pool could not start (${reason}); evaluating on this thread only\n` });
  }

  /** Evaluation times of the forms run here so far in the run (predicts a batch before its first form ran). */
  private readonly runClock = new FormClock();
  private coldFormSeen = false;
  private readonly yielder = new Yielder();

  /**
   * Evaluates a batch; the parser is left after the last form handled, so when a form wrote, the
   * main loop reads the rest again. `exitCode` is set when the run must end.
   */
  private async runBatch(parser: Parser, batch: BatchForm[], options: LoopOptions): Promise<{ exitCode: ExitCode | null; error: boolean }> {
    const metrics: BatchMetrics = { size: batch.length, inline: 0, helped: 0, pooled: 0, aborted: 0, duplicated: 0, wallMs: 0, workMs: 0, pooledMs: 0 };
    this.metrics.batches.push(metrics);
    const began = performance.now();
    log('debug', `batch of ${batch.length} ! forms from ${formatPosition(batch[0]!.item.position)}`);
    const clock = new FormClock();
    let error = false;
    const finish = (exitCode: ExitCode | null, next: number): { exitCode: ExitCode | null; error: boolean } => {
      if (next < batch.length) parser.reset(batch[next]!.start);
      metrics.wallMs = performance.now() - began;
      log('debug', `batch done: ${metrics.inline} inline, ${metrics.helped} taken from the queue here, ${metrics.pooled} on pool threads, ${metrics.aborted} handed back, ${metrics.wallMs.toFixed(1)} ms`);
      return { exitCode, error };
    };
    let i = 0;
    while (i < batch.length) {
      this.warnIfUnavailable(options);
      if (i > 0) {
        const stop = stopReason(this.env);
        if (stop !== null) {
          emitStopped(options, batch[i]!.item.position, stop);
          return finish(stoppedExitCode(this.env), batch.length);
        }
      }
      if (!this.sharePays(clock, batch.length - i)) {
        const writes = this.env.writes;
        const t0 = performance.now();
        const outcome = await this.runHere(batch[i]!.item, options);
        const ms = performance.now() - t0;
        // The run's first form pays for the cold JIT and for compiling what it calls: it predicts nothing.
        if (this.coldFormSeen) {
          clock.add(ms);
          this.runClock.add(ms);
        }
        this.coldFormSeen = true;
        metrics.inline++;
        metrics.workMs += ms;
        i++;
        if (!outcome.continue) return finish(outcome.exitCode, i);
        if (outcome.error) error = true;
        // A form that wrote may change how the rest reads and evaluates: read it again.
        if (this.env.writes !== writes && i < batch.length) return finish(null, i);
        // Threads start once the rest of the batch predicts more work than their start-up, by the
        // recent forms' median time (form-clock.ts), once enough forms were seen.
        const predicted = clock.predict(batch.length - i, this.minTaskMs);
        if (!this.pool.started && this.config.maxWorkers > 1 && clock.settled(PREDICT_AFTER_MS) && predicted > this.config.poolStartMs) {
          log('debug', `batch predicts ${predicted.toFixed(0)} ms more work: starting the pool`);
          this.pool.start();
        }
        // A thread that became ready is seen only between event-loop turns.
        if (this.pool.started && !this.pool.ready) await this.yielder.due();
        continue;
      }
      const shared = await this.runShared(batch.slice(i), options, metrics);
      if (shared.error) error = true;
      i += shared.handled;
      if (shared.exitCode !== null) return finish(shared.exitCode, batch.length);
      if (shared.reread) return finish(null, i);
    }
    return finish(null, i);
  }

  /** Evaluates a form on this thread, its wide alternatives fanned out to the pool when that pays. */
  private runHere(item: TopLevelItem, options: LoopOptions): Promise<ItemOutcome> {
    // Without a ready thread nothing could be fanned out: the plain machine is faster (no fan-out
    // requests to offer and answer).
    if (!this.pool.ready) return Promise.resolve(runItemHere(this.env, item, options));
    return runItemWith(this.env, item, options, (atom) => evaluateFannedOut(this.fanOut, atom));
  }

  /** What the fan-out driver needs (fan-out.ts). */
  private readonly fanOut: FanOutContext;

  /**
   * Whether the rest of a batch goes to the pool's queue: a thread is ready, and the forms run here
   * (in this batch, else in the run) predict more work after the next form than the inline budget.
   */
  private sharePays(clock: FormClock, remaining: number): boolean {
    if (this.config.maxWorkers <= 1 || remaining < 2 || !this.pool.ready) return false;
    const seen = clock.settled(PREDICT_AFTER_MS) ? clock : this.runClock;
    if (seen.forms === 0) return false;
    return seen.predict(remaining - 1, this.minTaskMs) > this.pool.worthMs(this.staleAtoms());
  }

  /**
   * `forms` through the pool's queue, printed in order as they complete: the first runs here for
   * real while threads take the rest; then this thread takes tasks from the queue too. Stops at a
   * form that must run here (which it then runs) and reports how many forms it handled.
   */
  private async runShared(
    forms: BatchForm[],
    options: LoopOptions,
    metrics: BatchMetrics,
  ): Promise<{ handled: number; exitCode: ExitCode | null; error: boolean; reread: boolean }> {
    let synced;
    try {
      synced = this.sync();
    } catch (e) {
      if (!(e instanceof StateSerializeError)) throw e;
      // Something threads cannot have (an open file handle): this batch runs here, in order.
      log('debug', `batch stays on the main thread: ${e.message}`);
      return this.runAllHere(forms, options, metrics);
    }
    const sync = synced;
    const remainingMs = this.env.settings.deadline === null ? null : Math.max(0, this.env.settings.deadline - performance.now());
    // Ill-typed forms (pragma! type-check auto) are answered here, before anything is queued.
    const slots: FormSlot[] = forms.map((form, k) => {
      const slot: FormSlot = { rejected: answeredByLoop(this.env, form.item), task: null, result: null, settled: null, here: false, atoms: null };
      if (k === 0 || slot.rejected) return slot;
      const task: EvalTask = {
        sync,
        source: this.sourceOf(form),
        file: form.item.position.file,
        maxSteps: this.env.settings.maxSteps,
        remainingMs,
        interruptFlag: this.interruptFlag,
        inject: this.faultFor(form),
      };
      this.submit(slot, task, form.item);
      return slot;
    });
    const started = performance.now();
    const cursor = { front: 1, back: forms.length - 1 };
    const done = (k: number, result: { handled: number; exitCode: ExitCode | null; error: boolean; reread: boolean }): typeof result => {
      this.cancel(slots, k + 1);
      this.pool.adapt(utilisation(metrics, started, this.pool.concurrency), forms.length - k - 1);
      return result;
    };
    let error = false;
    for (let k = 0; k < forms.length; k++) {
      const form = forms[k]!;
      if (slots[k]!.rejected) {
        const outcome = runItemHere(this.env, form.item, options);
        if (!outcome.continue) return done(k, { handled: k + 1, exitCode: outcome.exitCode, error: true, reread: false });
        if (outcome.error) error = true;
        continue;
      }
      if (k === 0) {
        // The first form runs here for real (everything before it has printed), fan-out included.
        const writes = this.env.writes;
        const t0 = performance.now();
        const outcome = await this.runHere(form.item, options);
        const ms = performance.now() - t0;
        metrics.inline++;
        metrics.workMs += ms;
        this.runClock.add(ms);
        if (!outcome.continue) return done(k, { handled: 1, exitCode: outcome.exitCode, error: true, reread: false });
        if (outcome.error) error = true;
        if (this.env.writes !== writes) return done(k, { handled: 1, exitCode: null, error, reread: forms.length > 1 });
        continue;
      }
      const result = await this.resultOf(slots, forms, k, cursor, metrics);
      metrics.workMs += result.ms;
      if (!slots[k]!.here) {
        metrics.pooled++;
        metrics.pooledMs += result.ms;
      }
      if (result.kind === 'aborted') {
        // Runs here, in order, for real; what follows is read and batched again.
        log('debug', `!${formatPosition(form.item.position)} ${result.reason}: evaluated on the main thread`);
        metrics.aborted++;
        this.cancel(slots, k + 1);
        const t0 = performance.now();
        const outcome = await this.runHere(form.item, options);
        metrics.inline++;
        metrics.workMs += performance.now() - t0;
        if (!outcome.continue) return done(k, { handled: k + 1, exitCode: outcome.exitCode, error: true, reread: false });
        return done(k, { handled: k + 1, exitCode: null, error: error || outcome.error, reread: true });
      }
      // Captured println!/trace! text goes where it would have gone had the form run here.
      for (const t of result.captured) {
        if (t.kind === 'stdout') this.env.output.stdout(t.text);
        else this.env.output.stderr(t.text);
      }
      if (result.kind === 'stopped') {
        emitStopped(options, form.item.position, result.reason);
        return done(k, { handled: k + 1, exitCode: this.env.interrupted ? ExitCode.Interrupted : ExitCode.ErrorResult, error, reread: false });
      }
      options.emit({ kind: 'results', atoms: slots[k]!.atoms, line: result.line, isError: result.isError, position: form.item.position });
      if (result.isError) {
        error = true;
        if (!options.keepGoing) return done(k, { handled: k + 1, exitCode: ExitCode.ErrorResult, error, reread: false });
      }
    }
    return done(forms.length, { handled: forms.length, exitCode: null, error, reread: false });
  }

  /**
   * The result of form k. While it is not there, this thread takes work from the queue: the first
   * task no thread was given yet, else (near the end of a batch) the last one a thread was given but
   * has not started; it is evaluated here speculatively, exactly as a thread would.
   */
  private async resultOf(slots: FormSlot[], forms: BatchForm[], k: number, cursor: { front: number; back: number }, metrics: BatchMetrics): Promise<EvalTaskResult> {
    let polled = false;
    for (;;) {
      const slot = slots[k]!;
      if (slot.result !== null) return slot.result;
      let j = this.ownerTakesTasks ? this.takeTask(slots, k, cursor) : -1;
      if (j < 0 && this.ownerTakesTasks && slot.task !== null && slot.task.stealable) {
        // Nothing left to take: let the replies in once; if form k is still out, evaluate it here
        // too rather than wait for its thread (a cold one can be several times slower). The first
        // result in is kept; both are the same (evaluation is speculative and deterministic).
        if (!polled) {
          polled = true;
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        j = k;
        metrics.duplicated++;
      }
      polled = false;
      if (j >= 0) {
        const taken = slots[j]!;
        taken.here = true;
        const spec = speculate(this.env, () => evaluateTopLevel(this.env, forms[j]!.item.atom));
        if (spec.kind === 'done') {
          taken.atoms = spec.value;
          taken.result = { kind: 'done', line: formatResults(spec.value), isError: spec.value.some(isError), captured: spec.captured, ms: spec.ms };
        } else taken.result = spec;
        metrics.helped++;
        this.runClock.add(spec.ms);
        // Replies of the threads (and their next tasks) are handled between turns.
        await this.yielder.due();
        continue;
      }
      await Promise.race([slot.settled!, this.pool.pool.changed()]);
    }
  }

  /** A task of `slots[k..]` this thread took back from the pool, or -1 when every one is started. */
  private takeTask(slots: FormSlot[], k: number, cursor: { front: number; back: number }): number {
    cursor.front = Math.max(cursor.front, k);
    for (; cursor.front < slots.length; cursor.front++) {
      const s = slots[cursor.front]!;
      if (s.task === null || s.result !== null) continue;
      // Tasks given to a thread are left to it here (taken only from the back, below).
      if (this.pool.pool.isQueued(s.task) && this.pool.pool.steal(s.task)) return cursor.front++;
    }
    while (cursor.back >= k && slots[cursor.back]!.result !== null) cursor.back--;
    for (let j = cursor.back; j >= k; j--) {
      const s = slots[j]!;
      if (s.task !== null && s.result === null && this.pool.pool.steal(s.task)) return j;
    }
    return -1;
  }

  /** Takes back every task of `slots[from..]` no thread started (their results are not wanted). */
  private cancel(slots: FormSlot[], from: number): void {
    for (let j = from; j < slots.length; j++) {
      const task = slots[j]!.task;
      if (task !== null) this.pool.pool.steal(task);
    }
  }

  /** `forms` evaluated here one after the other (when the environment cannot be copied). */
  private async runAllHere(forms: BatchForm[], options: LoopOptions, metrics: BatchMetrics): Promise<{ handled: number; exitCode: ExitCode | null; error: boolean; reread: boolean }> {
    let error = false;
    for (let k = 0; k < forms.length; k++) {
      const t0 = performance.now();
      const outcome = runItemHere(this.env, forms[k]!.item, options);
      metrics.inline++;
      metrics.workMs += performance.now() - t0;
      if (!outcome.continue) return { handled: k + 1, exitCode: outcome.exitCode, error: true, reread: false };
      if (outcome.error) error = true;
    }
    return { handled: forms.length, exitCode: null, error, reread: false };
  }

  /**
   * Queues the form's task. A thread that throws or dies fails it: it is queued again once (first
   * in line); a second failure is that form's error.
   */
  private submit(slot: FormSlot, task: EvalTask, item: TopLevelItem): void {
    const queue = (t: EvalTask, urgent: boolean): PoolTask<EvalTaskResult> => {
      // A task with an injected fault must reach a thread (this one would not fail).
      const pooled = this.pool.pool.submit<EvalTaskResult>(TASK_KINDS.evaluate, t, { urgent, stealable: t.inject === undefined });
      slot.task = pooled;
      return pooled;
    };
    const first = queue(task, false);
    slot.settled = first.result
      .catch(async (e: unknown): Promise<EvalTaskResult> => {
        // The run ended (the pool closed under a task nobody waits for any more): nothing to retry.
        if (e instanceof PoolClosedError || this.pool.isClosed) return { kind: 'aborted', reason: 'the run ended', ms: 0 };
        this.metrics.faults++;
        this.metrics.retries++;
        log('warn', `a worker failed (${describe(e)}); retrying !${formatPosition(item.position)} once`);
        try {
          return await queue({ ...task, inject: this.faultFor(null, task) }, true).result;
        } catch (second) {
          if (second instanceof PoolClosedError) return { kind: 'aborted', reason: 'the run ended', ms: 0 };
          this.metrics.faults++;
          const failure = errorAtom(item.atom, expr([sym('WorkerFailure'), str(describe(second))]));
          return { kind: 'done', line: formatResults([failure]), isError: true, captured: [], ms: 0 };
        }
      })
      .then((result) => {
        if (slot.result === null) {
          slot.result = result;
        }
        return result;
      });
  }

  private faultFor(form: BatchForm | null, retry?: EvalTask): 'throw' | 'crash' | undefined {
    const f = this.injectFaults;
    if (f === null || f.times <= 0) return undefined;
    const text = form !== null ? this.sourceOf(form) : retry!.source;
    if (!text.includes(f.match)) return undefined;
    f.times--;
    return f.fault;
  }

  private parser: Parser | null = null;

  private sourceOf(form: BatchForm): string {
    return this.parser!.textBetween(form.start, form.end);
  }

  private epoch(): string {
    return `${this.session}:${this.env.writes}:${this.env.self.space.version}`;
  }

  /** Atoms the next pool use would have to copy to the workers (0 while their copy is current). */
  private staleAtoms(): number {
    return this.synced !== null && this.synced.epoch === this.epoch() ? 0 : this.env.self.space.size;
  }

  /** What the workers need for the current epoch (eval-task.ts WorkerSync); made again only after a change. */
  private sync(): WorkerSync {
    const epoch = this.epoch();
    if (this.synced === null || this.synced.epoch !== epoch) {
      const { bytes, tokenIds } = serializeForWorkers(this.env);
      // Workers should find `&self` indexed: a long list of atoms added since the last freeze is
      // frozen into the trie first (the main thread matches through its live index either way); a
      // short one travels as ids.
      if (this.env.self.space.addedSinceSnapshot > SHIPPED_RECENT_LIMIT) this.env.self.space.snapshot();
      const self = this.env.self.space.share();
      const meta: SelfMeta = {
        nodeCount: self.trie.nodeCount,
        atomCount: self.trie.atomCount,
        trieBytes: self.trie.byteLength,
        recent: self.recent,
        idCount: self.store.idCount,
        liveCount: self.store.liveCount,
        tokenCount: self.store.tokenCount,
        names: self.store.names,
        serial: self.serial,
        version: self.version,
        tokenIds,
      };
      const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
      this.synced = {
        epoch,
        environment: inShared(bytes),
        environmentLength: bytes.length,
        meta: inShared(metaBytes),
        metaLength: metaBytes.length,
        trieTok: self.trie.tok,
        trieChildStart: self.trie.childStart,
        storeTokens: self.store.tokens,
        storeOffsets: self.store.offsets,
        storeAlive: self.store.alive,
      };
      this.metrics.syncs++;
      this.metrics.syncBytes += bytes.length + metaBytes.length;
      log('debug', `environment for the workers (epoch ${epoch}): &self shared in place (${self.store.liveCount} atoms, ${self.trie.byteLength} trie bytes), the rest copied: ${bytes.length} + ${metaBytes.length} bytes`);
    }
    return this.synced;
  }

  /** Fan-outs of alternatives within one form (fan-out.ts). */
  get fanOutStats(): FanOutContext['stats'] {
    return this.fanOut.stats;
  }

  get poolStats(): EvalPool['stats'] {
    return this.pool.stats;
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}

/** Inline forms that took this long in all are enough to predict the rest of a batch from (form-clock.ts). */
const PREDICT_AFTER_MS = 50;

/** Atoms added since the last freeze that workers may receive as a list instead of in the trie. */
const SHIPPED_RECENT_LIMIT = 256;

function inShared(bytes: Uint8Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}


function utilisation(metrics: BatchMetrics, since: number, workers: number): number {
  const wall = performance.now() - since;
  return wall <= 0 ? 1 : Math.min(1, metrics.workMs / (wall * workers));
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The `--metrics` report: one line per batch and a summary. */
export function formatMetrics(runner: ParallelRunner, totalMs: number): string {
  const m = runner.metrics;
  const stats = runner.poolStats;
  const lines = [`metrics: ${m.batches.length} batches, ${runner.config.maxWorkers} workers max, ${totalMs.toFixed(1)} ms in all`];
  let wall = 0;
  let work = 0;
  for (const [i, b] of m.batches.entries()) {
    wall += b.wallMs;
    work += b.workMs;
    lines.push(
      `  batch ${i + 1}: ${b.size} forms, ${b.inline} inline, ${b.helped} taken from the queue here, ${b.pooled} on pool threads, ${b.aborted} handed back (writers), ${b.duplicated} also run here while a thread ran them; ` +
        `${b.wallMs.toFixed(1)} ms wall, ${b.workMs.toFixed(1)} ms of evaluation (${b.pooledMs.toFixed(1)} on pool threads)`,
    );
  }
  const speedup = wall > 0 ? work / wall : 1;
  const util = stats.peakConcurrency > 0 && wall > 0 ? stats.busyMs / (wall * stats.peakConcurrency) : 0;
  lines.push(
    `  pool: ${stats.tasks} tasks, peak ${stats.peakConcurrency} busy workers, utilisation ${(util * 100).toFixed(0)}%, ` +
      `${m.syncs} environment copies (${m.syncBytes} bytes), ${m.faults} worker faults, ${m.retries} retries`,
  );
  const f = runner.fanOutStats;
  lines.push(`  fan-out within forms: ${f.fanOuts} times, ${f.shipped} alternatives sent to the pool, ${f.handedBack} evaluated back here (writers)`);
  lines.push(`  speedup against the sequential estimate: ${speedup.toFixed(2)}x`);
  return lines.join('\n');
}
