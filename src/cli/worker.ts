// The worker thread the installed `metta` command evaluates on. Evaluation is synchronous, so a
// SIGINT handler on the thread running it would never get to run; the main thread stays idle
// instead, receives Ctrl-C and sets a shared flag that the interpreter's limit check reads (see
// `runInWorker` in main.ts). Output goes straight to file descriptors 1 and 2 with synchronous
// writes, so everything printed before an interruption is already out.

import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { startPoolFor } from './early-pool.js';
import type { RunJob } from './job.js';

export interface WorkerInput {
  readonly job: RunJob;
  /** Cell 0 becomes non-zero when the run is interrupted. */
  readonly flag: Int32Array;
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

const { job, flag } = workerData as WorkerInput;
// The pool's threads start first and load the engine while this thread loads its own.
const pool = startPoolFor(job);
const { runJob } = await import('./job.js');
const exitCode = await runJob(job, (t) => writeAll(1, t), (t) => writeAll(2, t), flag, pool);
parentPort!.postMessage({ exitCode } satisfies WorkerResult);
