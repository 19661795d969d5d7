// Runs a MeTTa program top to bottom: plain atoms are added to `&self`, `!` atoms are evaluated
// and their results printed, one line each, in source order. Parsing is incremental, so a syntax
// error stops the run only after everything before it has run and printed.

import { formatPosition, MettaSyntaxError, type SourcePosition } from '../core/errors.js';
import { Parser, TokenRegistry } from '../core/parser.js';
import { formatResults } from '../core/printer.js';
import { log } from '../core/log.js';
import { evaluate, isErrorAtom, NotImplementedError } from '../eval/index.js';
import { AtomSpace } from '../space/atom-space.js';

export const ExitCode = { Ok: 0, ErrorResult: 1, Usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

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

export class Program {
  readonly space = new AtomSpace();
  readonly tokens = new TokenRegistry();

  /** Runs `text` (from `file`, for positions) against this program's space. */
  run(text: string, file: string, options: RunOptions): RunOutcome {
    const parser = new Parser(text, file, this.tokens);
    let exitCode: ExitCode = ExitCode.Ok;
    for (;;) {
      let item;
      try {
        item = parser.next();
      } catch (e) {
        if (e instanceof MettaSyntaxError) {
          options.writeErr(`${e.message}`);
          return { exitCode: ExitCode.Usage, space: this.space };
        }
        throw e;
      }
      if (item === null) break;
      if (!item.exec) {
        this.space.add(item.atom);
        continue;
      }
      log('debug', `evaluating !${formatPosition(item.position)}`);
      const failed = this.execute(item.atom, item.position, options);
      if (failed) {
        exitCode = ExitCode.ErrorResult;
        if (!options.keepGoing) break;
      }
    }
    return { exitCode, space: this.space };
  }

  /** Evaluates one `!` form and prints its line; returns true when it failed. */
  private execute(atom: Parameters<typeof evaluate>[0], position: SourcePosition, options: RunOptions): boolean {
    try {
      const results = evaluate(atom, { self: this.space });
      options.writeOut(formatResults(results));
      return results.some(isErrorAtom);
    } catch (e) {
      if (e instanceof NotImplementedError) {
        options.writeErr(`${formatPosition(position)}: not implemented yet: ${e.message}`);
        return true;
      }
      throw e;
    }
  }
}
