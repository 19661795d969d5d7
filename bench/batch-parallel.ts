// bench/batch-parallel: one batch of independent `!` queries of about 1–10 ms each, run
// sequentially (Program.run) and on the worker pool (Program.runParallel), each run a fresh
// program so the pool's start-up and the environment copy are paid as a user pays them. Also the
// overhead of one pool task, from a batch of trivial forms sent to the pool.
//
// The queries compute `fib` of 11..15 (≈ 290–1,970 calls each) and two-hop joins over a graph of
// `(edge nI nJ)` facts; the outputs of the two paths are compared before timing.
//
//   node dist/bench/batch-parallel.js [--workers N] [--quick] [--json FILE]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { evalConfig } from '../src/runner/eval-config.js';
import { Program } from '../src/runner/index.js';
import { isMain, machine, Options } from './common.js';

/** bin/metta.js of this checkout (from dist/bench/ or bench/). */
const metta = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../bin/metta.js' : '../bin/metta.js', import.meta.url));

function program(queries: number): string {
  const facts = Array.from({ length: 2000 }, (_, i) => `(edge n${i % 500} n${(i * 37 + 11) % 500})`).join('\n');
  const rules = `
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
(= (two-hop $x) (match &self (, (edge $x $y) (edge $y $z)) $z))`;
  const forms = Array.from({ length: queries }, (_, i) => (i % 4 === 3 ? `!(two-hop n${(i * 13) % 500})` : `!(fib ${11 + (i % 5)})`));
  return `${facts}\n${rules}\n${forms.join('\n')}\n`;
}

function runSequential(text: string): string {
  let out = '';
  const p = new Program({ stdout: (t) => (out += t), stderr: () => {} });
  p.run(text, 'bench', { writeOut: (l) => (out += l + '\n'), writeErr: () => {} });
  return out;
}

async function runPool(text: string, workers: number, inlineBudgetMs?: number): Promise<string> {
  let out = '';
  const p = new Program({ stdout: (t) => (out += t), stderr: () => {} });
  const config = evalConfig('default', { workers, ...(inlineBudgetMs === undefined ? {} : { inlineBudgetMs, poolStartMs: 0, copyUsPerAtom: 0 }) });
  await p.runParallel(text, 'bench', { writeOut: (l) => (out += l + '\n'), writeErr: () => {}, config });
  return out;
}

export interface BatchParallelFigures {
  readonly workers: number;
  /** In-process: a warm main thread against a pool started (cold) for each run. */
  readonly sizes: Record<string, { sequentialMs: number; poolMs: number; speedup: number }>;
  /** The installed command, a fresh process per run. */
  readonly command: Record<string, { sequentialMs: number; poolMs: number; speedup: number }>;
  readonly overheadPerTaskMs: number;
  readonly crossover: Record<string, { inlineMs: number; poolMs: number }>;
  readonly crossoverAt: number | null;
}

export async function benchBatchParallel(options: { workers: number; quick: boolean }): Promise<BatchParallelFigures> {
  const sizes = options.quick ? [100] : [100, 1000];
  const sizeFigures: BatchParallelFigures['sizes'] = {};
  console.log(`\nbatch-parallel in process: ${options.workers} workers, fresh program per run (pool start-up included; the main thread is warm, each pool's threads start cold)`);
  console.log('queries   sequential ms   pool ms   speedup');
  for (const n of sizes) {
    const text = program(n);
    const expected = runSequential(text);
    if ((await runPool(text, options.workers)) !== expected) throw new Error(`batch-parallel: pool output differs from sequential for ${n} queries`);
    const bench = new Bench({ name: `batch-parallel ${n}`, iterations: options.quick ? 2 : 5, time: 0, warmupIterations: 1, warmupTime: 0 });
    bench.add('sequential', () => void runSequential(text));
    bench.add('pool', async () => void (await runPool(text, options.workers)));
    await bench.run();
    const [seq, pool] = bench.tasks.map((t) => {
      if (t.result.state !== 'completed') throw new Error(`${t.name}: ${t.result.state}`);
      return t.result.latency.mean;
    }) as [number, number];
    sizeFigures[String(n)] = { sequentialMs: seq, poolMs: pool, speedup: seq / pool };
    console.log(`${String(n).padStart(7)} ${seq.toFixed(1).padStart(15)} ${pool.toFixed(1).padStart(9)} ${(seq / pool).toFixed(2).padStart(8)}x`);
  }
  // The command as a user runs it: a fresh process per run (cold JIT on every thread, pool
  // start-up included), --workers 1 against --workers N, same output checked.
  const commandFigures: BatchParallelFigures['command'] = {};
  console.log(`\ncommand: node bin/metta.js FILE --workers 1 vs --workers ${options.workers} (fresh process per run, best of ${options.quick ? 1 : 3})`);
  console.log('queries   --workers 1 ms   pool ms   speedup');
  for (const n of sizes) {
    const file = join(mkdtempSync(join(tmpdir(), 'metta-bench-')), `queries-${n}.metta`);
    writeFileSync(file, program(n));
    const time = (workers: number): { ms: number; out: string } => {
      let best = Infinity;
      let out = '';
      for (let r = 0; r < (options.quick ? 1 : 3); r++) {
        const t0 = performance.now();
        const run = spawnSync(process.execPath, [metta, file, '--workers', String(workers)], { encoding: 'utf8' });
        best = Math.min(best, performance.now() - t0);
        if (run.status !== 0) throw new Error(`metta exited with ${run.status}: ${run.stderr}`);
        out = run.stdout;
      }
      return { ms: best, out };
    };
    const one = time(1);
    const pool = time(options.workers);
    if (pool.out !== one.out) throw new Error(`batch-parallel: the command printed different output with ${options.workers} workers`);
    commandFigures[String(n)] = { sequentialMs: one.ms, poolMs: pool.ms, speedup: one.ms / pool.ms };
    console.log(`${String(n).padStart(7)} ${one.ms.toFixed(0).padStart(16)} ${pool.ms.toFixed(0).padStart(9)} ${(one.ms / pool.ms).toFixed(2).padStart(8)}x`);
  }

  // The crossover: batches of n forms of about 1 ms, inline versus forced onto a pool started for
  // the run (what the inline budget and poolStartMs decide between).
  const crossover: Record<string, { inlineMs: number; poolMs: number }> = {};
  let crossoverAt: number | null = null;
  console.log('\ncrossover (forms of ~1 ms; pool forced, its start-up included)');
  console.log('forms   inline ms   pool ms');
  for (const n of options.quick ? [4, 16, 64] : [2, 4, 8, 16, 32, 64, 128]) {
    const text = `(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))\n${Array.from({ length: n }, () => '!(fib 12)').join('\n')}\n`;
    runSequential(text);
    await runPool(text, options.workers, 0);
    const i0 = performance.now();
    runSequential(text);
    const inlineMs = performance.now() - i0;
    const p0 = performance.now();
    await runPool(text, options.workers, 0);
    const poolMs = performance.now() - p0;
    crossover[String(n)] = { inlineMs, poolMs };
    if (crossoverAt === null && poolMs < inlineMs) crossoverAt = n;
    console.log(`${String(n).padStart(5)} ${inlineMs.toFixed(1).padStart(11)} ${poolMs.toFixed(1).padStart(9)}`);
  }
  console.log(`the pool wins from ${crossoverAt ?? 'none of these'} forms`);

  // Per-task overhead: trivial forms, all sent to the pool (zero inline budget), minus running them inline.
  const trivial = Array.from({ length: 2000 }, (_, i) => `!(+ ${i} 1)`).join('\n');
  await runPool(trivial, options.workers, 0); // warm the code paths
  const t0 = performance.now();
  await runPool(trivial, options.workers, 0);
  const poolMs = performance.now() - t0;
  const t1 = performance.now();
  runSequential(trivial);
  const inlineMs = performance.now() - t1;
  const overheadPerTaskMs = (poolMs - inlineMs) / 2000;
  console.log(`overhead of one pool task (2,000 trivial forms): ${(overheadPerTaskMs * 1000).toFixed(0)} µs (pool ${poolMs.toFixed(0)} ms vs inline ${inlineMs.toFixed(0)} ms, start-up included)`);
  return { workers: options.workers, sizes: sizeFigures, command: commandFigures, overheadPerTaskMs, crossover, crossoverAt };
}

if (isMain(import.meta.url)) {
  const opts = new Options();
  const m = machine();
  console.log(`batch-parallel — ${new Date().toISOString()} — node ${process.version}, ${m.cpus} CPUs, load ${m.loadAvg1min}`);
  const figures = await benchBatchParallel({ workers: opts.int('workers', undefined, 2), quick: opts.flag('quick') });
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ batchParallel: figures }, null, 2) + '\n');
}
