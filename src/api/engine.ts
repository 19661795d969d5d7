// The embedding API: one `Engine` is one MeTTa program kept open — a space `&self`, the tokens bound
// with `bind!`, `pragma!` settings and loaded modules — that text is loaded into and run against,
// queried with match patterns, and saved as or restored from a MettaState. See docs/api.md.
//
// Everything runs through the code the `metta` command uses: the top-level loop of
// src/runner/top-level.ts (sequential) or the ParallelRunner (a worker pool, when the config allows
// more than one thread), so results and printed lines are the CLI's.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Atom, AtomKind, variable } from '../core/atoms.js';
import type { Bindings } from '../core/bindings.js';
import type { SourcePosition } from '../core/errors.js';
import { Parser, parseAtom } from '../core/parser.js';
import { queryBatch } from '../cpu/index.js';
import type { Environment, OutputSink } from '../eval/environment.js';
import { Environment as EnvironmentClass, evaluateTopLevel, installStdlib, isError } from '../eval/index.js';
import type { AtomSpace } from '../space/atom-space.js';
import { type EvalConfig, evalConfig, type PresetName } from '../runner/eval-config.js';
import { ExitCode } from '../runner/exit-code.js';
import { ParallelRunner } from '../runner/parallel.js';
import { cloneState, deserializeState, serializeState } from '../runner/serialize.js';
import { compile as compileState, type MettaState, routeStateOutput, run as runState } from '../runner/state.js';
import { type LoopOptions, type OutputRecord, runSequential } from '../runner/top-level.js';

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
  results(line: string, atoms: readonly Atom[] | null, isError: boolean, position: SourcePosition): void {
    this.forms.push({ atoms, line, isError, position });
    this.stdout += line + '\n';
  }
  finish(exitCode: ExitCode): RunResult {
    const lines = this.stdout === '' ? [] : this.stdout.replace(/\n$/, '').split('\n');
    return { exitCode, forms: this.forms, lines, stdout: this.stdout, stderr: this.stderr };
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
      this.env = new EnvironmentClass(this.sink, { currentDir: options.currentDir ?? process.cwd() });
      installStdlib(this.env);
    }
    this.config = engineConfig(options);
    this.keepGoing = options.keepGoing ?? true;
    this.timeout = options.timeout ?? null;
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
    return this.during((capture, options) => runSequential(this.env, new Parser(text, file, this.env.tokens), options.loop(capture)));
  }

  /** `load` of a file; `import!` in it resolves names against the file's folder. */
  loadFile(path: string): RunResult {
    this.check('loadFile');
    const text = readFileSync(path, 'utf8');
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
   * pooled form returns.
   */
  async run(text: string, file = '<run>'): Promise<RunResult> {
    this.check('run');
    checkSyntax(text, file);
    if (this.config.maxWorkers <= 1) return this.load(text, file);
    const runner = new ParallelRunner(this.env, this.config);
    try {
      const capture = new Capture();
      const restore = this.begin(capture);
      try {
        const exitCode = await runner.run(new Parser(text, file, this.env.tokens), loopOptions(capture, this.keepGoing));
        return capture.finish(exitCode);
      } finally {
        restore();
      }
    } finally {
      await runner.close();
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
   * answered as `match` answers them.
   */
  query(patterns: string | Atom | readonly (string | Atom)[]): QueryAnswer[] {
    this.check('query');
    const list: Atom[] = [];
    for (const p of Array.isArray(patterns) ? (patterns as readonly (string | Atom)[]) : [patterns as string | Atom]) {
      if (typeof p === 'string') {
        for (const item of new Parser(p, '<query>', this.env.tokens).all()) list.push(item.atom);
      } else list.push(p);
    }
    const bindings: Bindings[][] = queryBatch(this.env.self.space.view(), list);
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

  /** Ends the engine; later calls throw EngineClosedError. */
  close(): void {
    this.closed = true;
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
    emit: (record: OutputRecord) => {
      if (record.kind === 'results') capture.results(record.line, record.atoms, record.isError, record.position);
      else if (record.kind === 'stdout') capture.stdout += record.text;
      else capture.stderr += record.text;
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
