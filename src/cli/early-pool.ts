// The worker pool of a `metta FILE --workers N` run (or a preset with more than one worker) whose
// program has many `!` forms, started before the engine loads on the run's thread: the pool's
// threads load theirs at the same time, so they are ready about when the program starts to run.
// A program with few forms starts them only if its batches predict the work (parallel.ts): a
// thread's start-up (about 150 ms of CPU) would otherwise be paid by every small program.
// Imports only what starting needs.

// Directly, not through runner/index.ts, which loads the whole engine (.dependency-cruiser.cjs
// allows these two).
import { evalConfig } from '../runner/eval-config.js';
import { EvalPool } from '../runner/eval-pool.js';
import type { RunJob } from './job.js';

/** The started pool, or null when the run cannot use one (one worker, state files, `--gpu on`). */
export function startPoolFor(job: RunJob): EvalPool | null {
  if (job.loadState != null || job.saveState != null || job.gpu === 'on') return null;
  let config;
  try {
    config = evalConfig(job.preset, job.workers === null ? {} : { workers: job.workers });
  } catch {
    return null; // reported by runJob
  }
  if (config.maxWorkers <= 1 || countForms(job.text) < EARLY_START_FORMS) return null;
  const pool = new EvalPool(config);
  pool.start();
  return pool;
}

/** `!` forms that make a program worth starting the threads for before it runs. */
const EARLY_START_FORMS = 64;

/** `!` forms at the start of a line (a cheap count: the program is not parsed here). */
function countForms(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(/^[ \t]*!/gm)) if (++n >= EARLY_START_FORMS) break;
  return n;
}
