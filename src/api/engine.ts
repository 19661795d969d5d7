// The embedding API: one `Engine` is one MeTTa program kept open — a space `&self`, the tokens bound
// with `bind!`, `pragma!` settings and loaded modules — that text is loaded into and run against,
// queried with match patterns, and saved as or restored from a MettaState. See docs/api.md.
//
// Everything runs through the code the `metta` command uses: the top-level loop of
// src/runner/top-level.ts (sequential), the ParallelRunner (a worker pool, when the config allows
// more than one thread) or, with the `gpu` option, the BatchedRunner of `metta run --gpu on|auto`
// (src/runner/batched.ts, answerer from src/runner/gpu-answerer.ts), so results and printed lines are
// the CLI's.

import { dirname, resolve } from 'node:path';
import { type Atom, AtomKind, variable } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import type { SourcePosition } from '../core/index.js';
import { Parser, parseAtom, readSourceFile } from '../core/index.js';
import { queryBatch } from '../cpu/index.js';
import type { Environment, OutputSink } from '../eval/index.js';
import { Environment as EnvironmentClass, evaluateTopLevel, installStdlib, isError, spaceAtomOf } from '../eval/index.js';
import type { AtomSpace } from '../space/index.js';
import { BatchedRunner } from '../runner/index.js';
import { type EvalConfig, evalConfig, type PresetName } from '../runner/index.js';
import { ExitCode } from '../runner/index.js';
import { ParallelRunner } from '../runner/index.js';
import { EvalPool } from '../runner/index.js';
import { cloneState, deserializeState, serializeState } from '../runner/index.js';
import { compile as compileState, type MettaState, routeStateOutput, run as runState } from '../runner/index.js';
import { type LoopOptions, runSequential, type TopLevelRecord } from '../runner/index.js';
import type { AnswererStats, BatchAnswerer, SpaceQuery } from '../runner/index.js';
import { type GpuMode, type MatchPath, NEVER_MS } from '../scheduler/index.js';
import { gpuAnswererFor } from '../runner/index.js';

export interface EngineOptions {
  /**
   * How `run` evaluates: an EvalConfig preset name or a config (src/runner/eval-config.ts). Without
   * `config` and `workers`, everything is evaluated on the calling thread.
   */
  readonly config?: PresetName | EvalConfig;
  /** Fixes the worker pool at this many threads (1: everything on the calling thread). */
  readonly workers?: number;
  /**
   * Go on after a `!` whose results contain an error (default true; the exit code still reports
   * it). False stops the text there, as `metta FILE` does.
   */
  readonly keepGoing?: boolean;
  /** Interpreter steps allowed for each `!` form (`--max-steps`). */
  readonly maxSteps?: number | null;
  /** Seconds allowed for each `load` / `run` call (`--timeout`, counted per call). */
  readonly timeout?: number | null;
  /** Folder `import!` resolves relative names against (default: the working folder). */
  readonly currentDir?: string;
  /** Extra folders `import!` searches. */
  readonly includePaths?: readonly string[];
  /**
   * GPU pattern matching, as `metta run --gpu`: `'on'` opens the GPU and answers every batch of
   * space queries on it (no adapter: a warning, and the CPU answers), `'auto'` lets a calibration
   * (`metta calibrate`) decide per batch and stays on the CPU without one. With either, `load`,
   * `loadFile`, `run` and `query` go through batched evaluation; results are identical to the CPU's.
   * Default `'off'`: an embedding never opens a device unless asked (the `gpu` field of `config`
   * is not read). See gpuStatus().
   */
  readonly gpu?: EngineGpuMode;
  /**
   * The space `&self` starts as, e.g. a compiled space (`readSpaceImageFile`, `metta compile`);
   * default: a new empty one. The engine owns it from then on.
   */
  readonly space?: AtomSpace;
}

/** The `gpu` option of an engine. */
export type EngineGpuMode = GpuMode;

/** What a path of the scheduler answered so far. */
export interface GpuPathUse {
  readonly batches: number;
  readonly patterns: number;
  /** The cost model's prediction for those batches in milliseconds; null without a calibration of the path. */
  readonly predictedMs: number | null;
  /** The measured time of those batches, in milliseconds. */
  readonly measuredMs: number;
}

/** Which path answered an engine's space queries (`gpuStatus()`). */
export interface GpuStatus {
  readonly mode: EngineGpuMode;
  /**
   * `'batched'`: load / run / query go through batched evaluation, each batch of queries answered on
   * the path the scheduler picks. `'cpu'`: evaluation as without the option (mode `'off'`, `'auto'`
   * without a calibration saying the GPU pays, `'on'` without an adapter). `'undecided'`: `'auto'`
   * or `'on'` before the first load / run / query (the GPU is opened lazily).
   */
  readonly answering: 'batched' | 'cpu' | 'undecided';
  /** The answerer's counters (query batches, queries, how many the GPU answered, why the GPU was dropped); null unless batched. */
  readonly stats: Readonly<AnswererStats> | null;
  /** Per path used (`cpu`, `gpu`): batches, patterns, predicted and measured time. */
  readonly paths: Readonly<Partial<Record<MatchPath, GpuPathUse>>>;
  /** One line: the answerer's summary, or why there is none. */
  readonly summary: string;
  /** Every GPU warning so far (each also ends up in the `stderr` of the load / run that met it). */
  readonly warnings: readonly string[];
}

/** The results of one `!` form. */
export interface FormResult {
  /**
   * The result atoms; null when the form was evaluated on a worker thread (a parallel config), which
   * sends back only its printed line.
   */
  readonly atoms: readonly Atom[] | null;
  /** The line the CLI prints for them: `[r1, r2, ...]`. */
  readonly line: string;
  /** Whether an `(Error ...)` is among the results. */
  readonly isError: boolean;
  /** Where the form starts (its `!`). */
  readonly position: SourcePosition;
}

/** What one `load` / `run` printed and returned. */
export interface RunResult {
  /** 0 ok, 1 an error result or a limit stopped evaluation, 130 interrupted (as the CLI's exit codes). */
  readonly exitCode: ExitCode;
  /** The results of each `!` form, in source order. */
  readonly forms: readonly FormResult[];
  /** Standard output as the CLI would print it, line by line: result lines and `println!` text. */
  readonly lines: readonly string[];
  /** The same as one text (newline-terminated lines). */
  readonly stdout: string;
  /** `trace!` text and diagnostics (a limit stopped a form: `file:line:column: evaluation stopped: ...`). */
  readonly stderr: string;
  /**
   * Why evaluation stopped before the end of the text: a limit (`time limit reached (--timeout)`,
   * the steps of `maxSteps`) or an interrupt; null when it was not stopped.
   */
  readonly stopped: string | null;
}

/** The answers to one pattern of `query`. */
export interface QueryAnswer {
  readonly pattern: Atom;
  /** The variables of the pattern, by name without `$`, in order of first occurrence. */
  readonly variables: readonly string[];
  /**
   * One entry per match, in the deterministic order of `match` (insertion order; conjunctions
   * `(, p1 p2 ...)` as SPEC §4): the value of each pattern variable.
   */
  readonly matches: readonly ReadonlyMap<string, Atom>[];
}

/** A call on an engine after `close()`. */
export class EngineClosedError extends Error {
  constructor(what: string) {
    super(`Engine.${what}: the engine is closed`);
    this.name = 'EngineClosedError';
  }
}

/** Collects what one call printed. */
class Capture {
  readonly forms: FormResult[] = [];
  stdout = '';
  stderr = '';
  stopped: string | null = null;
  results(line: string, atoms: readonly Atom[] | null, isError: boolean, position: SourcePosition): void {
    this.forms.push({ atoms, line, isError, position });
    this.stdout += line + '\n';
  }
  finish(exitCode: ExitCode): RunResult {
    const lines = this.stdout === '' ? [] : this.stdout.replace(/\n$/, '').split('\n');
    return { exitCode, forms: this.forms, lines, stdout: this.stdout, stderr: this.stderr, stopped: this.stopped };
  }
}

/** The output sink of an engine's own environment: `println!` / `trace!` text goes to the call in progress. */
class EngineSink implements OutputSink {
  capture: Capture | null = null;
  stdout(text: string): void {
    if (this.capture !== null) this.capture.stdout += text;
  }
  stderr(text: string): void {
    if (this.capture !== null) this.capture.stderr += text;
  }
}

export class Engine {
  private readonly env: Environment;
  private readonly sink: EngineSink | null;
  private readonly config: EvalConfig;
  private readonly keepGoing: boolean;
  private readonly timeout: number | null;
  private readonly gpuMode: EngineGpuMode;
  /** The batched evaluation answerer: undefined until decided (lazily), null when there is none. */
  private answerer: BatchAnswerer | null | undefined = undefined;
  private readonly gpuWarnings: string[] = [];
  /** The capture of the load / run in progress (GPU warnings go to its stderr). */
  private active: Capture | null = null;
  private closed = false;
  /** The environment `fromState` hands to the constructor. */
  private static restoring: Environment | null = null;

  /** A fresh engine: an empty `&self` with the standard library. */
  constructor(options: EngineOptions = {}) {
    const restored = Engine.restoring;
    Engine.restoring = null;
    if (restored !== null) {
      this.env = restored;
      this.sink = null;
      if (options.currentDir !== undefined) restored.currentDir = options.currentDir;
    } else {
      this.sink = new EngineSink();
      const self = options.space !== undefined ? { space: spaceAtomOf(options.space) } : {};
      this.env = new EnvironmentClass(this.sink, { currentDir: options.currentDir ?? process.cwd(), ...self });
      // Spaces the program makes are numbered after `&self`, as they are when the environment makes it.
      if (options.space !== undefined) this.env.spacesMade = Math.max(this.env.spacesMade, options.space.serial);
      installStdlib(this.env);
    }
    this.config = engineConfig(options);
    this.keepGoing = options.keepGoing ?? true;
    this.timeout = options.timeout ?? null;
    this.gpuMode = options.gpu ?? 'off';
    if (this.gpuMode !== 'off' && this.gpuMode !== 'on' && this.gpuMode !== 'auto') throw new RangeError(`EngineOptions.gpu: '${String(this.gpuMode)}' is not 'off', 'auto' or 'on'`);
    if (options.includePaths !== undefined) this.env.includePaths.push(...options.includePaths);
    if (options.maxSteps != null) this.env.settings.maxSteps = options.maxSteps;
  }

  /**
   * An engine continuing a saved state: bytes from `serialize()` / `metta --save-state`, or a
   * MettaState (copied, so the state stays usable). Throws StateFormatError for damaged bytes.
   */
  static fromState(state: Uint8Array | MettaState, options: EngineOptions = {}): Engine {
    const restored = state instanceof Uint8Array ? deserializeState(state) : cloneState(state);
    Engine.restoring = restored.environment;
    try {
      return new Engine(options);
    } finally {
      Engine.restoring = null;
    }
  }

  /** Parses a program without evaluating it (MettaState `compile`); run it with `runCompiled`. Throws MettaSyntaxError. */
  static compile(text: string, file = '<input>'): MettaState {
    return compileState(text, file);
  }

  /** The interpreter's environment (space, tokens, settings), for uses this class does not cover. */
  get environment(): Environment {
    this.check('environment');
    return this.env;
  }

  /** The space `&self`. */
  get space(): AtomSpace {
    this.check('space');
    return this.env.self.space;
  }

  /** The EvalConfig `run` uses. */
  get evalConfig(): EvalConfig {
    return this.config;
  }

  /**
   * Runs program text on the calling thread, as `metta FILE` does: plain atoms are added to
   * `&self`, each `!` form is evaluated and its results recorded. The text is checked for syntax
   * errors first: a MettaSyntaxError (`file:line:column: reason`) is thrown and nothing runs.
   */
  load(text: string, file = '<load>'): RunResult {
    this.check('load');
    checkSyntax(text, file);
    return this.during((capture, options) => {
      const parser = new Parser(text, file, this.env.tokens);
      const answerer = this.batchAnswerer();
      if (answerer !== null) return new BatchedRunner(this.env, answerer).run(parser, options.loop(capture));
      return runSequential(this.env, parser, options.loop(capture));
    });
  }

  /** `load` of a file; `import!` in it resolves names against the file's folder. */
  loadFile(path: string): RunResult {
    this.check('loadFile');
    const text = readSourceFile(path);
    const saved = this.env.currentDir;
    this.env.currentDir = dirname(resolve(path));
    try {
      return this.load(text, path);
    } finally {
      this.env.currentDir = saved;
    }
  }

  /**
   * Runs program text as `load` does, evaluating batches of consecutive `!` forms on the worker
   * pool when the config allows more than one thread and the work pays for it (otherwise on the
   * calling thread). Printed lines are identical either way; see FormResult.atoms for what a
   * pooled form returns. With the `gpu` option and an answerer, it is `load` (batched evaluation
   * on the calling thread; the pool is not used), as `metta run --gpu` does.
   */
  async run(text: string, file = '<run>'): Promise<RunResult> {
    this.check('run');
    checkSyntax(text, file);
    if (this.config.maxWorkers <= 1) return this.load(text, file);
    let runner: ParallelRunner | null = null;
    try {
      const capture = new Capture();
      const restore = this.begin(capture);
      try {
        const parser = new Parser(text, file, this.env.tokens);
        // Decided inside the capture: a warning (`gpu: 'on'` without an adapter) is this call's stderr.
        const answerer = this.batchAnswerer();
        if (answerer !== null) return capture.finish(new BatchedRunner(this.env, answerer).run(parser, loopOptions(capture, this.keepGoing)));
        runner = new ParallelRunner(this.env, this.config, undefined, { pool: this.evalPool() });
        return capture.finish(await runner.run(parser, loopOptions(capture, this.keepGoing)));
      } finally {
        restore();
      }
    } finally {
      await runner?.close();
    }
  }

  /**
   * Runs a compiled program (from `Engine.compile` or the state module's `compile`) against this
   * engine, through MettaState `run`.
   */
  runCompiled(compiled: MettaState): RunResult {
    this.check('runCompiled');
    return this.during((capture) => {
      const next = runState(this.snapshot(), compiled, {
        keepGoing: this.keepGoing,
        timeoutSeconds: this.timeout,
        onOutput: (r) => {
          if (r.kind === 'results') capture.results(r.line, r.atoms, r.atoms.some(isError), r.position);
          else if (r.kind === 'stdout') capture.stdout += r.text;
          else capture.stderr += r.text;
        },
      });
      return next.exitCode;
    });
  }

  /**
   * Evaluates one atom (or the text of one) as a `!` form would and returns its results. Throws
   * EvaluationStopped when a limit (`maxSteps`, `timeout`) stops it; `println!` text is dropped.
   */
  evaluate(atom: Atom | string): Atom[] {
    this.check('evaluate');
    const a = typeof atom === 'string' ? this.parse(atom) : atom;
    const { restore } = this.limits();
    try {
      return evaluateTopLevel(this.env, a);
    } finally {
      restore();
    }
  }

  /**
   * Answers match patterns against `&self`, in pattern order: text (one or more patterns, a `!`
   * before one is allowed), an atom, or a list of either. Conjunctions `(, p1 p2 ...)` are
   * answered as `match` answers them. With the `gpu` option and an answerer, the patterns are one
   * batch answered on the path the scheduler picks for its size (same answers).
   */
  query(patterns: string | Atom | readonly (string | Atom)[]): QueryAnswer[] {
    this.check('query');
    const list: Atom[] = [];
    for (const p of Array.isArray(patterns) ? (patterns as readonly (string | Atom)[]) : [patterns as string | Atom]) {
      if (typeof p === 'string') {
        for (const item of new Parser(p, '<query>', this.env.tokens).all()) list.push(item.atom);
      } else list.push(p);
    }
    const answerer = list.length === 0 ? null : this.batchAnswerer();
    let bindings: Bindings[][];
    if (answerer !== null) {
      const space = this.env.self.space;
      bindings = answerer.answer(list.map((pattern): SpaceQuery => ({ kind: 'match', space, pattern }))) as Bindings[][];
    } else bindings = queryBatch(this.env.self.space.view(), list);
    return list.map((pattern, i) => {
      const names = variableNames(pattern);
      const matches = bindings[i]!.map((b) => new Map(names.map((n) => [n, b.resolve(variable(n))] as const)));
      return { pattern, variables: names, matches };
    });
  }

  /** Reads one atom with this engine's tokens (`&self`, words bound with `bind!`). */
  parse(text: string): Atom {
    this.check('parse');
    return parseAtom(text, this.env.tokens);
  }

  /**
   * A MettaState holding a copy of this engine's environment (the engine goes on independently);
   * its output is empty — the engine does not keep what it printed.
   */
  state(): MettaState {
    this.check('state');
    return cloneState(this.snapshot());
  }

  /** The engine as bytes (the state format of docs/state-format.md); `Engine.fromState` reads them. */
  serialize(): Uint8Array {
    this.check('serialize');
    return serializeState(this.snapshot());
  }

  /**
   * Which path answered this engine's space queries so far (`gpu` option). Readable after
   * `close()`; never opens the GPU itself.
   */
  gpuStatus(): GpuStatus {
    const answerer = this.answerer;
    const warnings = [...this.gpuWarnings];
    if (answerer === undefined || answerer === null) {
      const answering = this.gpuMode !== 'off' && answerer === undefined ? 'undecided' : 'cpu';
      let summary = 'gpu off: evaluating on the CPU';
      if (answering === 'undecided') summary = `gpu ${this.gpuMode}: not decided yet (the first load, run or query opens the GPU or not)`;
      else if (this.gpuMode === 'on') summary = 'gpu on: no GPU could be opened: evaluating on the CPU';
      else if (this.gpuMode === 'auto') summary = 'gpu auto: no calibration says the GPU pays (metta calibrate): evaluating on the CPU';
      return { mode: this.gpuMode, answering, stats: null, paths: {}, summary, warnings };
    }
    const paths: Partial<Record<MatchPath, GpuPathUse>> = {};
    for (const [path, t] of answerer.scheduler.pathTotals()) {
      paths[path] = { batches: t.batches, patterns: t.patterns, predictedMs: t.predicted < NEVER_MS ? t.predicted : null, measuredMs: t.measured };
    }
    return { mode: this.gpuMode, answering: 'batched', stats: { ...answerer.stats }, paths, summary: answerer.summary(), warnings };
  }

  /**
   * Ends the engine; later calls throw EngineClosedError. Settles when the GPU (if the `gpu`
   * option opened one) is closed and its thread gone; without one there is nothing to wait for.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.closing ??= Promise.all([this.answerer?.close(), this.pool?.close()]).then(() => {});
    await this.closing;
  }

  /**
   * The engine's worker pool, started on first use and kept across runs (its threads load once);
   * an idle pool does not keep the process alive. Null when the config allows one thread only.
   */
  private evalPool(): EvalPool | undefined {
    if (this.config.maxWorkers <= 1) return undefined;
    this.pool ??= new EvalPool(this.config);
    this.pool.start();
    return this.pool;
  }
  private pool: EvalPool | null = null;

  /** Starts the worker pool now; resolves true once a thread is ready, false when none can start (or one thread only). */
  async poolReady(): Promise<boolean> {
    this.check('poolReady');
    const pool = this.evalPool();
    return pool === undefined ? false : pool.pool.whenReady();
  }
  private closing: Promise<void> | null = null;

  /** The answerer of batched evaluation, made on first use; null when evaluation is not batched. */
  private batchAnswerer(): BatchAnswerer | null {
    if (this.answerer === undefined) {
      this.answerer = this.gpuMode === 'off' ? null : gpuAnswererFor(this.gpuMode, this.env, (text) => this.gpuWarning(text));
    }
    return this.answerer;
  }

  /** A GPU warning: kept for gpuStatus(), and written to the stderr of the call in progress. */
  private gpuWarning(text: string): void {
    this.gpuWarnings.push(text.replace(/\n$/, ''));
    if (this.active !== null) this.active.stderr += text.endsWith('\n') ? text : text + '\n';
  }

  /** A MettaState over the live environment (not copied). */
  private snapshot(): MettaState {
    return { source: [], text: null, file: '<engine>', environment: this.env, output: [], exitCode: ExitCode.Ok };
  }

  private check(what: string): void {
    if (this.closed) throw new EngineClosedError(what);
  }

  /** Sets the per-call deadline and clears a past interrupt; returns the function undoing it. */
  private limits(): { restore: () => void } {
    const settings = this.env.settings;
    const saved = settings.deadline;
    settings.deadline = this.timeout === null ? null : performance.now() + this.timeout * 1000;
    this.env.interrupted = false;
    return {
      restore: () => {
        settings.deadline = saved;
        this.env.interrupted = false;
      },
    };
  }

  /** Routes the environment's printed text into `capture`; returns the restore function. */
  private begin(capture: Capture): () => void {
    const { restore: restoreLimits } = this.limits();
    const savedActive = this.active;
    this.active = capture;
    let restoreSink: () => void;
    if (this.sink !== null) {
      const sink = this.sink;
      const saved = sink.capture;
      sink.capture = capture;
      restoreSink = () => (sink.capture = saved);
    } else {
      const undo = routeStateOutput(this.env, (r) => {
        if (r.kind === 'stdout') capture.stdout += r.text;
        else if (r.kind === 'stderr') capture.stderr += r.text;
      });
      restoreSink = undo ?? (() => {});
    }
    return () => {
      this.active = savedActive;
      restoreSink();
      restoreLimits();
    };
  }

  /** Runs `body` with output captured and the per-call limits set. */
  private during(body: (capture: Capture, options: { loop: (c: Capture) => LoopOptions }) => ExitCode): RunResult {
    const capture = new Capture();
    const restore = this.begin(capture);
    try {
      const exitCode = body(capture, { loop: (c) => loopOptions(c, this.keepGoing) });
      return capture.finish(exitCode);
    } finally {
      restore();
    }
  }
}

function engineConfig(options: EngineOptions): EvalConfig {
  if (options.config === undefined && options.workers === undefined) return evalConfig('default', { workers: 1 });
  return evalConfig(options.config ?? 'default', options.workers === undefined ? {} : { workers: options.workers });
}

function loopOptions(capture: Capture, keepGoing: boolean): LoopOptions {
  return {
    keepGoing,
    emit: (record: TopLevelRecord) => {
      if (record.kind === 'results') capture.results(record.line, record.atoms, record.isError, record.position);
      else if (record.kind === 'stdout') capture.stdout += record.text;
      else {
        capture.stderr += record.text;
        if (record.stopped !== undefined) capture.stopped ??= record.stopped;
      }
    },
  };
}

/** Throws the text's first syntax error, if any (syntax does not depend on tokens bound later). */
function checkSyntax(text: string, file: string): void {
  const parser = new Parser(text, file);
  while (parser.next() !== null);
}

/** Variable names of `atom` (without `$`), in order of first occurrence. */
function variableNames(atom: Atom): string[] {
  const seen = new Set<string>();
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a.kind === AtomKind.Variable) seen.add(a.name);
    else if (a.kind === AtomKind.Expression) for (let i = a.children.length - 1; i >= 0; i--) stack.push(a.children[i]!);
  }
  return [...seen];
}
