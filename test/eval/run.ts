// Runs MeTTa source text through the library entry point (Program) and returns what it printed.

import { Program } from '../../src/runner/index.js';

export interface Ran {
  /** One entry per executed `!`: its printed result list. */
  readonly lines: string[];
  /** Everything written to stdout (println! text and result lines, in order). */
  readonly out: string;
  readonly err: string;
  readonly exitCode: number;
}

export function run(source: string, keepGoing = true): Ran {
  const lines: string[] = [];
  let out = '';
  let err = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (err += t) });
  const { exitCode } = program.run(source, 'test.metta', {
    keepGoing,
    writeOut: (line) => {
      lines.push(line);
      out += line + '\n';
    },
    writeErr: (line) => (err += line + '\n'),
  });
  return { lines, out, err, exitCode };
}

/** The result line of each `!` of `source`. */
export function results(source: string): string[] {
  return run(source).lines;
}
