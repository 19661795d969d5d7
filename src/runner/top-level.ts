// The top-level loop of a program (SPEC §1): plain atoms are added to `&self`, `!` forms are
// evaluated and their results recorded, in source order. Parsing is incremental (a `bind!` changes
// how the rest of the text reads), so a syntax error ends the run only after everything before it
// has run and printed.
//
// Two drivers share the per-item work: `runSequential` evaluates every `!` where it stands;
// `runBatched` (parallel.ts) groups consecutive `!` forms into batches and may evaluate them on a
// worker pool, with the same output.

import type { Atom } from '../core/index.js';
import { formatPosition, MettaSyntaxError, type SourcePosition } from '../core/index.js';
import { log } from '../core/index.js';
import { Parser, type ParserMark, type TopLevelItem } from '../core/index.js';
import { formatResults } from '../core/index.js';
import { typeCheckFailure } from '../eval/index.js';
import type { Environment } from '../eval/index.js';
import { evaluateTopLevel, EvaluationStopped, isError, isMinimalInstruction } from '../eval/index.js';
import { ExitCode } from './exit-code.js';

/** What a run printed, in order: the results of each `!`, and text from `println!`/`trace!`/diagnostics. */
export type OutputRecord =
  | {
      readonly kind: 'results';
      /**
       * The results of one `!` (or the `(Error ... BadType)` of an atom rejected by the type check);
       * null when the form ran on a worker thread, which sends back only the printed line.
       */
      readonly atoms: readonly Atom[] | null;
      /** The line the CLI prints for them, `[r1, r2, ...]`, without the newline. */
      readonly line: string;
      readonly isError: boolean;
      readonly position: SourcePosition;
    }
  /** `println!` text (newline included), written to standard output between result lines. */
  | { readonly kind: 'stdout'; readonly text: string }
  /**
   * `trace!` text and diagnostics (syntax error, evaluation stopped), newline included; `stopped`:
   * the reason, when a limit or an interrupt stopped a form (the text is its message).
   */
  | { readonly kind: 'stderr'; readonly text: string; readonly stopped?: string };

export interface LoopOptions {
  /** Continue after a `!` whose results contain an error (the exit code still reports it). */
  readonly keepGoing: boolean;
  /** Receives every record as it happens. `println!` text reaches it through the environment's sink. */
  readonly emit: (record: OutputRecord) => void;
}

/** Where the loop reads items from: a parser over text, or a list of parsed items. */
export interface ItemSource {
  next(): TopLevelItem | null;
}

/** Why evaluation must not go on (interrupt, time limit), checked between top-level items. */
export function stopReason(env: Environment): string | null {
  if (env.interrupted) return 'interrupted';
  const deadline = env.settings.deadline;
  if (deadline !== null && performance.now() > deadline) return 'time limit reached (--timeout)';
  return null;
}

export function stoppedExitCode(env: Environment): ExitCode {
  return env.interrupted ? ExitCode.Interrupted : ExitCode.ErrorResult;
}

export function emitStopped(options: LoopOptions, position: SourcePosition, reason: string): void {
  options.emit({ kind: 'stderr', text: `${formatPosition(position)}: evaluation stopped: ${reason}\n`, stopped: reason });
}

/** Reads the next item; a syntax error is reported and becomes null with `failed` set. */
export function readItem(source: ItemSource, options: LoopOptions): { item: TopLevelItem | null; failed: boolean } {
  try {
    return { item: source.next(), failed: false };
  } catch (e) {
    if (e instanceof MettaSyntaxError) {
      options.emit({ kind: 'stderr', text: e.message + '\n' });
      return { item: null, failed: true };
    }
    throw e;
  }
}

/** What became of one item: go on, or end the run with this exit code. */
export type ItemOutcome = { readonly continue: true; readonly error: boolean } | { readonly continue: false; readonly exitCode: ExitCode };

/**
 * `pragma! type-check auto`: an ill-typed item is neither added nor evaluated; its error is its
 * output. Returns null when the item is well typed (or checking is off).
 */
export function rejectIllTyped(env: Environment, item: TopLevelItem, options: LoopOptions): ItemOutcome | null {
  const badType = typeCheckFailure(env, env.self.space, item.atom);
  if (badType === null) return null;
  options.emit({ kind: 'results', atoms: [badType], line: formatResults([badType]), isError: true, position: item.position });
  return options.keepGoing ? { continue: true, error: true } : { continue: false, exitCode: ExitCode.ErrorResult };
}

/** Adds a plain atom, or evaluates a `!` form and records its results, on this thread. */
export function runItemHere(env: Environment, item: TopLevelItem, options: LoopOptions): ItemOutcome {
  return runItemUsing(env, item, options, (atom) => evaluateTopLevel(env, atom));
}

/** `runItemHere` with the `!` form's results given by `evaluate` (which may throw EvaluationStopped). */
export function runItemUsing(env: Environment, item: TopLevelItem, options: LoopOptions, evaluate: (atom: Atom) => Atom[]): ItemOutcome {
  const early = startItem(env, item, options);
  if (early !== null) return early;
  let results: Atom[] | EvaluationStopped;
  try {
    results = evaluate(item.atom);
  } catch (e) {
    if (!(e instanceof EvaluationStopped)) throw e;
    results = e;
  }
  return finishItem(env, item, options, results);
}

/** `runItemHere` with the `!` form evaluated by `evaluate` (which may use other threads). */
export async function runItemWith(env: Environment, item: TopLevelItem, options: LoopOptions, evaluate: (atom: Atom) => Promise<Atom[]>): Promise<ItemOutcome> {
  const early = startItem(env, item, options);
  if (early !== null) return early;
  let results: Atom[] | EvaluationStopped;
  try {
    results = await evaluate(item.atom);
  } catch (e) {
    if (!(e instanceof EvaluationStopped)) throw e;
    results = e;
  }
  return finishItem(env, item, options, results);
}

/**
 * `pragma! interpreter bare-minimal`: a `!` form that is not a minimal instruction is its own
 * result, unevaluated, as the reference's runner then hands the atom itself to its minimal
 * interpreter (which executes instructions and returns anything else as it is). Null when the
 * form is to be evaluated.
 */
export function unevaluatedResult(env: Environment, item: TopLevelItem): Atom[] | null {
  return item.exec && env.settings.bareMinimal && !isMinimalInstruction(item.atom) ? [item.atom] : null;
}

/** Whether the loop answers the item itself: ill-typed, or not evaluated under `bare-minimal` (the drivers do not queue it). */
export function answeredByLoop(env: Environment, item: TopLevelItem): boolean {
  return unevaluatedResult(env, item) !== null || isIllTyped(env, item);
}

/** The type check, adding a plain atom, and a form not evaluated; null when a `!` form is to be evaluated. */
function startItem(env: Environment, item: TopLevelItem, options: LoopOptions): ItemOutcome | null {
  const rejected = rejectIllTyped(env, item, options);
  if (rejected !== null) return rejected;
  if (!item.exec) {
    env.self.space.add(item.atom);
    return { continue: true, error: false };
  }
  const unevaluated = unevaluatedResult(env, item);
  if (unevaluated !== null) return finishItem(env, item, options, unevaluated);
  log('debug', `evaluating !${formatPosition(item.position)}`);
  return null;
}

/** Records a `!` form's results (or that a limit stopped it). */
function finishItem(env: Environment, item: TopLevelItem, options: LoopOptions, results: Atom[] | EvaluationStopped): ItemOutcome {
  if (results instanceof EvaluationStopped) {
    emitStopped(options, item.position, results.reason);
    return { continue: false, exitCode: stoppedExitCode(env) };
  }
  const error = results.some(isError);
  options.emit({ kind: 'results', atoms: results, line: formatResults(results), isError: error, position: item.position });
  if (error && !options.keepGoing) return { continue: false, exitCode: ExitCode.ErrorResult };
  return { continue: true, error };
}

/**
 * The next item to run, or the exit code when the run ends here: end of text, a syntax error
 * (reported), or an interrupt or time limit noticed between items (reported).
 */
export function nextItem(env: Environment, source: ItemSource, options: LoopOptions, ended: ExitCode): TopLevelItem | ExitCode {
  addSymbolFacts(env, source);
  const { item, failed } = readItem(source, options);
  if (failed) return ExitCode.Usage;
  if (item === null) return ended;
  const stop = stopReason(env);
  if (stop === null) return item;
  emitStopped(options, item.position, stop);
  return stoppedExitCode(env);
}

/** Symbol ids of the fact being added (longer facts take the usual path). */
const factSymbols = new Uint32Array(64);

/**
 * Adds the plain facts of symbols that come next (Parser.nextSymbolFact) straight to `&self`, as
 * the loop would add their atoms, without making them: only when no type check could reject one.
 * Stops every 1,024 facts to look for an interrupt or the time limit, which the next item reports.
 */
function addSymbolFacts(env: Environment, source: ItemSource): void {
  if (!(source instanceof Parser) || env.settings.typeCheck) return;
  const space = env.self.space;
  for (let k = 1; ; k++) {
    if ((k & 1023) === 0 && stopReason(env) !== null) return;
    const n = source.nextSymbolFact(factSymbols);
    if (n < 0) return;
    space.addSymbols(factSymbols, n);
  }
}

/** Runs every item where it stands, in order. */
export function runSequential(env: Environment, source: ItemSource, options: LoopOptions): ExitCode {
  let exitCode: ExitCode = ExitCode.Ok;
  for (;;) {
    const item = nextItem(env, source, options, exitCode);
    if (typeof item === 'number') return item;
    const outcome = runItemHere(env, item, options);
    if (!outcome.continue) return outcome.exitCode;
    if (outcome.error) exitCode = ExitCode.ErrorResult;
  }
}

/** A `!` form of a batch, with where it starts and ends in the text (to read the rest again). */
export interface BatchForm {
  readonly item: TopLevelItem;
  readonly start: ParserMark;
  readonly end: ParserMark;
}

/** What a batching driver does next: end the run, or evaluate a batch of `!` forms. */
export type DriverStep = { readonly end: ExitCode } | { readonly batch: BatchForm[] };

/**
 * The next step of a driver that batches `!` forms (parallel.ts, batched.ts): items that are not
 * batched (plain atoms, and every item when `batching` is false) run here, in order, until a `!`
 * form starts a batch or the run ends. `state.exitCode` becomes ErrorResult after an error result.
 */
export function nextBatch(env: Environment, parser: Parser, options: LoopOptions, state: { exitCode: ExitCode }, batching: boolean): DriverStep {
  for (;;) {
    const start = parser.mark();
    const item = nextItem(env, parser, options, state.exitCode);
    if (typeof item === 'number') return { end: item };
    if (item.exec && batching) return { batch: gatherBatch(parser, { item, start, end: parser.mark() }) };
    const outcome = runItemHere(env, item, options);
    if (!outcome.continue) return { end: outcome.exitCode };
    if (outcome.error) state.exitCode = ExitCode.ErrorResult;
  }
}

/**
 * The `!` forms that follow `first` up to the next barrier (any other top-level atom), syntax
 * error or end of text; the parser is left before the barrier.
 */
export function gatherBatch(parser: Parser, first: BatchForm): BatchForm[] {
  const batch = [first];
  for (;;) {
    const start = parser.mark();
    let item: TopLevelItem | null;
    try {
      item = parser.next();
    } catch {
      item = null; // reported when the main loop reads it, after the batch ran
    }
    if (item === null || !item.exec) {
      parser.reset(start);
      return batch;
    }
    batch.push({ item, start, end: parser.mark() });
  }
}

/** Whether the type check rejects the item (`pragma! type-check auto`), without reporting it. */
export function isIllTyped(env: Environment, item: TopLevelItem): boolean {
  let rejected = false;
  rejectIllTyped(env, item, { keepGoing: true, emit: () => (rejected = true) });
  return rejected;
}
