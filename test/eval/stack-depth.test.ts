// `pragma! max-stack-depth N` counts depth as the reference interpreter does (src/eval/stack-depth.ts).
// Each boundary below was worked out by hand from hyperon-experimental 0.2.10's interpreter.rs
// (metta_impl → interpret_expression → interpret_tuple / interpret_function → interpret_args →
// metta_call → metta_call_return), and is checked on both sides: N passes, N - 1 overflows.

import { describe, expect, it } from 'vitest';
import { results } from './run.js';

/** The last result line of `program` run under `max-stack-depth max`. */
function under(max: number, program: string, definitions = ''): string {
  return results(`${definitions}\n!(pragma! max-stack-depth ${max})\n${program}`).at(-1)!;
}

const FAC = '(= (fac $n) (if (== $n 0) 1 (* $n (fac (- $n 1)))))';

describe('max-stack-depth, counted in the reference interpreter\'s frames', () => {
  it('a top-level form is at depth 1: a limit of 1 stops even a symbol', () => {
    expect(under(1, '! a')).toBe('[(Error a StackOverflow)]');
    expect(under(2, '! a')).toBe('[a]');
  });

  it('an expression\'s elements are at 10 + 2i below it: (+ 1 2) needs 16', () => {
    expect(under(16, '!(+ 1 2)')).toBe('[3]');
    expect(under(15, '!(+ 1 2)')).toBe('[(Error (+ 1 2) StackOverflow)]');
  });

  it('a rule\'s body is 13 below its call: (fac 3) needs 161, (fac 6) overflows 200 (the reference\'s test)', () => {
    expect(under(161, '!(fac 3)', FAC)).toBe('[6]');
    expect(under(160, '!(fac 3)', FAC)).toBe('[(Error (== 0 0) StackOverflow)]');
    expect(under(200, '!(case (fac 6) (((Error $a StackOverflow) overflowed) ($_ completed)))', FAC)).toBe('[overflowed]');
  });

  it('case evaluates its scrutinee 14 below it and its template 13 below it', () => {
    expect(under(30, '!(case (+ 1 2) ((3 ok) ($e $e)))')).toBe('[ok]');
    expect(under(29, '!(case (+ 1 2) ((3 ok) ($e $e)))')).toBe('[(Error (+ 1 2) StackOverflow)]');
  });

  it('let is a rule whose body is a unify: its template is 26 below it', () => {
    expect(under(42, '!(let $x (+ 1 2) (+ $x 1))')).toBe('[4]');
    expect(under(41, '!(let $x (+ 1 2) (+ $x 1))')).toBe('[(Error (+ 3 1) StackOverflow)]');
  });

  it('a tail-recursive loop grows the depth too, as in the reference (its chain frames stay)', () => {
    const loop = '(= (count $n) (if (== $n 0) done (count (- $n 1))))';
    expect(under(1000, '!(count 10)', loop)).toBe('[done]');
    expect(under(1000, '!(count 100)', loop)).toMatch(/StackOverflow\)\]$/);
  });

  it('without the pragma nothing is limited, and 0 lifts a limit', () => {
    expect(results(`${FAC}\n!(fac 20)`)).toEqual(['[2432902008176640000]']);
    expect(results(`${FAC}\n!(pragma! max-stack-depth 200)\n!(pragma! max-stack-depth 0)\n!(fac 20)`).at(-1)).toBe('[2432902008176640000]');
  });
});
