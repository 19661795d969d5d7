// bench/batch-parallel: batches of independent `!` forms through the installed command, `node
// bin/metta.js FILE --workers 1` against `--workers N`, a fresh process per run (start-up, thread
// start and cold JIT included, as a user pays them). The variants of one repetition run one after
// the other, repetitions alternate their order, and each figure is the median, so that a load from
// other processes on the machine hits both alike. The outputs of the two are compared.
//
// The workloads, as written, and at the work it gave them. Memoization (the compiled tier's
// pure-call memo) answers every `fib` form after the first few from the cache, so (a)-(c) are now
// only a few milliseconds of work in all: for them the pool must simply not cost (>= 0.95x). (d) and
// (e) turn the memo off and take fib arguments that give the work the issue sized the targets by.
//
//   (a) 400 forms  !(+ i (fib 14))               memoized: about 30 ms of work      target >= 0.95x
//   (b) 10 such forms                             a small program                    target >= 0.95x
//   (c) 1,000 forms !(+ i (fib 12..16))           memoized: about 60 ms              target >= 0.95x
//   (d) 400 forms  !(+ i (fib 20|21)), memo off   about 1.3 s of work, as the issue's  target >= 1.6x
//   (e) 1,000 forms !(+ i (fib 17..21)), memo off 1-4 ms each, about 2 s             target >= 1.8x
//
//   node dist/src/bench/batch-parallel.js [--workers N] [--reps R] [--quick] [--only a,b,c] [--json FILE]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/index.js';
import { isMain, Options } from './common.js';

/** bin/metta.js of this checkout (from dist/src/bench/ or src/bench/). */
const metta = join(packageRoot, 'bin', 'metta.js');

const FIB = '(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))';

const MEMO_OFF = '!(pragma! memoize False)';

interface Workload {
  readonly label: string;
  /** Top-level lines before the forms (after the fib rule). */
  readonly prelude: readonly string[];
  readonly forms: (i: number) => string;
  readonly count: number;
  /** The speedup the issue asks for. */
  readonly target: number;
}

export const WORKLOADS = {
  a: { label: '400 x (+ i (fib 14))', prelude: [], forms: (i: number) => `!(+ ${i} (fib 14))`, count: 400, target: 0.95 },
  b: { label: '10 x (+ i (fib 14))', prelude: [], forms: (i: number) => `!(+ ${i} (fib 14))`, count: 10, target: 0.95 },
  c: { label: '1,000 x (+ i (fib 12..16))', prelude: [], forms: (i: number) => `!(+ ${i} (fib ${12 + (i % 5)}))`, count: 1000, target: 0.95 },
  d: { label: '400 x (fib 20|21), memo off', prelude: [MEMO_OFF], forms: (i: number) => `!(+ ${i} (fib ${20 + (i % 2)}))`, count: 400, target: 1.6 },
  e: { label: '1,000 x (fib 17..21), memo off', prelude: [MEMO_OFF], forms: (i: number) => `!(+ ${i} (fib ${17 + (i % 5)}))`, count: 1000, target: 1.8 },
} as const satisfies Record<string, Workload>;
export type WorkloadName = keyof typeof WORKLOADS;

export interface WorkloadFigures {
  readonly label: string;
  readonly target: number;
  /** Medians over the repetitions, milliseconds of wall time per process. */
  readonly oneMs: number;
  readonly poolMs: number;
  /** oneMs / poolMs. */
  readonly speedup: number;
  readonly oneRunsMs: readonly number[];
  readonly poolRunsMs: readonly number[];
}

export interface BatchParallelFigures {
  readonly workers: number;
  readonly reps: number;
  readonly cores: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly workloads: Record<string, WorkloadFigures>;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function timeRun(file: string, workers: number): { ms: number; out: string } {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [metta, file, '--workers', String(workers)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`metta --workers ${workers} exited with ${run.status}: ${run.stderr}`);
  return { ms, out: run.stdout };
}

export async function benchBatchParallel(options: { workers: number; quick: boolean; reps?: number; only?: readonly WorkloadName[] }): Promise<BatchParallelFigures> {
  const reps = options.reps ?? (options.quick ? 3 : 7);
  const names = options.only ?? (Object.keys(WORKLOADS) as WorkloadName[]);
  const dir = mkdtempSync(join(tmpdir(), 'metta-batch-parallel-'));
  const loadBefore = loadavg();
  console.log(`batch-parallel: node bin/metta.js FILE --workers 1 vs --workers ${options.workers}; fresh process per run, ${reps} interleaved repetitions, medians`);
  console.log(`${availableParallelism()} cores, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const workloads: Record<string, WorkloadFigures> = {};
  for (const name of names) {
    const w = WORKLOADS[name];
    const file = join(dir, `${name}.metta`);
    writeFileSync(file, [FIB, ...w.prelude, ...Array.from({ length: w.count }, (_, i) => w.forms(i))].join('\n') + '\n');
    const one: number[] = [];
    const pool: number[] = [];
    for (let r = 0; r < reps; r++) {
      // Alternate which variant goes first, so a drift in the load favours neither.
      const order = r % 2 === 0 ? [1, options.workers] : [options.workers, 1];
      const outs: string[] = [];
      for (const workers of order) {
        const { ms, out } = timeRun(file, workers);
        (workers === 1 ? one : pool).push(ms);
        outs.push(out);
      }
      if (outs[0] !== outs[1]) throw new Error(`batch-parallel ${name}: --workers ${options.workers} printed different output from --workers 1`);
    }
    const oneMs = median(one);
    const poolMs = median(pool);
    workloads[name] = { label: w.label, target: w.target, oneMs, poolMs, speedup: oneMs / poolMs, oneRunsMs: one, poolRunsMs: pool };
  }
  const loadAfter = loadavg();
  console.log('');
  console.log(`     workload                          --workers 1   --workers ${options.workers}   speedup   target`);
  for (const [name, f] of Object.entries(workloads)) {
    const verdict = f.speedup >= f.target ? 'met' : 'missed';
    console.log(`(${name}) ${f.label.padEnd(32)} ${f.oneMs.toFixed(0).padStart(9)} ms ${f.poolMs.toFixed(0).padStart(9)} ms ${f.speedup.toFixed(2).padStart(8)}x   >= ${f.target}x ${verdict}`);
  }
  console.log(`load after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  return { workers: options.workers, reps, cores: availableParallelism(), loadBefore, loadAfter, workloads };
}

const BATCH_PARALLEL_OPTIONS = { workers: 'string', reps: 'string', quick: 'boolean', only: 'string', json: 'string' } as const;

if (isMain(import.meta.url)) {
  const opts = new Options(BATCH_PARALLEL_OPTIONS);
  console.log(`batch-parallel — ${new Date().toISOString()} — node ${process.version}`);
  const only = opts.string('only')?.split(',') as WorkloadName[] | undefined;
  const reps = opts.string('reps') !== undefined ? opts.int('reps', undefined, 7) : undefined;
  const figures = await benchBatchParallel({ workers: opts.int('workers', undefined, 2), quick: opts.flag('quick'), ...(reps !== undefined ? { reps } : {}), ...(only ? { only } : {}) });
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), batchParallel: figures }, null, 2) + '\n');
}
