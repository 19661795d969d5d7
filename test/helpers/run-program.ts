// Runs a .metta file the way `metta --keep-going FILE` does, capturing its output; and on the
// parallel runner, forced through the pool.

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Parser } from '../../src/core/index.js';
import { evalConfig, ParallelRunner, Program } from '../../src/runner/index.js';

export function runProgramFile(file: string): { out: string; err: string; exitCode: number } {
  return runProgramText(readFileSync(file, 'utf8'), file);
}

/** `text` as if read from `file` (imports and file paths resolve against its folder). */
export function runProgramText(text: string, file: string, configure?: (program: Program) => void): { out: string; err: string; exitCode: number } {
  let out = '';
  let err = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (err += t), currentDir: dirname(file) });
  configure?.(program);
  const { exitCode } = program.run(text, file, {
    keepGoing: true,
    writeOut: (line) => (out += line + '\n'),
    writeErr: (line) => (err += line + '\n'),
  });
  return { out, err, exitCode };
}

export interface ParallelRunOptions {
  /** Evaluating threads, this one included (default 2). */
  readonly workers?: number;
  readonly keepGoing?: boolean;
  readonly currentDir?: string;
  /** Test hook: another thread entry (missing, or failing to load). */
  readonly poolScript?: () => string;
  /** False: every queued form goes to the threads (EvalConfig's ownerTakesTasks). */
  readonly ownerTakesTasks?: boolean;
  /** Wait for a pool thread before running (default true): these programs are too small to start one. */
  readonly wait?: boolean;
  readonly setup?: (runner: ParallelRunner) => void;
}

/**
 * `text` on the parallel runner with no inline budget, start-up or copy cost, so that every batch
 * of two or more forms goes through the pool's queue; output captured as `runProgramText` does.
 */
export async function runParallelText(text: string, file: string, options: ParallelRunOptions = {}): Promise<{ out: string; err: string; exitCode: number; runner: ParallelRunner }> {
  let out = '';
  let err = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (err += t), currentDir: options.currentDir ?? dirname(file) });
  const runner = new ParallelRunner(program.env, evalConfig('default', { workers: options.workers ?? 2, inlineBudgetMs: 0, poolStartMs: 0, copyUsPerAtom: 0, minTaskMs: 0, ...(options.ownerTakesTasks !== undefined ? { ownerTakesTasks: options.ownerTakesTasks } : {}) }), undefined, {
    ...(options.poolScript !== undefined ? { poolScript: options.poolScript } : {}),
  });
  options.setup?.(runner);
  if (options.wait !== false && !(await runner.poolReady()) && options.poolScript === undefined) throw new Error('no pool thread became ready');
  let exitCode: number;
  try {
    exitCode = await runner.run(new Parser(text, file, program.env.tokens), {
      keepGoing: options.keepGoing ?? true,
      emit: (r) => {
        if (r.kind === 'results') out += r.line + '\n';
        else if (r.kind === 'stderr') err += r.text;
      },
    });
  } finally {
    await runner.close();
  }
  return { out, err, exitCode, runner };
}
