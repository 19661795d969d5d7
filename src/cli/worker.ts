// The worker thread the installed `metta` command evaluates on. Evaluation is synchronous, so a
// SIGINT handler on the thread running it would never get to run; the main thread stays idle
// instead, receives Ctrl-C and sets a shared flag that the interpreter's limit check reads (see
// `runInWorker` in main.ts). Output goes straight to file descriptors 1 and 2 with synchronous
// writes, so everything printed before an interruption is already out.
//
// bin/metta.js starts this thread before the command's own code has loaded, when the arguments
// may name a program (no `job` in workerData): it then gets its job as an EarlyJobMessage, and
// loads the engine while the main thread reads the arguments and the file.

import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunJob } from './job.js';

export interface WorkerInput {
  /** The job; absent when the thread was started early, before the job was known (it comes as an EarlyJobMessage). */
  readonly job?: RunJob;
  /** Cell 0 becomes non-zero when the run is interrupted. */
  readonly flag: Int32Array;
}

/** What an early-started thread receives: its job, or null when the command turned out not to run a program. */
export interface EarlyJobMessage {
  readonly job: RunJob | null;
}

export interface WorkerResult {
  readonly exitCode: number;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
const closed = new Set<number>();

/** Writes all of `text` to `fd`, waiting out a full non-blocking pipe; a closed pipe drops output. */
function writeAll(fd: number, text: string): void {
  if (closed.has(fd)) return;
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') {
        closed.add(fd);
        return;
      }
      throw e;
    }
  }
}

const input = workerData as WorkerInput;
// Started early: the engine loads while the job is on its way.
const engine = input.job === undefined ? import('./job.js') : null;
const job = input.job ?? (await new Promise<EarlyJobMessage>((resolve) => parentPort!.once('message', resolve))).job;
if (job !== null) {
  // The worker pool's threads start only once the program's batches predict the work
  // (runner/parallel.ts): a program of many cheap forms would pay for their loading.
  const { runJob } = await (engine ?? import('./job.js'));
  const exitCode = await runJob(job, (t) => writeAll(1, t), (t) => writeAll(2, t), input.flag);
  parentPort!.postMessage({ exitCode } satisfies WorkerResult);
}
