// The parallel runner (seed document, "Parallel Execution Architecture" and "Batch Evaluation"):
// consecutive top-level `!` forms are one batch; every other top-level atom is a barrier applied in
// order. A batch runs inline (this thread) until the forms already run predict that the rest is
// worth a worker pool; then the rest is evaluated speculatively on the pool, against a copy of the
// environment, and printed in source order.
//
// Side effects are never lost and never reordered. A worker stops at the first built-in that would
// write (effects.ts: spaces, tokens, states, modules, settings, random generators, files); that
// form then runs here, for real, after every earlier form has printed, and the forms after it are
// read again and re-batched, because its writes (a `bind!` even changes how they parse) may change
// their results. `println!`/`trace!` text is captured by the worker and printed with the form's
// results. The output is therefore the sequential run's, byte for byte.

import { randomUUID } from 'node:crypto';
import { expr, sym } from '../core/atoms.js';
import { formatPosition } from '../core/errors.js';
import { log } from '../core/log.js';
import type { Parser, TopLevelItem } from '../core/parser.js';
import { formatResults } from '../core/printer.js';
import { str } from '../core/values.js';
import { errorAtom } from '../eval/builtin.js';
import type { Environment } from '../eval/environment.js';
import type { EvalConfig } from './eval-config.js';
import { EvalPool } from './eval-pool.js';
import type { EvalTask, EvalTaskResult, SelfMeta, WorkerSync } from './eval-task.js';
import { ExitCode } from './exit-code.js';
import { evaluateFannedOut, type FanOutContext } from './fan-out.js';
import { serializeForWorkers, StateSerializeError } from './serialize.js';
import {
  type BatchForm,
  emitStopped,
  isIllTyped,
  type ItemOutcome,
  type LoopOptions,
  nextBatch,
  rejectIllTyped,
  runItemHere,
  runItemWith,
  stoppedExitCode,
  stopReason,
} from './top-level.js';

export interface BatchMetrics {
  /** Forms in the batch when it was formed. */
  readonly size: number;
  /** Forms evaluated here, and on the pool (speculative runs that were kept). */
  inline: number;
  pooled: number;
  /** Forms a worker handed back because they write. */
  aborted: number;
  /** Wall time of the batch, and the evaluation time of its forms summed (the sequential estimate). */
  wallMs: number;
  workMs: number;
}

export interface RunMetrics {
  readonly batches: BatchMetrics[];
  /** Environment copies serialized for the workers, and their total size. */
  syncs: number;
  syncBytes: number;
  faults: number;
  retries: number;
}

/** How long an inline form took on average, to predict whether the rest of a batch pays for the pool. */
interface InlineClock {
  ms: number;
  forms: number;
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
  ) {
    this.pool = new EvalPool(config);
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

  /** Runs a program read from `parser`, batching consecutive `!` forms. */
  async run(parser: Parser, options: LoopOptions): Promise<ExitCode> {
    this.parser = parser;
    const state = { exitCode: ExitCode.Ok as ExitCode };
    for (;;) {
      const step = nextBatch(this.env, parser, options, state, this.config.maxWorkers > 1);
      if ('end' in step) return step.end;
      const result = await this.runBatch(parser, step.batch, options);
      if (result.error) state.exitCode = ExitCode.ErrorResult;
      if (result.exitCode !== null) return result.exitCode;
    }
  }

  /**
   * Evaluates a batch; the parser is left after the last form handled, so when a form wrote, the
   * main loop reads the rest again. `exitCode` is set when the run must end.
   */
  private async runBatch(parser: Parser, batch: BatchForm[], options: LoopOptions): Promise<{ exitCode: ExitCode | null; error: boolean }> {
    const metrics: BatchMetrics = { size: batch.length, inline: 0, pooled: 0, aborted: 0, wallMs: 0, workMs: 0 };
    this.metrics.batches.push(metrics);
    const began = performance.now();
    log('debug', `batch of ${batch.length} ! forms from ${formatPosition(batch[0]!.item.position)}`);
    const clock: InlineClock = { ms: 0, forms: 0 };
    let error = false;
    const finish = (exitCode: ExitCode | null, next: number): { exitCode: ExitCode | null; error: boolean } => {
      if (next < batch.length) parser.reset(batch[next]!.start);
      metrics.wallMs = performance.now() - began;
      log('debug', `batch done: ${metrics.inline} inline, ${metrics.pooled} on the pool, ${metrics.aborted} handed back, ${metrics.wallMs.toFixed(1)} ms`);
      return { exitCode, error };
    };
    let i = 0;
    while (i < batch.length) {
      if (i > 0) {
        const stop = stopReason(this.env);
        if (stop !== null) {
          emitStopped(options, batch[i]!.item.position, stop);
          return finish(stoppedExitCode(this.env), batch.length);
        }
      }
      if (!this.poolPays(clock, batch.length - i)) {
        const writes = this.env.writes;
        const t0 = performance.now();
        const outcome = await this.runHere(batch[i]!.item, options);
        const ms = performance.now() - t0;
        clock.ms += ms;
        clock.forms++;
        metrics.inline++;
        metrics.workMs += ms;
        i++;
        if (!outcome.continue) return finish(outcome.exitCode, i);
        if (outcome.error) error = true;
        // A form that wrote may change how the rest reads and evaluates: read it again.
        if (this.env.writes !== writes && i < batch.length) return finish(null, i);
        continue;
      }
      const pooled = await this.runOnPool(batch.slice(i), options, metrics);
      if (pooled.error) error = true;
      i += pooled.handled;
      if (pooled.exitCode !== null) return finish(pooled.exitCode, batch.length);
      if (pooled.reread) return finish(null, i);
    }
    return finish(null, i);
  }

  /** Evaluates a form on this thread, its wide alternatives fanned out to the pool when that pays. */
  private runHere(item: TopLevelItem, options: LoopOptions): Promise<ItemOutcome> {
    return runItemWith(this.env, item, options, (atom) => evaluateFannedOut(this.fanOut, atom));
  }

  /** What the fan-out driver needs (fan-out.ts). */
  private readonly fanOut: FanOutContext;

  /** Whether the rest of a batch is predicted to take longer than the inline budget. */
  private poolPays(clock: InlineClock, remaining: number): boolean {
    if (this.config.maxWorkers <= 1 || remaining < 2 || clock.forms === 0) return false;
    return (clock.ms / clock.forms) * remaining > this.pool.worthMs(this.staleAtoms());
  }

  /**
   * Speculative evaluation of `forms` on the pool, printed in order as they complete. Stops at a
   * form that must run here (which it then runs) and reports how many forms it handled.
   */
  private async runOnPool(
    forms: BatchForm[],
    options: LoopOptions,
    metrics: BatchMetrics,
  ): Promise<{ handled: number; exitCode: ExitCode | null; error: boolean; reread: boolean }> {
    let synced;
    try {
      synced = this.sync();
    } catch (e) {
      if (!(e instanceof StateSerializeError)) throw e;
      // Something workers cannot have (an open file handle): this batch runs here, in order.
      log('debug', `batch stays on the main thread: ${e.message}`);
      return this.runAllHere(forms, options, metrics);
    }
    const sync = synced;
    const remainingMs = this.env.settings.deadline === null ? null : Math.max(0, this.env.settings.deadline - performance.now());
    // Ill-typed forms (pragma! type-check auto) are answered here, before anything is dispatched.
    const rejectedAt = new Map<number, ItemOutcome>();
    const started = performance.now();
    const pending: (Promise<EvalTaskResult> | null)[] = forms.map((form, k) => {
      const check = isIllTyped(this.env, form.item);
      if (check) {
        rejectedAt.set(k, { continue: true, error: true });
        return null;
      }
      const task: EvalTask = {
        sync,
        source: this.sourceOf(form),
        file: form.item.position.file,
        maxSteps: this.env.settings.maxSteps,
        remainingMs,
        interruptFlag: this.interruptFlag,
        inject: this.faultFor(form),
      };
      return this.runTask(task, form.item);
    });
    let error = false;
    for (let k = 0; k < forms.length; k++) {
      const form = forms[k]!;
      if (rejectedAt.has(k)) {
        const outcome = rejectIllTyped(this.env, form.item, options)!;
        if (!outcome.continue) return { handled: k + 1, exitCode: outcome.exitCode, error: true, reread: false };
        error = true;
        continue;
      }
      const result = await pending[k]!;
      metrics.workMs += result.ms;
      if (result.kind === 'aborted') {
        // Runs here, in order, for real; what follows is read and batched again.
        log('debug', `!${formatPosition(form.item.position)} ${result.reason}: evaluated on the main thread`);
        metrics.aborted++;
        const t0 = performance.now();
        const outcome = await this.runHere(form.item, options);
        metrics.inline++;
        metrics.workMs += performance.now() - t0;
        this.pool.adapt(utilisation(metrics, started, this.pool.concurrency), forms.length - k);
        if (!outcome.continue) return { handled: k + 1, exitCode: outcome.exitCode, error: true, reread: false };
        return { handled: k + 1, exitCode: null, error: error || outcome.error, reread: true };
      }
      metrics.pooled++;
      // Captured println!/trace! text goes where it would have gone had the form run here.
      for (const t of result.captured) {
        if (t.kind === 'stdout') this.env.output.stdout(t.text);
        else this.env.output.stderr(t.text);
      }
      if (result.kind === 'stopped') {
        emitStopped(options, form.item.position, result.reason);
        return { handled: k + 1, exitCode: this.env.interrupted ? ExitCode.Interrupted : ExitCode.ErrorResult, error, reread: false };
      }
      options.emit({ kind: 'results', atoms: null, line: result.line, isError: result.isError, position: form.item.position });
      if (result.isError) {
        error = true;
        if (!options.keepGoing) return { handled: k + 1, exitCode: ExitCode.ErrorResult, error, reread: false };
      }
    }
    this.pool.adapt(utilisation(metrics, started, this.pool.concurrency), 0);
    return { handled: forms.length, exitCode: null, error, reread: false };
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

  /** One task, retried once when the worker throws or dies; a second failure is that form's error. */
  private async runTask(task: EvalTask, item: TopLevelItem): Promise<EvalTaskResult> {
    try {
      return await this.pool.run(task);
    } catch (first) {
      // The run ended (the pool closed under a task nobody waits for any more): nothing to retry.
      if (this.pool.isClosed) return { kind: 'aborted', reason: 'the run ended', ms: 0 };
      this.metrics.faults++;
      this.metrics.retries++;
      log('warn', `a worker failed (${describe(first)}); retrying !${formatPosition(item.position)} once`);
      try {
        return await this.pool.run({ ...task, inject: this.faultFor(null, task) });
      } catch (second) {
        this.metrics.faults++;
        const failure = errorAtom(item.atom, expr([sym('WorkerFailure'), str(describe(second))]));
        return { kind: 'done', line: formatResults([failure]), isError: true, captured: [], ms: 0 };
      }
    }
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
      // frozen into the trie first (main benefits as well); a short one travels as ids.
      if (this.env.self.space.view().recent.length > SHIPPED_RECENT_LIMIT) this.env.self.space.snapshot();
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
    await this.pool.close();
  }
}

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
      `  batch ${i + 1}: ${b.size} forms, ${b.inline} inline, ${b.pooled} on the pool, ${b.aborted} handed back (writers); ` +
        `${b.wallMs.toFixed(1)} ms wall, ${b.workMs.toFixed(1)} ms of evaluation`,
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
