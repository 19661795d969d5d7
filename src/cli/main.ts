// The `metta` command. Returns an exit code instead of exiting, so that pending output is flushed
// and tests can call it in-process.

import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
// Directly, not through the folder's index.ts: this runs on the command's main thread, which
// must not load the engine (.dependency-cruiser.cjs lists these light modules).
import { MettaSyntaxError } from '../core/errors.js';
import { isLogLevel } from '../core/log.js';
import { readFileShared } from '../core/read-shared.js';
import { readSourceFile } from '../core/source-text.js';
import { compiledWorkerScript } from '../core/worker-script.js';
import { ExitCode } from '../runner/exit-code.js';
import { type Command, parseArgs, USAGE, UsageError } from './args.js';
import type { RunJob } from './job.js';
import { packageVersion } from './package-version.js';
import { workersCapMessage } from './parse-options.js';
import type { EarlyJobMessage, WorkerInput, WorkerResult } from './worker.js';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * The run thread bin/metta.js started before this module loaded (worker.ts), with the interrupt
 * flag it shares; `failed` when it errored or exited before it got its job.
 */
export interface EarlyThread {
  readonly worker: Worker;
  readonly flag: Int32Array;
  failed: boolean;
}

/** `early`: a run thread already started (bin/metta.js); given its job, or dismissed when nothing runs on it. */
export async function main(argv: readonly string[], io: CliIo = processIo, early: EarlyThread | null = null): Promise<number> {
  const thread = { early };
  try {
    return await mainWith(argv, io, thread);
  } finally {
    // Not taken by a run: let it go (it only waits for its job).
    thread.early?.worker.postMessage({ job: null } satisfies EarlyJobMessage);
  }
}

async function mainWith(argv: readonly string[], io: CliIo, thread: { early: EarlyThread | null }): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv, { stdinIsTty: io === processIo && process.stdin.isTTY === true });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`metta: ${e.message}\n\n${e.usage ?? USAGE}\n`);
      return ExitCode.Usage;
    }
    throw e;
  }
  if (command.kind === 'help') {
    io.out((command.usage ?? USAGE) + '\n');
    return ExitCode.Ok;
  }
  if (command.kind === 'version') {
    io.out(`metta ${await packageVersion()}\n`);
    return ExitCode.Ok;
  }
  if (command.kind !== 'repl' && command.kind !== 'compile' && command.workersCapped) io.err(workersCapMessage(command.workersCapped) + '\n');
  const envLevel = process.env['METTA_LOG'];
  const logLevel = command.log ?? (envLevel !== undefined && isLogLevel(envLevel) ? envLevel : 'off');
  if (command.kind === 'repl') {
    const { runReplCommand } = await import('./repl.js');
    return runReplCommand(command, logLevel, io === processIo ? null : io);
  }
  if (command.kind === 'query') {
    const { runQueryCommand } = await import('./query.js');
    const level = command.log ?? logLevel;
    if (io !== processIo) return runQueryCommand(command, level, io);
    const drain = (): Promise<void> => (process.stdout.writableNeedDrain ? new Promise((r) => process.stdout.once('drain', () => r())) : Promise.resolve());
    return runQueryCommand(command, level, { ...io, drain, errIsTty: process.stderr.isTTY === true });
  }
  if (command.kind === 'calibrate') {
    const { runCalibrateCommand } = await import('./calibrate.js');
    return runCalibrateCommand(command, io);
  }
  if (command.kind === 'compile') {
    const { runCompileCommand } = await import('./compile.js');
    return runCompileCommand(command, command.log ?? logLevel, io);
  }
  if (command.kind === 'bench') {
    const { runBenchCommand } = await import('./bench.js');
    return runBenchCommand(command, command.log ?? logLevel, io);
  }

  let text: string;
  try {
    text = readSourceFile(command.file);
  } catch (e) {
    if (e instanceof MettaSyntaxError) {
      io.err(e.message + '\n');
      return ExitCode.Usage;
    }
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    io.err(`metta: cannot read ${command.file}: ${reason}\n`);
    return ExitCode.Usage;
  }
  const job: RunJob = {
    file: command.file,
    text,
    currentDir: dirname(resolve(command.file)),
    keepGoing: command.keepGoing,
    maxSteps: command.maxSteps,
    timeout: command.timeout,
    log: logLevel,
    gpu: command.gpu,
    workers: command.workers,
    preset: command.preset,
    metrics: command.metrics,
    loadState: command.loadState ?? null,
    saveState: command.saveState ?? null,
    space: command.space ?? null,
  };
  if (io === processIo) {
    const early = thread.early;
    thread.early = null;
    const code = await runInWorker(withSpaceBytes(job), early !== null && !early.failed ? early : null);
    if (code !== null) return code;
  }
  const { runJob } = await import('./job.js');
  return runJob(job, io.out, io.err);
}

/**
 * The job with its `--space` file read into shared memory here, while the run's thread is still
 * starting and loading the engine (about 100 ms each for a 1,000,000-fact space on the development
 * machine, mostly the kernel's page faults); the thread reads the bytes in place. A file that
 * cannot be read is left to the run's thread, which reports it as it always does.
 */
function withSpaceBytes(job: RunJob): RunJob {
  if (job.space == null) return job;
  try {
    return { ...job, spaceBytes: readFileShared(job.space) };
  } catch {
    return job;
  }
}

/** How long an interrupted or timed-out run may take to stop by itself before it is abandoned. */
const GRACE_MS = 2000;

/**
 * Runs the job on a worker thread so that this thread stays free to receive Ctrl-C: the first
 * SIGINT sets the shared flag the interpreter checks every 1024 steps (and between top-level
 * atoms), so the running `!` stops, what finished is already printed, and the exit code is 130.
 * A run that does not stop within GRACE_MS (stuck in one long space query), or a second Ctrl-C,
 * terminates the worker; `--timeout` gets the same backstop. Returns null when the compiled worker
 * is not there (running from the TypeScript sources), so the caller runs the job in-process.
 */
async function runInWorker(job: RunJob, early: EarlyThread | null): Promise<number | null> {
  let worker: Worker;
  let flag: Int32Array;
  if (early !== null) {
    ({ worker, flag } = early);
    worker.postMessage({ job } satisfies EarlyJobMessage);
  } else {
    const script = compiledWorkerScript('cli/worker.js');
    if (script === null) return null;
    flag = new Int32Array(new SharedArrayBuffer(4));
    worker = new Worker(pathToFileURL(script), { workerData: { job, flag } satisfies WorkerInput });
  }
  return new Promise((resolveExit) => {
    let exitCode: number | null = null;
    let abandoned: string | null = null;
    let interrupts = 0;
    const timers: NodeJS.Timeout[] = [];
    const abandon = (reason: string, code: number): void => {
      if (abandoned !== null) return;
      abandoned = reason;
      exitCode = code;
      void worker.terminate();
    };
    const onSigint = (): void => {
      interrupts++;
      Atomics.store(flag, 0, 1);
      if (interrupts === 1) timers.push(setTimeout(() => abandon('interrupted', ExitCode.Interrupted), GRACE_MS));
      else abandon('interrupted', ExitCode.Interrupted);
    };
    process.on('SIGINT', onSigint);
    if (job.timeout !== null) {
      timers.push(setTimeout(() => abandon('time limit reached (--timeout)', ExitCode.ErrorResult), job.timeout * 1000 + GRACE_MS));
    }
    worker.on('message', (m: WorkerResult) => {
      exitCode = m.exitCode;
    });
    worker.on('error', (e) => {
      process.stderr.write(`metta: internal error: ${e.stack ?? e.message}\n`);
      exitCode ??= ExitCode.ErrorResult;
    });
    worker.on('exit', () => {
      process.off('SIGINT', onSigint);
      for (const t of timers) clearTimeout(t);
      if (abandoned !== null) process.stderr.write(`metta: evaluation stopped: ${abandoned} (the running !form did not stop in time and was abandoned)\n`);
      resolveExit(exitCode ?? ExitCode.ErrorResult);
    });
  });
}
