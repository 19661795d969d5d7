// One run of a program file, as the `metta` command does it: shared by the in-process path and
// the worker thread the installed command evaluates on (see worker.ts).

import { log, type LogLevel, setLogLevel } from '../core/log.js';
import { Program } from '../runner/index.js';

/** Everything a run needs; plain data, so it can be posted to a worker thread. */
export interface RunJob {
  readonly file: string;
  readonly text: string;
  /** Folder of the program file, for `import!`. */
  readonly currentDir: string;
  readonly keepGoing: boolean;
  readonly maxSteps: number | null;
  /** Seconds allowed for the whole run. */
  readonly timeout: number | null;
  readonly log: LogLevel | 'off';
  readonly gpu: string;
  readonly workers: number | null;
}

/** Runs the job, writing results and `println!` text to `out`, diagnostics to `err`; returns the exit code. */
export function runJob(job: RunJob, out: (text: string) => void, err: (text: string) => void, interruptFlag?: Int32Array): number {
  setLogLevel(job.log);
  log('info', `running ${job.file} (gpu=${job.gpu}, workers=${job.workers ?? 'default'})`);
  const program = new Program({
    stdout: out,
    stderr: err,
    currentDir: job.currentDir,
    maxSteps: job.maxSteps,
    timeoutSeconds: job.timeout,
    ...(interruptFlag !== undefined ? { interruptFlag } : {}),
  });
  const outcome = program.run(job.text, job.file, {
    keepGoing: job.keepGoing,
    writeOut: (line) => out(line + '\n'),
    writeErr: (line) => err(line + '\n'),
  });
  return outcome.exitCode;
}
