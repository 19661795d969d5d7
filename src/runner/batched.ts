// The batched driver of a program's top level: consecutive `!` forms are one batch (other atoms
// are barriers applied in order, as in parallel.ts), evaluated in lockstep on this thread
// (lockstep.ts) with the space queries of every step answered as one batch on the path the
// scheduler picks. Printed in source order; a form that writes is run here for real after the
// forms before it printed, and the text after it is read again. Prints exactly what
// `runSequential` prints.

import { formatPosition } from '../core/index.js';
import { log } from '../core/index.js';
import type { Parser } from '../core/index.js';
import type { Environment } from '../eval/index.js';
import { EvaluationStopped } from '../eval/index.js';
import type { BatchAnswerer } from './batch-answerer.js';
import { ExitCode } from './exit-code.js';
import { type CapturedText, DEFAULT_LOCKSTEP, evaluateInLockstep, type LockstepOptions, type LockstepStats } from './lockstep.js';
import {
  answeredByLoop,
  type BatchForm,
  emitStopped,
  type LoopOptions,
  nextBatch,
  runItemHere,
  runItemUsing,
  stoppedExitCode,
  stopReason,
} from './top-level.js';

export class BatchedRunner {
  readonly stats: LockstepStats & { batches: number; forms: number } = { steps: 0, branches: 0, aborted: 0, batches: 0, forms: 0 };

  constructor(
    private readonly env: Environment,
    readonly answerer: BatchAnswerer,
    private readonly lockstep: LockstepOptions = DEFAULT_LOCKSTEP,
  ) {}

  run(parser: Parser, options: LoopOptions): ExitCode {
    const state = { exitCode: ExitCode.Ok as ExitCode };
    for (;;) {
      const step = nextBatch(this.env, parser, options, state, true);
      if ('end' in step) return step.end;
      const result = this.runBatch(parser, step.batch, options);
      if (result.error) state.exitCode = ExitCode.ErrorResult;
      if (result.exitCode !== null) return result.exitCode;
    }
  }

  /** Evaluates and prints a batch; when a form wrote, the parser is left after it to read the rest again. */
  private runBatch(parser: Parser, batch: readonly BatchForm[], options: LoopOptions): { exitCode: ExitCode | null; error: boolean } {
    const env = this.env;
    this.stats.batches++;
    this.stats.forms += batch.length;
    const steps = this.stats.steps;
    // Ill-typed forms are answered by the loop (the check reads only the space, which the batch cannot change).
    const evaluated = batch.flatMap((form, k) => (answeredByLoop(env, form.item) ? [] : [k]));
    const outcomes = evaluateInLockstep(env, evaluated.map((k) => batch[k]!.item.atom), this.answerer, this.lockstep, this.stats);
    log('debug', `lockstep batch of ${batch.length} ! forms from ${formatPosition(batch[0]!.item.position)}: ${this.stats.steps - steps} query batches`);
    const outcomeOf = new Map(evaluated.map((k, i) => [k, outcomes[i]!]));
    let error = false;
    for (let k = 0; k < batch.length; k++) {
      const form = batch[k]!;
      if (k > 0) {
        const stop = stopReason(env);
        if (stop !== null) {
          emitStopped(options, form.item.position, stop);
          return { exitCode: stoppedExitCode(env), error };
        }
      }
      const outcome = outcomeOf.get(k);
      if (outcome?.kind === 'aborted' || outcome?.kind === 'not-run') {
        // A writer: it runs here, for real, in order; what follows is read again.
        log('debug', `!${formatPosition(form.item.position)} ${outcome.kind === 'aborted' ? outcome.reason : 'follows a writer'}: evaluated sequentially`);
        const done = runItemHere(env, form.item, options);
        if (!done.continue) return { exitCode: done.exitCode, error: true };
        if (k + 1 < batch.length) parser.reset(batch[k + 1]!.start);
        return { exitCode: null, error: error || done.error };
      }
      const done = runItemUsing(env, form.item, options, () => {
        // Only a form the type check passed gets here, so its outcome exists.
        const o = outcome!;
        if (o.kind === 'stopped') {
          this.print(o.output);
          throw new EvaluationStopped(o.reason);
        }
        if (o.kind !== 'done') throw new Error('lockstep: a form that was not evaluated was printed');
        this.print(o.output);
        return o.results;
      });
      if (!done.continue) return { exitCode: done.exitCode, error: true };
      if (done.error) error = true;
    }
    return { exitCode: null, error };
  }

  private print(texts: readonly CapturedText[]): void {
    for (const t of texts) {
      if (t.kind === 'stdout') this.env.output.stdout(t.text);
      else this.env.output.stderr(t.text);
    }
  }

  /** For --metrics and the log. */
  summary(): string {
    const s = this.stats;
    return `batched evaluation: ${s.batches} batch(es) of ${s.forms} ! forms, ${s.steps} query steps, ${s.branches} branches, ${s.aborted} writer(s) run sequentially; ${this.answerer.summary()}`;
  }
}
