// A call's private bindings (of variables renamed apart while it evaluated that neither its
// result nor an older variable reaches) are dropped when it returns: a function with a `let`
// called from a loop must not leave one binding per call in its caller's bindings, which every
// later copy (one per `match` answer) would copy. What the result does reach stays bound.

import { afterEach, describe, expect, it } from 'vitest';
import { Bindings } from '../../src/core/index.js';
import { Program } from '../../src/runner/index.js';

function run(source: string): string[] {
  const out: string[] = [];
  const program = new Program({ stdout: () => {}, stderr: () => {} });
  program.run(source, 'private.metta', { keepGoing: true, writeOut: (s: string) => out.push(s), writeErr: () => {} });
  return out.join('\n').split('\n').filter((l) => l !== '');
}

const originalMerge = Bindings.prototype.merge;
afterEach(() => {
  Bindings.prototype.merge = originalMerge;
});

/** The largest bindings `match` merged its answers into while `source` ran. */
function largestMerged(source: string): number {
  let largest = 0;
  Bindings.prototype.merge = function (this: Bindings, other: Bindings) {
    largest = Math.max(largest, this.size);
    return originalMerge.call(this, other);
  };
  run(source);
  return largest;
}

const loop = (n: number): string => `
(edge 1 2) (edge 1 3) (edge 2 3)
(= (count-out $i) (let $l (collapse (match &self (edge $i $y) $y)) (size-atom $l)))
(= (sum $i $n $acc) (if (== $i $n) $acc (sum (+ $i 1) $n (+ $acc (count-out (% $i 3))))))
!(sum 0 ${n} 0)
`;

describe('bindings private to a finished call', () => {
  it('are dropped: the bindings a loop carries stay small whatever its length', () => {
    expect(run(loop(300))).toEqual(['[300]']);
    const short = largestMerged(loop(100));
    const long = largestMerged(loop(400));
    expect(long).toBeLessThanOrEqual(12);
    expect(long).toBe(short);
  });

  it('are kept where the result or an older variable reaches them', () => {
    const source = `
(= (wrap $v) (let $t (box $u) (let $u $v $t)))
(= (pair-with $x) (let $p (pair $x $w) (let $w (wrap $x) $p)))
!(wrap 5)
!(let $r (wrap 7) (let $s (wrap $r) $s))
!(pair-with 3)
!(let $q (pair-with a) (let (pair $a $b) $q $b))
`;
    expect(run(source)).toEqual(['[(box 5)]', '[(box (box 7))]', '[(pair 3 (box 3))]', '[(box a)]']);
  });
});
