// One run of a program file, as the `metta` command does it: shared by the in-process path and
// the worker thread the installed command evaluates on (see worker.ts).

import { log, type LogLevel, setLogLevel } from '../core/index.js';
import { gpuAnswererFor } from '../runner/index.js';
import { evalConfig, type PresetName } from '../runner/index.js';
import { Program } from '../runner/index.js';
import { loadSpaceFor } from './space-job.js';
import { runStateJob } from './state-job.js';

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
  readonly preset: PresetName;
  readonly metrics: boolean;
  /** `--load-state` / `--save-state` files (the run then goes through MettaState, see state-job.ts). */
  readonly loadState?: string | null;
  readonly saveState?: string | null;
  /** `--space`: a compiled space (`metta compile`) that `&self` starts as (space-job.ts). */
  readonly space?: string | null;
  /**
   * The `--space` file's bytes in shared memory, when the command's main thread read them while
   * the run's thread was starting (main.ts); absent, the file is read where the job runs.
   */
  readonly spaceBytes?: Uint8Array;
}

/**
 * Runs the job, writing results and `println!` text to `out`, diagnostics to `err`; returns the
 * exit code.
 */
export async function runJob(job: RunJob, out: (text: string) => void, err: (text: string) => void, interruptFlag?: Int32Array): Promise<number> {
  setLogLevel(job.log);
  log('info', `running ${job.file} (gpu=${job.gpu}, workers=${job.workers ?? 'default'})`);
  const space = loadSpaceFor(job, err);
  if (typeof space === 'number') return space;
  if (job.loadState != null || job.saveState != null) return runStateJob(job, out, err, interruptFlag, space);
  const program = new Program({
    ...(space !== null ? { space } : {}),
    stdout: out,
    stderr: err,
    currentDir: job.currentDir,
    maxSteps: job.maxSteps,
    timeoutSeconds: job.timeout,
    ...(interruptFlag !== undefined ? { interruptFlag } : {}),
  });
  const options = {
    keepGoing: job.keepGoing,
    writeOut: (line: string) => out(line + '\n'),
    writeErr: (line: string) => err(line + '\n'),
  };
  const config = evalConfig(job.preset, job.workers === null ? {} : { workers: job.workers });
  // `--gpu on|auto`: batched evaluation on this thread, each step's space queries answered as one
  // batch on the path the scheduler picks (runner/gpu-answerer.ts); null when nothing would go to the GPU.
  const answerer = job.gpu === 'on' || job.gpu === 'auto' ? gpuAnswererFor(job.gpu, program.env, err) : null;
  try {
    if (answerer !== null) return program.runBatched(job.text, job.file, { ...options, answerer, metrics: job.metrics }).exitCode;
    if (config.maxWorkers <= 1 && !job.metrics) return program.run(job.text, job.file, options).exitCode;
    return (await program.runParallel(job.text, job.file, { ...options, config, metrics: job.metrics })).exitCode;
  } finally {
    await answerer?.close();
  }
}
