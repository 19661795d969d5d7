// Batched evaluation (runner/batched.ts, runner/lockstep.ts, runner/batch-answerer.ts) prints
// exactly what the unbatched, sequential run prints, on programs written to stress it (wide
// fan-outs, writers in the middle of a batch, output from branches, limits). Each program runs with
// the CPU answering every batch, and with a stand-in GPU backend that answers through the CPU trie
// matcher — the GPU path's own conversions (rule lookups as `(= CALL $result#)` patterns, one
// dispatch per space) without a device. The test/metta corpus on these backends and on the real
// device is test/conformance/programs.test.ts.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Atom } from '../../src/core/atoms.js';
import { matchPattern } from '../../src/cpu/index.js';
import type { Environment } from '../../src/eval/environment.js';
import { GpuExecutionError } from '../../src/gpu/errors.js';
import { Program } from '../../src/runner/index.js';
import { BatchedRunner } from '../../src/runner/batched.js';
import type { LockstepOptions } from '../../src/runner/lockstep.js';
import { Parser } from '../../src/core/parser.js';
import { BatchAnswerer, type GpuBackend } from '../../src/runner/batch-answerer.js';
import { DEFAULT_COST_MODEL } from '../../src/scheduler/cost-model.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { AtomSpace } from '../../src/space/atom-space.js';

const FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'metta');

interface Captured {
  out: string;
  err: string;
  exitCode: number;
}

function program(dir: string, maxSteps: number | null): { program: Program; captured: Captured } {
  const captured: Captured = { out: '', err: '', exitCode: -1 };
  const p = new Program({ stdout: (t) => (captured.out += t), stderr: (t) => (captured.err += t), currentDir: dir, maxSteps });
  return { program: p, captured };
}

function sequential(text: string, dir = FOLDER, maxSteps: number | null = null): Captured {
  const { program: p, captured } = program(dir, maxSteps);
  captured.exitCode = p.run(text, 'prog.metta', { keepGoing: true, writeOut: (l) => (captured.out += l + '\n'), writeErr: (l) => (captured.err += l + '\n') }).exitCode;
  return captured;
}

/** A GPU stand-in: every dispatch answered by the CPU trie matcher; `failAt` makes dispatch N throw. */
class FakeGpu implements GpuBackend {
  readonly adapter = 'fake';
  dispatches = 0;
  patterns = 0;
  constructor(private readonly failAt: number | null = null) {}
  matchAll(space: AtomSpace, patterns: readonly Atom[]): ReturnType<GpuBackend['matchAll']> {
    if (++this.dispatches === this.failAt) throw new GpuExecutionError('injected failure');
    this.patterns += patterns.length;
    const view = space.snapshot();
    return patterns.map((p) => matchPattern(view, p));
  }
  close(): void {}
}

type Path = 'cpu' | 'gpu';

function batched(
  text: string,
  path: Path,
  opts: { dir?: string; maxSteps?: number | null; lockstep?: LockstepOptions; gpu?: FakeGpu } = {},
): Captured & { runner: BatchedRunner; gpu: FakeGpu; failures: string[] } {
  const { program: p, captured } = program(opts.dir ?? FOLDER, opts.maxSteps ?? null);
  const gpu = opts.gpu ?? new FakeGpu();
  const failures: string[] = [];
  const answerer = answererFor(p.env, path, gpu, failures);
  const runner = new BatchedRunner(p.env, answerer, opts.lockstep);
  captured.exitCode = runner.run(new Parser(text, 'prog.metta', p.env.tokens), {
    keepGoing: true,
    emit: (r) => {
      if (r.kind === 'results') captured.out += r.line + '\n';
      else if (r.kind === 'stderr') captured.err += r.text;
    },
  });
  return { ...captured, runner, gpu, failures };
}

function answererFor(env: Environment, path: Path, gpu: FakeGpu, failures: string[]): BatchAnswerer {
  if (path === 'cpu') return new BatchAnswerer(env, new Scheduler(DEFAULT_COST_MODEL, ['cpu']), null);
  return new BatchAnswerer(env, new Scheduler(DEFAULT_COST_MODEL, ['cpu', 'gpu'], 'gpu', false), () => gpu, (m) => failures.push(m));
}

const WIDE = `
(= (color) red) (= (color) green) (= (color) blue)
(= (size) small) (= (size) large)
(= (shade red) dark) (= (shade red) light) (= (shade green) pale) (= (shade blue) deep)
(item a 1) (item b 2) (item c 3) (item d 4)
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
(= (loud $x) (let $u (println! (said $x)) $x))
!(let $c (color) (let $s (size) ($c $s (shade $c))))
!(match &self (item $k $v) (loud ($k (fib (+ $v 5)))))
!(collapse (let $c (color) (loud $c)))
!(trace! (tracing) (superpose (1 2 3)))
!(match &self (item $k $v) (if (> $v 2) (add-atom &self (big $k)) (loud $k)))
!(match &self (big $k) $k)
!(fib 12)
!(let $x (superpose (1 2 3)) (match &self (item $k $x) (shade (color))))
!(bind! &thing (new-space))
!(match &self (big $k) (loud $k))
!(add-atom &thing (in a))
!(match &thing (in $x) $x)
!(superpose ((loud one) (loud two) (+ 1 (loud 3))))
!(case (superpose (1 2 3 4)) ((1 one) (2 (loud two)) ($x (fib $x))))
!(unify (item $k 3) (item c $v) ($k $v) none)
!(get-type (fib 3))
!(undefined-function (color))
(= (deep $n) (if (== $n 0) (done $n) (superpose ((deep (- $n 1)) (deep (- $n 1))))))
!(collapse (deep 7))
`;

describe('batched evaluation prints what the sequential run prints', () => {
  it('on wide fan-outs, writers mid-batch and output from branches, one machine per form or many', () => {
    const expected = sequential(WIDE);
    expect(expected.out).toContain('(said');
    for (const path of ['cpu', 'gpu'] as const) {
      for (const lockstep of [undefined, { fanOutDepth: -1, maxLive: 4096 }, { fanOutDepth: 64, maxLive: 3 }, { fanOutDepth: 64, maxLive: 1 }]) {
        const got = batched(WIDE, path, { lockstep });
        const label = `${path} ${JSON.stringify(lockstep)}`;
        expect(got.out, label).toBe(expected.out);
        expect(got.err, label).toBe(expected.err);
        expect(got.exitCode, label).toBe(expected.exitCode);
      }
    }
    const wide = batched(WIDE, 'cpu');
    expect(wide.runner.stats.branches).toBeGreaterThan(50);
    expect(wide.runner.stats.aborted).toBeGreaterThan(0); // the add-atom and bind! forms
    expect(wide.runner.answerer.stats.largest).toBeGreaterThan(10);
  });

  it('runs the combinations of a nondeterministic application as branches (n-queens: wide steps)', () => {
    const queens = `
(= (range $lo $hi) (if (> $lo $hi) (empty) (superpose ($lo (range (+ $lo 1) $hi)))))
(= (safe $q $d Nil) True)
(= (safe $q $d (Cons $h $t)) (if (or (== $q $h) (or (== $q (+ $h $d)) (== $q (- $h $d)))) False (safe $q (+ $d 1) $t)))
(= (queens $k $n) (if (== $k 0) Nil (let $rest (queens (- $k 1) $n) (let $q (range 1 $n) (if (safe $q 1 $rest) (Cons $q $rest) (empty))))))
!(let $all (collapse (queens 5 5)) (size-atom $all))
!(collapse (queens 4 4))
`;
    const expected = sequential(queens);
    expect(expected.out).toContain('[10]');
    const got = batched(queens, 'gpu');
    expect(got.out).toBe(expected.out);
    const stats = got.runner.answerer.stats;
    // Far fewer steps than queries: each step carries the rule lookups of many branches.
    expect(stats.largest).toBeGreaterThan(50);
    expect(stats.batches * 10).toBeLessThan(stats.queries);
  });

  it('stops where the sequential run stops under --max-steps', () => {
    const text = `(= (loop $n) (loop (+ $n 1)))\n!(+ 1 2)\n!(println! before)\n!(loop 0)\n!(+ 3 4)\n`;
    const expected = sequential(text, FOLDER, 500);
    const got = batched(text, 'cpu', { maxSteps: 500 });
    expect(expected.err).toContain('evaluation stopped');
    expect(got.out).toBe(expected.out);
    expect(got.err).toBe(expected.err);
    expect(got.exitCode).toBe(expected.exitCode);
  });

  it('falls back to the CPU with identical output when the GPU fails mid-run', () => {
    const expected = sequential(WIDE);
    for (const failAt of [1, 2, 7]) {
      const gpu = new FakeGpu(failAt);
      const got = batched(WIDE, 'gpu', { gpu });
      expect(got.out, `fail at ${failAt}`).toBe(expected.out);
      expect(got.failures).toEqual(['GpuExecutionError: injected failure']);
      expect(got.runner.answerer.scheduler.isAvailable('gpu')).toBe(false);
      expect(gpu.dispatches).toBe(failAt); // never asked again
      expect(got.runner.answerer.stats.gpuFailure).toContain('injected failure');
    }
  });

  it('batches the queries of all forms of a top-level batch into one step', () => {
    const facts = Array.from({ length: 50 }, (_, i) => `(edge n${i} n${(i * 7) % 50})`).join('\n');
    const queries = Array.from({ length: 40 }, (_, i) => `!(match &self (edge n${i} $y) $y)`).join('\n');
    const text = `${facts}\n${queries}\n`;
    const got = batched(text, 'gpu');
    expect(got.out).toBe(sequential(text).out);
    // One step: the 40 matches (their results are symbols, which need no rule lookup).
    expect(got.gpu.dispatches).toBe(1);
    expect(got.runner.answerer.stats.largest).toBe(40);
    expect(got.runner.answerer.stats.matches).toBe(40);
  });
});
