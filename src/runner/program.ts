// Runs a MeTTa program top to bottom: plain atoms are added to `&self`, `!` atoms are evaluated
// and their results printed, one line each, in source order. Parsing is incremental (a `bind!`
// changes how the rest of the text reads), so a syntax error stops the run only after everything
// before it has run and printed.

import type { Atom } from '../core/atoms.js';
import { formatPosition, MettaSyntaxError } from '../core/errors.js';
import { log } from '../core/log.js';
import { Parser } from '../core/parser.js';
import { formatResults } from '../core/printer.js';
import { Environment, evaluateTopLevel, EvaluationStopped, installStdlib, isError } from '../eval/index.js';
import { typeCheckFailure } from '../eval/builtins/pragma.js';
import type { AtomSpace } from '../space/atom-space.js';
import { ExitCode } from './exit-code.js';

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
}

export class Program {
  readonly env: Environment;

  constructor(options: ProgramOptions = {}) {
    const stdout = options.stdout ?? ((t: string) => process.stdout.write(t));
    const stderr = options.stderr ?? ((t: string) => process.stderr.write(t));
    this.env = new Environment({ stdout, stderr }, { currentDir: options.currentDir });
    installStdlib(this.env);
    if (options.includePaths !== undefined) this.env.includePaths.push(...options.includePaths);
    if (options.maxSteps != null) this.env.settings.maxSteps = options.maxSteps;
    if (options.timeoutSeconds != null) this.env.settings.deadline = performance.now() + options.timeoutSeconds * 1000;
    if (options.interruptFlag !== undefined) this.env.shareInterruptFlag(options.interruptFlag);
  }

  /** Why evaluation must not go on (interrupt, time limit), checked between top-level atoms. */
  private stopReason(): string | null {
    if (this.env.interrupted) return 'interrupted';
    const deadline = this.env.settings.deadline;
    if (deadline !== null && performance.now() > deadline) return 'time limit reached (--timeout)';
    return null;
  }

  get space(): AtomSpace {
    return this.env.self.space;
  }

  /** Runs `text` (from `file`, for positions) against this program's space. */
  run(text: string, file: string, options: RunOptions): RunOutcome {
    const parser = new Parser(text, file, this.env.tokens);
    let exitCode: ExitCode = ExitCode.Ok;
    for (;;) {
      let item;
      try {
        item = parser.next();
      } catch (e) {
        if (e instanceof MettaSyntaxError) {
          options.writeErr(e.message);
          return { exitCode: ExitCode.Usage, space: this.space };
        }
        throw e;
      }
      if (item === null) break;
      const stop = this.stopReason();
      if (stop !== null) {
        options.writeErr(`${formatPosition(item.position)}: evaluation stopped: ${stop}`);
        return { exitCode: this.env.interrupted ? ExitCode.Interrupted : ExitCode.ErrorResult, space: this.space };
      }
      // `pragma! type-check auto`: an ill-typed atom is neither added nor evaluated.
      const badType = typeCheckFailure(this.env, this.space, item.atom);
      if (badType !== null) {
        options.writeOut(formatResults([badType]));
        exitCode = ExitCode.ErrorResult;
        if (!options.keepGoing) break;
        continue;
      }
      if (!item.exec) {
        this.space.add(item.atom);
        continue;
      }
      log('debug', `evaluating !${formatPosition(item.position)}`);
      let results: Atom[];
      try {
        results = evaluateTopLevel(this.env, item.atom);
      } catch (e) {
        if (e instanceof EvaluationStopped) {
          options.writeErr(`${formatPosition(item.position)}: evaluation stopped: ${e.reason}`);
          return { exitCode: this.env.interrupted ? ExitCode.Interrupted : ExitCode.ErrorResult, space: this.space };
        }
        throw e;
      }
      options.writeOut(formatResults(results));
      if (results.some(isError)) {
        exitCode = ExitCode.ErrorResult;
        if (!options.keepGoing) break;
      }
    }
    return { exitCode, space: this.space };
  }
}
