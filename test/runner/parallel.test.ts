// The parallel runner prints exactly what the sequential run prints: big batches of independent
// queries, barriers every few lines, writers inside batches, output from println!, faults in
// workers. The pool runs the compiled worker (dist/), which `npm install` builds. The test/metta
// corpus on the pool is test/conformance/programs.test.ts.

import { describe, expect, it } from 'vitest';
import { Program } from '../../src/runner/index.js';
import { ParallelRunner } from '../../src/runner/parallel.js';
import { compiledTierStats } from '../../src/eval/index.js';

import { runParallelText } from '../helpers/run-program.js';

interface Captured {
  out: string;
  err: string;
  exitCode: number;
}

function runSequentially(text: string, keepGoing = true, currentDir?: string): Captured {
  const c: Captured = { out: '', err: '', exitCode: 0 };
  const program = new Program({ stdout: (t) => (c.out += t), stderr: (t) => (c.err += t), currentDir });
  c.exitCode = program.run(text, 'test.metta', { keepGoing, writeOut: (l) => (c.out += l + '\n'), writeErr: (l) => (c.err += l + '\n') }).exitCode;
  return c;
}

/** Runs with `workers` evaluating threads (this one included), every batch of 2+ forms through the pool's queue. */
function runInParallel(text: string, options: { workers?: number; keepGoing?: boolean; currentDir?: string; setup?: (r: ParallelRunner) => void } = {}): ReturnType<typeof runParallelText> {
  return runParallelText(text, 'test.metta', { currentDir: process.cwd(), ...options });
}

const FACTS = Array.from({ length: 200 }, (_, i) => `(edge n${i} n${(i * 7 + 3) % 200})\n(weight n${i} ${i % 13})`).join('\n');
const RULES = `
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
(= (two-hop $x) (match &self (, (edge $x $y) (edge $y $z)) $z))
`;

describe('parallel runner', () => {
  it('answers 1,000 independent queries in one batch exactly as the sequential run does', async () => {
    const queries = Array.from({ length: 1000 }, (_, i) =>
      i % 3 === 0 ? `!(two-hop n${i % 200})` : i % 3 === 1 ? `!(match &self (weight $n ${i % 13}) $n)` : `!(fib ${(i % 8) + 3})`,
    ).join('\n');
    const text = `${FACTS}\n${RULES}\n${queries}\n`;
    const sequential = runSequentially(text);
    const parallel = await runInParallel(text);
    expect(parallel.out).toBe(sequential.out);
    expect(parallel.out.split('\n').length).toBe(1001);
    // This thread takes tasks from the pool's queue too: nearly every form went through the queue,
    // to the pool's thread or to this one.
    const pooled = parallel.runner.metrics.batches.reduce((n, b) => n + b.pooled, 0);
    const helped = parallel.runner.metrics.batches.reduce((n, b) => n + b.helped, 0);
    expect(pooled).toBeGreaterThan(0);
    expect(pooled + helped).toBeGreaterThan(900);
    // &self (400 facts, 2 rules) is read by the workers in shared memory: only the small rest of
    // the environment was copied, once.
    expect(parallel.runner.metrics.syncs).toBe(1);
    expect(parallel.runner.metrics.syncBytes).toBeLessThan(1000);
  });

  it('applies barriers in order in a program that mixes facts, rules and queries every few lines', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      lines.push(`(item k${i} ${i})`);
      if (i % 4 === 0) lines.push(`(= (double k${i}) (* 2 ${i}))`);
      lines.push(`!(match &self (item $k ${i}) $k)`, `!(double k${i - (i % 4)})`, `!(size-atom (k ${i}))`);
    }
    const text = lines.join('\n');
    const sequential = runSequentially(text);
    const parallel = await runInParallel(text);
    expect(parallel.out).toBe(sequential.out);
    expect(parallel.runner.metrics.batches.length).toBe(60);
  });

  it('never loses or reorders the effects of writers inside a batch', async () => {
    const text = `
(counter 0)
!(match &self (counter $c) $c)
!(add-atom &self (seen a))
!(match &self (seen $x) $x)
!(println! "between")
!(remove-atom &self (seen a))
!(match &self (seen $x) $x)
!(bind! &st (new-state 1))
!(get-state &st)
!(change-state! &st 2)
!(get-state &st)
!(bind! magic 42)
!(+ magic 1)
!(trace! "to stderr" 5)
!(let $s (new-space) (add-atom $s (in s)))
!(new-space)
!(match &self (counter $c) (- $c 1))
`;
    const sequential = runSequentially(text);
    const parallel = await runInParallel(text);
    expect(parallel.out).toBe(sequential.out);
    expect(parallel.err).toBe(sequential.err);
    expect(parallel.out).toContain('between\n');
    expect(parallel.out).toContain('[43]');
    expect(parallel.runner.metrics.batches.some((b) => b.aborted > 0)).toBe(true);
  });

  it('prints spaces with the numbers the sequential run gives them', async () => {
    const text = `!(bind! &kb (new-space))\n!(add-atom &kb (x 1))\n(holder &kb)\n!(match &self (holder $s) $s)\n!(match &kb (x $v) $v)\n!(match &self (holder $s) (match $s (x $v) ($s $v)))\n`;
    const sequential = runSequentially(text);
    const parallel = await runInParallel(text);
    expect(sequential.out).toContain('[(GroundingSpace-2 1)]');
    expect(parallel.out).toBe(sequential.out);
  });

  it('evaluates the alternatives of one form on the pool, in order, writers included', async () => {
    const text = `${RULES}
(= (alt) (fib 10))
(= (alt) (fib 11))
(= (alt) (bind! &marker 1))
(= (alt) (found marker))
(= (alt) (fib 12))
(= (g $x) ($x $y))
!(alt)
!(collapse (superpose ((fib 9) (g 1) (fib 10) (g 2))))
!(superpose ((println! "one") (fib 8) (println! "two")))
!(+ &marker 1)
`;
    const sequential = runSequentially(text);
    const parallel = await runInParallel(text);
    expect(parallel.out).toBe(sequential.out);
    expect(parallel.out).toContain('[55, 89, (), (found marker), 144]');
    expect(parallel.out).toContain('[2]');
    expect(parallel.runner.fanOutStats.fanOuts).toBeGreaterThan(0);
    expect(parallel.runner.fanOutStats.handedBack).toBeGreaterThan(0);
  });

  it('runs the deep calls of a form evaluated here with a ready pool in the compiled tier', async () => {
    // The fan-out machine interprets only its shallow calls (whose several rules it may offer to
    // the pool); below FAN_OUT_DEPTH the compiled tier answers, as in the sequential run.
    const before = compiledTierStats.answered;
    const parallel = await runInParallel(`${RULES}\n!(fib 16)\n`);
    expect(parallel.out).toBe('[987]\n');
    expect(parallel.runner.metrics.batches.reduce((n, b) => n + b.inline, 0)).toBe(1);
    expect(compiledTierStats.answered - before).toBeGreaterThan(0);
  });

  it('stops at the first error result unless keep-going, as the sequential run does', async () => {
    const text = `!(+ 1 1)\n!(+ 2 2)\n!(/ 1 0)\n!(+ 3 3)\n!(+ 4 4)\n`;
    const sequential = runSequentially(text, false);
    const parallel = await runInParallel(text, { keepGoing: false });
    expect(parallel.out).toBe(sequential.out);
    expect(parallel.exitCode).toBe(sequential.exitCode);
    expect(parallel.out).not.toContain('[6]');
  });

  it('retries a form whose worker threw or died, and reports a second failure for that form only', async () => {
    const text = Array.from({ length: 12 }, (_, i) => `!(fib ${i + 5})`).join('\n') + `\n${RULES}\n` + Array.from({ length: 12 }, (_, i) => `!(fib ${i + 5})`).join('\n');
    const sequential = runSequentially(text);
    const once = await runInParallel(text, { setup: (r) => (r.injectFaults = { match: '(fib 9)', fault: 'crash', times: 1 }) });
    expect(once.out).toBe(sequential.out);
    expect(once.runner.metrics.retries).toBe(1);

    const twice = await runInParallel(text, { setup: (r) => (r.injectFaults = { match: '(fib 11)', fault: 'throw', times: 2 }) });
    const expected = sequential.out.split('\n');
    const got = twice.out.split('\n');
    expect(got.length).toBe(expected.length);
    const differing = got.map((line, i) => (line === expected[i] ? -1 : i)).filter((i) => i >= 0);
    expect(differing.length).toBe(1);
    expect(got[differing[0]!]).toMatch(/^\[\(Error \(fib 11\) \(WorkerFailure "injected fault: the worker threw"\)\)\]$/);
  }, 60_000);
});
