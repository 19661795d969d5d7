// MettaState, the seed's value-passing interface to the runner (seed document, "Integration with
// Rholang"): `compile(text)` parses a program without evaluating it; `run(accumulated, compiled)`
// runs the compiled program against the accumulated state's environment and returns the new state,
// whose output is the accumulated output followed by what this run printed. Running A then B this
// way prints exactly what running the text A+B in one Program prints. States serialize to bytes
// (serialize.ts, docs/state-format.md).
//
// Ownership: `run` continues the accumulated environment in place (no copy), so the accumulated
// state is consumed — running or serializing it again throws StateConsumedError instead of
// silently seeing the newer environment. `cloneState` (serialize.ts) makes an independent copy for
// branching.

import type { Atom } from '../core/index.js';
import { MettaSyntaxError, type SourcePosition } from '../core/index.js';
import { Parser, type TopLevelItem } from '../core/index.js';
import { Environment, type OutputSink } from '../eval/index.js';
import type { SpaceAtom } from '../eval/index.js';
import { installStdlib } from '../eval/index.js';
import { ExitCode } from './exit-code.js';
import { type ItemSource, runSequential } from './top-level.js';

/** One top-level item of a compiled program. */
export type SourceItem = TopLevelItem;

/** What a run printed, in order: the results of each `!`, and text from `println!`/`trace!`/diagnostics. */
export type OutputRecord =
  | {
      readonly kind: 'results';
      /** The results of one `!` (or the `(Error ... BadType)` of an atom rejected by the type check). */
      readonly atoms: readonly Atom[];
      /** The line the CLI prints for them, `[r1, r2, ...]`, without the newline. */
      readonly line: string;
      readonly position: SourcePosition;
    }
  /** `println!` text (newline included), written to standard output between result lines. */
  | { readonly kind: 'stdout'; readonly text: string }
  /** `trace!` text and diagnostics (syntax error, evaluation stopped), newline included. */
  | { readonly kind: 'stderr'; readonly text: string };

export interface MettaState {
  /** The parsed top-level items (for a compiled state; a state returned by `run` keeps the accumulated state's). */
  readonly source: readonly SourceItem[];
  /**
   * The text `source` was parsed from. `run` reads it again incrementally against the running
   * environment, because a `bind!` changes how later words read; null when the state was built
   * from atoms, in which case `source` runs as it is.
   */
  readonly text: string | null;
  /** File name used in positions. */
  readonly file: string;
  /** The space `&self`, other spaces, tokens bound with `bind!`, `pragma!` settings, loaded modules. */
  readonly environment: Environment;
  /** Everything printed so far, in order. */
  readonly output: readonly OutputRecord[];
  /** Exit code the CLI would give for the last run (Ok for compiled and empty states). */
  readonly exitCode: ExitCode;
}

/** The state was given to `run` already; its environment now belongs to the state `run` returned. */
export class StateConsumedError extends Error {
  constructor(what: string) {
    super(`${what}: this state was already run and its environment now belongs to the state run() returned; use cloneState() before run() to branch`);
    this.name = 'StateConsumedError';
  }
}

/** Routes an environment's `println!`/`trace!` text to whichever run is in progress. */
class StateSink implements OutputSink {
  emit: ((record: OutputRecord) => void) | null = null;
  stdout(text: string): void {
    if (this.emit !== null) this.emit({ kind: 'stdout', text });
  }
  stderr(text: string): void {
    if (this.emit !== null) this.emit({ kind: 'stderr', text });
  }
}

/**
 * Sends the `println!`/`trace!` text of an environment made by this module (a state's, or a
 * worker's copy) to `emit` until the returned function is called; null for an environment whose
 * output goes elsewhere.
 */
export function routeStateOutput(env: Environment, emit: (record: OutputRecord) => void): (() => void) | null {
  const sink = env.output;
  if (!(sink instanceof StateSink)) return null;
  const saved = sink.emit;
  sink.emit = emit;
  return () => {
    sink.emit = saved;
  };
}

export interface EnvironmentOptions {
  /** Folder that `import!` resolves relative names against (default: the working folder). */
  readonly currentDir?: string;
  /** Extra folders `import!` searches. */
  readonly includePaths?: readonly string[];
  /** The space `&self` stands for (a worker's replica of its parent's, see serialize.ts). */
  readonly self?: SpaceAtom;
}

/** A fresh environment with the standard library, whose output a state run captures. */
export function newStateEnvironment(options: EnvironmentOptions = {}): Environment {
  const env = new Environment(new StateSink(), { currentDir: options.currentDir, ...(options.self !== undefined ? { space: options.self } : {}) });
  installStdlib(env);
  if (options.includePaths !== undefined) env.includePaths.push(...options.includePaths);
  return env;
}

const consumed = new WeakSet<MettaState>();

/** Throws StateConsumedError when `state` was given to `run` already. */
export function assertUsable(state: MettaState, what: string): void {
  if (consumed.has(state)) throw new StateConsumedError(what);
}

/** A state with a fresh environment, nothing compiled and nothing printed: the usual first `accumulated`. */
export function emptyState(options: EnvironmentOptions = {}): MettaState {
  return { source: [], text: null, file: '<input>', environment: newStateEnvironment(options), output: [], exitCode: ExitCode.Ok };
}

export interface CompileOptions {
  /**
   * Keep the items before a syntax error instead of throwing it; `run` then runs them and reports
   * the error as the CLI does (stderr line, exit code 2).
   */
  readonly partial?: boolean;
}

/**
 * Parses `text` (no evaluation). Throws MettaSyntaxError, whose message is the CLI's
 * `file:line:column: reason`, unless `partial` is set. Words are read with the standard tokens
 * only; `run` reads the text again against the running environment's tokens.
 */
export function compile(text: string, file = '<input>', options: CompileOptions = {}): MettaState {
  const environment = newStateEnvironment();
  const parser = new Parser(text, file, environment.tokens);
  const source: SourceItem[] = [];
  for (;;) {
    let item: TopLevelItem | null;
    try {
      item = parser.next();
    } catch (e) {
      if (e instanceof MettaSyntaxError && options.partial) break;
      throw e;
    }
    if (item === null) break;
    source.push(item);
  }
  return { source, text, file, environment, output: [], exitCode: ExitCode.Ok };
}

export interface StateRunOptions {
  /** Continue after a `!` whose results contain an error (default true, as the seed does; the CLI passes its flag). */
  readonly keepGoing?: boolean;
  /** Receives each output record as it happens (the CLI streams them). */
  readonly onOutput?: (record: OutputRecord) => void;
  /** Folder for `import!` during this run (default: the environment's current one). */
  readonly currentDir?: string;
  /** Bound on interpreter steps for each `!` during this run. */
  readonly maxSteps?: number | null;
  /** Wall-clock limit for this run, in seconds. */
  readonly timeoutSeconds?: number | null;
  /** A SharedArrayBuffer-backed flag another thread sets to interrupt evaluation. */
  readonly interruptFlag?: Int32Array;
}

/**
 * Runs `compiled` against `accumulated`'s environment, top to bottom as `Program.run` does: plain
 * atoms are added to `&self`, each `!` is evaluated and its results recorded. Consumes
 * `accumulated` (see the header).
 */
export function run(accumulated: MettaState, compiled: MettaState, options: StateRunOptions = {}): MettaState {
  assertUsable(accumulated, 'run');
  const env = accumulated.environment;
  const sink = env.output instanceof StateSink ? env.output : null;
  const records: OutputRecord[] = [];
  const emit = (record: OutputRecord): void => {
    records.push(record);
    options.onOutput?.(record);
  };
  const keepGoing = options.keepGoing ?? true;
  const settings = env.settings;
  const saved = { maxSteps: settings.maxSteps, deadline: settings.deadline, currentDir: env.currentDir, emit: sink?.emit ?? null };
  if (options.maxSteps !== undefined) settings.maxSteps = options.maxSteps;
  if (options.timeoutSeconds != null) settings.deadline = performance.now() + options.timeoutSeconds * 1000;
  if (options.currentDir !== undefined) env.currentDir = options.currentDir;
  if (options.interruptFlag !== undefined) env.shareInterruptFlag(options.interruptFlag);
  if (sink !== null) sink.emit = emit;
  consumed.add(accumulated);
  let exitCode: ExitCode;
  try {
    exitCode = runItems(env, compiled, keepGoing, emit);
  } finally {
    settings.maxSteps = saved.maxSteps;
    settings.deadline = saved.deadline;
    env.currentDir = saved.currentDir;
    if (sink !== null) sink.emit = saved.emit;
  }
  return {
    source: accumulated.source,
    text: accumulated.text,
    file: accumulated.file,
    environment: env,
    output: [...accumulated.output, ...records],
    exitCode,
  };
}

/** The sequential top-level loop Program.run uses (top-level.ts), its records converted to this module's. */
function runItems(env: Environment, compiled: MettaState, keepGoing: boolean, emit: (r: OutputRecord) => void): ExitCode {
  let source: ItemSource;
  if (compiled.text !== null) source = new Parser(compiled.text, compiled.file, env.tokens);
  else {
    let i = 0;
    source = { next: () => compiled.source[i++] ?? null };
  }
  return runSequential(env, source, {
    keepGoing,
    emit: (r) => emit(r.kind === 'results' ? { kind: 'results', atoms: r.atoms ?? [], line: r.line, position: r.position } : r),
  });
}

/** The results of each `!` so far, in order (the seed's `output: Vec<Vec<MettaValue>>`). */
export function results(state: MettaState): (readonly Atom[])[] {
  return state.output.flatMap((r) => (r.kind === 'results' ? [r.atoms] : []));
}

/** What the CLI would have written to standard output for `records`: result lines and `println!` text. */
export function stdoutText(records: readonly OutputRecord[]): string {
  let out = '';
  for (const r of records) {
    if (r.kind === 'results') out += r.line + '\n';
    else if (r.kind === 'stdout') out += r.text;
  }
  return out;
}

/** What the CLI would have written to standard error for `records`. */
export function stderrText(records: readonly OutputRecord[]): string {
  let out = '';
  for (const r of records) if (r.kind === 'stderr') out += r.text;
  return out;
}
