// Tail calls stay flat: the interpreter's explicit stack (its chain of frames) does not grow with
// the depth of a tail-recursive loop, while it does grow with non-tail recursion (so the
// measurement can tell them apart). The frame chain is read from the machine at every pending
// query; this is white-box, on purpose.

import { describe, expect, it } from 'vitest';
import { parseAtom } from '../../src/core/parser.js';
import { Program } from '../../src/runner/index.js';
import { Machine } from '../../src/eval/index.js';

interface FrameLike {
  parent: FrameLike | null;
}

/** Runs `call` after loading `rules`, returning the printed results and the deepest frame chain seen. */
function measure(rules: string, call: string): { results: string[]; maxFrames: number } {
  const program = new Program({ stdout: () => {}, stderr: () => {} });
  program.run(rules, 'rules.metta', { keepGoing: true, writeOut: () => {}, writeErr: () => {} });
  const env = program.env;
  const m = new Machine(env, parseAtom(call));
  const frames = (): number => {
    let n = 0;
    for (let f = (m as unknown as { current: FrameLike | null }).current; f !== null; f = f.parent) n++;
    return n;
  };
  let maxFrames = 0;
  let pauses = 0;
  for (let q = m.run(); q !== null; q = m.run()) {
    pauses++;
    maxFrames = Math.max(maxFrames, frames());
    const pending = q as unknown as { kind?: string; space: never; pattern: never; call: never };
    if (pending.kind === 'rules') m.answerRules(env.rulesSync(pending.space, pending.call));
    else m.answer(env.querySync(pending.space, pending.pattern));
  }
  expect(pauses).toBeGreaterThan(0);
  return { results: m.results.map((r) => String(r.bindings.resolve(r.atom))), maxFrames };
}

describe('tail calls', () => {
  const loop = '(= (loop $n) (if (== $n 0) done (loop (- $n 1))))';
  const sum = '(= (sum $n) (if (== $n 0) 0 (+ $n (sum (- $n 1)))))';

  it('a tail-recursive loop runs in a constant number of frames', () => {
    const shallow = measure(loop, '(loop 10)');
    const deep = measure(loop, '(loop 20000)');
    expect(deep.maxFrames).toBeLessThan(20);
    expect(deep.maxFrames).toBe(shallow.maxFrames);
  });

  it('non-tail recursion grows the explicit stack (the measurement works)', () => {
    const { maxFrames } = measure(sum, '(sum 2000)');
    expect(maxFrames).toBeGreaterThan(2000);
  });

  it('a tail call through let and case stays flat too', () => {
    const rules = '(= (count $n $acc) (case $n ((0 $acc) ($_ (let $m (- $n 1) (count $m (+ $acc 1)))))))';
    const shallow = measure(rules, '(count 10 0)');
    const deep = measure(rules, '(count 1500 0)');
    expect(deep.maxFrames).toBe(shallow.maxFrames);
  });
});
