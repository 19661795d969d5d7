// The parallel runner on the shared worker pool: this thread takes tasks from the pool's queue
// (forms run on both threads, printed in order), a pool that cannot start falls back to this
// thread with one warning line, and `metta query` slices answered on the pool match the CPU's.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkerScriptMissingError } from '../../src/core/worker-script.js';
import { Engine } from '../../src/api/engine.js';
import { bulkPatternOf, formatAnswer, PatternReader } from '../../src/query/index.js';
import { QueryWorkerPool } from '../../src/query/index.js';
import { queryBatch } from '../../src/cpu/index.js';
import { evalConfig } from '../../src/runner/eval-config.js';
import { Program } from '../../src/runner/index.js';
import { formatAtom } from '../../src/core/printer.js';
import { kbText, patternText } from '../cli/query-fixtures.js';
import { symbolTableHandles } from '../../src/core/symbols.js';
import { WorkerPool } from '../../src/pool/worker-pool.js';
import { POOL_SCRIPT } from '../../src/runner/eval-pool.js';
import { QUERY_SLICE_TASK, querySliceTask } from '../../src/query/index.js';
import { groundedTable } from '../../src/space/encoding.js';

import { type ParallelRunOptions, runParallelText } from '../helpers/run-program.js';

const FIB = '(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))\n';

function sequential(text: string): { out: string; err: string } {
  const c = { out: '', err: '' };
  const program = new Program({ stdout: (t) => (c.out += t), stderr: (t) => (c.err += t) });
  program.run(text, 'test.metta', { keepGoing: true, writeOut: (l) => (c.out += l + '\n'), writeErr: (l) => (c.err += l + '\n') });
  return c;
}

function parallel(text: string, options: ParallelRunOptions = {}): ReturnType<typeof runParallelText> {
  return runParallelText(text, 'test.metta', { currentDir: process.cwd(), ...options });
}

describe('parallel runner on the shared pool', () => {
  it('with 2 workers, a batch runs on this thread and on the pool thread, printed in source order', async () => {
    // Memo off: memoized, every form after the first few is a cache hit that this thread takes
    // from the queue faster than the pool's thread could answer one.
    const text = FIB + '!(pragma! memoize False)\n' + Array.from({ length: 200 }, (_, i) => `!(+ ${i} (fib ${10 + (i % 4)}))`).join('\n') + '\n';
    const expected = sequential(text);
    const r = await parallel(text);
    expect(r.out).toBe(expected.out);
    const batch = r.runner.metrics.batches.at(-1)!;
    expect(batch.size).toBe(200);
    // This thread: the first form for real, then tasks it took from the queue; the pool's thread: the rest.
    expect(batch.helped).toBeGreaterThan(0);
    expect(batch.pooled).toBeGreaterThan(0);
    expect(batch.inline + batch.helped + batch.pooled).toBe(200);
    // Tasks the threads finished: those whose result was used, and at most the forms this thread
    // also evaluated while a thread ran them (whichever finished first was kept).
    expect(r.runner.poolStats.tasks).toBeGreaterThanOrEqual(batch.pooled);
    expect(r.runner.poolStats.tasks).toBeLessThanOrEqual(batch.pooled + batch.duplicated);
    // Every form taken here was stolen from the queue, but for those this thread ran while their
    // thread did too (duplicated: a thread had started them, so they were not stolen).
    expect(r.runner.poolStats.stolen).toBeGreaterThanOrEqual(batch.helped - batch.duplicated);
  });

  it('a pool whose entry is missing: everything runs here, one warning line, same output', async () => {
    const text = FIB + Array.from({ length: 30 }, (_, i) => `!(fib ${8 + (i % 5)})`).join('\n') + '\n(barrier)\n' + Array.from({ length: 30 }, (_, i) => `!(fib ${i % 6})`).join('\n') + '\n';
    const expected = sequential(text);
    const r = await parallel(text, {
      poolScript: () => {
        throw new WorkerScriptMissingError('/nowhere/pool-worker.js');
      },
    });
    expect(r.out).toBe(expected.out);
    const warnings = r.err.split('\n').filter((l) => l.startsWith('metta: the worker pool could not start'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/pool-worker\.js is not built/);
    expect(r.runner.poolStats.tasks).toBe(0);
  });

  it('a pool whose threads fail to load: the same fallback and warning', async () => {
    const text = FIB + Array.from({ length: 60 }, (_, i) => `!(fib ${10 + (i % 3)})`).join('\n') + '\n';
    const expected = sequential(text);
    const broken = fileURLToPath(new URL('../pool/fixtures/broken-worker.mjs', import.meta.url));
    const r = await parallel(text, { poolScript: () => broken });
    expect(r.runner.poolStats.tasks).toBe(0);
    expect(r.out).toBe(expected.out);
    expect(r.err.split('\n').filter((l) => /^metta: the worker pool could not start \(its threads could not start: this entry cannot load\)/.test(l))).toHaveLength(1);
  });

  it('an Engine keeps its pool across runs', async () => {
    const engine = new Engine({ config: evalConfig('default', { workers: 2, inlineBudgetMs: 0, minTaskMs: 0 }) });
    try {
      expect(await engine.poolReady()).toBe(true);
      const forms = Array.from({ length: 40 }, (_, i) => `!(fib ${9 + (i % 4)})`).join('\n');
      const first = await engine.run(FIB + forms);
      const second = await engine.run(forms);
      expect(second.lines).toEqual(first.lines);
      expect(first.lines).toEqual(new Engine().load(FIB + forms).lines);
    } finally {
      await engine.close();
    }
  });
});

describe('metta query slices on the shared pool', () => {
  it('answers every batch as the CPU does, on the pool threads and on this thread', async () => {
    const engine = new Engine({ keepGoing: true });
    engine.load(kbText(), 'kb.metta');
    const view = engine.space.snapshot();
    const self = engine.environment.self;
    const reader = new PatternReader(patternText(), 'patterns.metta', engine.environment.tokens, (a) => a === self || formatAtom(a) === '&self');
    const { patterns } = reader.nextBatch(10_000);
    expect(patterns.length).toBe(400);
    const cpu = (first: number, items: typeof patterns): string[] => {
      const answers = queryBatch(view, items.map((p) => p.pattern));
      return items.map((p, k) => formatAnswer(first + k, p, answers[k]!, 'text'));
    };
    const pool = QueryWorkerPool.open(3, engine.space, view)!;
    expect(pool).not.toBeNull();
    try {
      // A first batch before the threads are ready is answered here; later ones on the threads too.
      expect(await pool.answer(patterns.slice(0, 50), 0, 'text')).toEqual(cpu(0, patterns.slice(0, 50)));
      await new Promise((r) => setTimeout(r, 500));
      for (const [from, to] of [[0, 400], [13, 14], [100, 377]] as const) {
        const items = patterns.slice(from, to);
        expect(await pool.answer(items, from, 'text')).toEqual(cpu(from, items));
        expect(await pool.answer(items, from, 'jsonl')).toEqual(items.map((p, k) => formatAnswer(from + k, p, queryBatch(view, [p.pattern])[0]!, 'jsonl')));
      }
      expect(pool.batches).toBe(7);
      // Slices went through the pool's queue (to its threads, or taken back by this one).
      expect(pool.stats.tasks + pool.stats.stolen).toBeGreaterThan(0);
      // A slice that only a thread may answer (not taken back): the thread's lines are the CPU's.
      const threads = new WorkerPool({ script: POOL_SCRIPT, threads: 1, workerData: { mettaTables: { symbols: symbolTableHandles(), grounded: groundedTable.handles() } } });
      threads.start();
      try {
        const items = patterns.slice(40, 140);
        const task = threads.submit<string[]>(QUERY_SLICE_TASK, querySliceTask('k', engine.space.share(), items, 40, 'text'), { stealable: false });
        expect(await task.result).toEqual(cpu(40, items));
        expect(threads.stats.tasks).toBe(1);
      } finally {
        await threads.close();
      }
      // A pattern that cannot travel (a space inside): the caller answers that batch.
      expect(await pool.answer([bulkPatternOf(engine.environment.self, false, { file: 'x', line: 1, column: 1 })], 0, 'text')).toBeNull();
    } finally {
      await pool.close();
      await engine.close();
    }
  }, 60_000);
});
