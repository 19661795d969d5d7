// Runs a MeTTa program top to bottom: plain atoms are added to `&self`, `!` atoms are evaluated
// and their results printed, one line each, in source order. Parsing is incremental (a `bind!`
// changes how the rest of the text reads), so a syntax error stops the run only after everything
// before it has run and printed.

import { Parser } from '../core/index.js';
import { Environment, installStdlib, spaceAtomOf } from '../eval/index.js';
import { log } from '../core/index.js';
import type { BatchAnswerer } from './batch-answerer.js';
import type { AtomSpace } from '../space/index.js';
import { BatchedRunner } from './batched.js';
import type { EvalConfig } from './eval-config.js';
import { ExitCode } from './exit-code.js';
import { formatMetrics, ParallelRunner } from './parallel.js';
import type { EvalPool } from './eval-pool.js';
import { type LoopOptions, runSequential } from './top-level.js';

export { ExitCode };

export interface RunOptions {
  /** Continue after a `!` whose results contain an error (the exit code still reports it). */
  readonly keepGoing?: boolean;
  /** Receives each result line (without the newline). */
  readonly writeOut: (line: string) => void;
  /** Receives each diagnostic line (without the newline). */
  readonly writeErr: (line: string) => void;
}

export interface RunOutcome {
  readonly exitCode: ExitCode;
  readonly space: AtomSpace;
}

export interface ProgramOptions {
  /** Folder that `import!` resolves relative names against. */
  readonly currentDir?: string;
  /** Where `println!` and `trace!` write. */
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Extra folders `import!` searches after the importing file's folder. */
  readonly includePaths?: readonly string[];
  /** Bound on interpreter steps for each `!` (`--max-steps`). */
  readonly maxSteps?: number | null;
  /** Wall-clock limit for the whole run in seconds, counted from construction (`--timeout`). */
  readonly timeoutSeconds?: number | null;
  /** A SharedArrayBuffer-backed flag another thread sets to interrupt evaluation (Ctrl-C). */
  readonly interruptFlag?: Int32Array;
  /** The space `&self` starts as (a compiled space, `metta run --space`); default: a new empty one. */
  readonly space?: AtomSpace;
}

export class Program {
  readonly env: Environment;
  private readonly interruptFlag: Int32Array | undefined;

  constructor(options: ProgramOptions = {}) {
    const stdout = options.stdout ?? ((t: string) => process.stdout.write(t));
    const stderr = options.stderr ?? ((t: string) => process.stderr.write(t));
    this.env = new Environment({ stdout, stderr }, { currentDir: options.currentDir, ...(options.space !== undefined ? { space: spaceAtomOf(options.space) } : {}) });
    // Spaces the program makes are numbered after `&self`, as they are when the environment makes it.
    if (options.space !== undefined) this.env.spacesMade = Math.max(this.env.spacesMade, options.space.serial);
    installStdlib(this.env);
    if (options.includePaths !== undefined) this.env.includePaths.push(...options.includePaths);
    if (options.maxSteps != null) this.env.settings.maxSteps = options.maxSteps;
    if (options.timeoutSeconds != null) this.env.settings.deadline = performance.now() + options.timeoutSeconds * 1000;
    if (options.interruptFlag !== undefined) this.env.shareInterruptFlag(options.interruptFlag);
    this.interruptFlag = options.interruptFlag;
  }

  get space(): AtomSpace {
    return this.env.self.space;
  }

  /** Runs `text` (from `file`, for positions) against this program's space, every form in order here. */
  run(text: string, file: string, options: RunOptions): RunOutcome {
    const parser = new Parser(text, file, this.env.tokens);
    const exitCode = runSequential(this.env, parser, loopOptions(options));
    return { exitCode, space: this.space };
  }

  /**
   * Runs `text` with consecutive `!` forms evaluated in lockstep on this thread and the space
   * queries of each step answered as one batch by `answerer` (batched.ts); prints exactly what
   * `run` prints.
   */
  runBatched(text: string, file: string, options: RunOptions & { readonly answerer: BatchAnswerer; readonly metrics?: boolean }): RunOutcome {
    const parser = new Parser(text, file, this.env.tokens);
    const runner = new BatchedRunner(this.env, options.answerer);
    const exitCode = runner.run(parser, loopOptions(options));
    log('info', runner.summary());
    if (options.metrics === true) options.writeErr(runner.summary());
    return { exitCode, space: this.space };
  }

  /**
   * Runs `text` with consecutive `!` forms batched and, where it pays, evaluated on a worker pool
   * sized by `config` (parallel.ts), or on `pool` when the caller started one; prints exactly what
   * `run` prints.
   */
  async runParallel(text: string, file: string, options: RunOptions & { readonly config: EvalConfig; readonly metrics?: boolean; readonly pool?: EvalPool }): Promise<RunOutcome> {
    const parser = new Parser(text, file, this.env.tokens);
    const runner = new ParallelRunner(this.env, options.config, this.interruptFlag, options.pool !== undefined ? { pool: options.pool } : {});
    const started = performance.now();
    try {
      const exitCode = await runner.run(parser, loopOptions(options));
      if (options.metrics === true) options.writeErr(formatMetrics(runner, performance.now() - started));
      return { exitCode, space: this.space };
    } finally {
      await runner.close();
    }
  }
}

/** The loop's records written through the caller's line writers (println! text goes to the sink). */
function loopOptions(options: RunOptions): LoopOptions {
  return {
    keepGoing: options.keepGoing ?? false,
    emit: (record) => {
      if (record.kind === 'results') options.writeOut(record.line);
      else if (record.kind === 'stderr') options.writeErr(record.text.replace(/\n$/, ''));
    },
  };
}
