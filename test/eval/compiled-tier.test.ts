// The compiled tier (src/eval/compiled) against the interpreter: each program runs with the tier
// on and off and must print the same; the counters say whether the tier answered, bailed or
// refused, so a case cannot pass by never reaching the path it names.

import { describe, expect, it } from 'vitest';
import { compiledTierStats } from '../../src/index.js';
import { fibProgram, digitsProgram, queensProgram, triplesProgram, listProgram } from '../../src/bench/interp-programs.js';
import { runProgramText } from '../helpers/run-program.js';

function both(text: string): { on: string; off: string; answered: number; bails: number; refusals: number } {
  const before = { ...compiledTierStats };
  const on = runProgramText(text, '/tmp/tier.metta');
  const after = { ...compiledTierStats };
  const off = runProgramText(text, '/tmp/tier.metta', (p) => {
    p.env.settings.compiledRules = false;
  });
  expect(compiledTierStats.answered, 'the tier answered with compiled-rules off').toBe(after.answered);
  return {
    on: on.out + on.err + `exit ${on.exitCode}`,
    off: off.out + off.err + `exit ${off.exitCode}`,
    answered: after.answered - before.answered,
    bails: after.bails - before.bails,
    refusals: after.refusals - before.refusals,
  };
}

describe('compiled tier', () => {
  it.each([
    ['fib', fibProgram(15)],
    ['digits', digitsProgram(3, 12)],
    ['triples', triplesProgram(20)],
    ['n-queens', queensProgram(5)],
  ])('answers %s exactly as the interpreter', (_name, text) => {
    const r = both(text);
    expect(r.on).toBe(r.off);
    expect(r.answered).toBeGreaterThan(0);
  });

  it('bails on a recursion deeper than it runs, and the interpreter finishes it', () => {
    const r = both(listProgram(3000));
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[3000]');
    expect(r.bails).toBeGreaterThan(0);
  });

  it('bails on errors: the interpreter reports them', () => {
    const r = both(`
(= (inc $x) (+ $x 1))
(= (twice $x) (inc (inc $x)))
!(twice 1)
!(twice a)
!(twice "s")
!(twice 1.5)`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[3]');
    expect(r.bails).toBeGreaterThan(0);
  });

  it('refuses side effects, declared types and free variables', () => {
    const r = both(`
(= (noisy $x) (let $u (println! $x) $x))
(: typed (-> Number Number))
(= (typed $x) (* $x 2))
(= (free $x) ($x $y))
!(noisy 1)
!(typed 4)
!(free 1)`);
    expect(r.on).toBe(r.off);
    // noisy and free refuse to compile; typed is never offered (a declared head stays with the interpreter).
    expect(r.refusals).toBeGreaterThanOrEqual(2);
  });

  it('sees rules added and removed at run time', () => {
    const r = both(`
(= (g $x) (* $x 10))
(= (f $x) (g $x))
!(f 2)
!(add-atom &self (= (g $x) (+ $x 1)))
!(f 2)
!(remove-atom &self (= (g $x) (* $x 10)))
!(f 2)`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[20, 3]');
    expect(r.answered).toBeGreaterThanOrEqual(3);
  });

  it('keeps result order over overlapping rules, superpose, let and collapse', () => {
    const r = both(`
(= (pick) (superpose (3 1 2)))
(= (pair) (let* (($a (pick)) ($b (pick))) (if (< $a $b) ($a $b) (empty))))
(= (grow $x) $x)
(= (grow $x) (Wrap $x))
(= (all) (collapse (pair)))
(= (each $xs) (superpose $xs))
!(pair)
!(grow 5)
!(all)
!(each (a b c))
!(collapse (each (1 2 3)))`);
    expect(r.on).toBe(r.off);
    expect(r.answered).toBeGreaterThan(0);
  });

  it('leaves unreduced calls and constructors as the interpreter does', () => {
    const r = both(`
(= (only 0) zero)
(= (wrap $x) (Box (only $x)))
(= (tuple $a $b) ($a $b))
!(wrap 0)
!(wrap 1)
!(tuple 1 2)
!(tuple only 0)`);
    expect(r.on).toBe(r.off);
  });

  it('stays with the interpreter under --max-steps and when turned off by pragma', () => {
    const text = `
!(pragma! compiled-rules False)
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
!(fib 10)`;
    const before = compiledTierStats.answered;
    const r = runProgramText(text, '/tmp/tier.metta');
    expect(r.out).toBe('[()]\n[55]\n');
    expect(compiledTierStats.answered).toBe(before);
  });
});
