// The evaluating half of the REPL: one Environment for the whole session (atoms added, tokens bound
// with `bind!`, `pragma!` settings and imported modules persist from entry to entry), each entry run
// through the same top-level loop as `metta FILE`, so results print exactly as the CLI prints them.
// It runs on the REPL's worker thread (repl-worker.ts), or in-process when the compiled worker is
// not there (tests running the TypeScript sources).

import { Program } from '../runner/index.js';

export interface ReplSessionOptions {
  /** Folder `import!` resolves relative names against. */
  readonly currentDir: string;
  /** `--max-steps N`: interpreter steps allowed for each `!` form. */
  readonly maxSteps: number | null;
  /** `--timeout S`: seconds allowed for each entry (a REPL session has no end to count from). */
  readonly timeout: number | null;
}

/** Where an entry's output goes: result lines and `println!` text, diagnostics and `trace!` text. */
export interface ReplOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Positions in REPL diagnostics read `<repl>:LINE:COLUMN`, the line counted within the entry. */
export const REPL_FILE = '<repl>';

export class ReplSession {
  private readonly program: Program;
  private output: ReplOutput | null = null;

  constructor(
    private readonly options: ReplSessionOptions,
    interruptFlag?: Int32Array,
  ) {
    this.program = new Program({
      currentDir: options.currentDir,
      maxSteps: options.maxSteps,
      stdout: (t) => this.output?.out(t),
      stderr: (t) => this.output?.err(t),
      ...(interruptFlag !== undefined ? { interruptFlag } : {}),
    });
  }

  /**
   * Runs one entry: plain atoms are added to `&self`, each `!` form is evaluated and its results
   * printed. An error result does not stop the entry's later forms (the session goes on either
   * way); a syntax error is reported with its position after the forms before it have run; a limit
   * or an interrupt stops the entry. Returns the exit code `metta --keep-going` would give it.
   */
  evaluate(text: string, output: ReplOutput): number {
    const env = this.program.env;
    env.interrupted = false;
    env.settings.deadline = this.options.timeout === null ? null : performance.now() + this.options.timeout * 1000;
    this.output = output;
    try {
      return this.program.run(text, REPL_FILE, {
        keepGoing: true,
        writeOut: (line) => output.out(line + '\n'),
        writeErr: (line) => output.err(line + '\n'),
      }).exitCode;
    } finally {
      this.output = null;
      env.settings.deadline = null;
      env.interrupted = false;
    }
  }
}
