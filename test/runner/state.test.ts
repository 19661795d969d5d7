// compile / run as values: syntax errors as the CLI reports them, streaming, results(), limits,
// keep-going, and the seed's usage pattern (an empty state, a knowledge base, then queries).

import { describe, expect, it } from 'vitest';
import { MettaSyntaxError } from '../../src/core/errors.js';
import { formatAtom } from '../../src/core/printer.js';
import {
  compile,
  emptyState,
  type OutputRecord,
  results,
  run,
  stderrText,
  stdoutText,
} from '../../src/runner/index.js';
import { runWhole } from './helpers.js';

describe('compile', () => {
  it('parses without evaluating', () => {
    const c = compile('(fact 1)\n!(+ 1 2)\n', 'kb.metta');
    expect(c.source.map((i) => [formatAtom(i.atom), i.exec, i.position.line])).toEqual([
      ['(fact 1)', false, 1],
      ['(+ 1 2)', true, 2],
    ]);
    expect(c.output).toEqual([]);
    expect(c.environment.self.space.size).toBe(0);
  });

  it('throws syntax errors positioned as the CLI prints them, or keeps the prefix with partial', () => {
    const text = '(a)\n!(+ 1 2)\n  (b c';
    expect(() => compile(text, 'bad.metta')).toThrow(MettaSyntaxError);
    expect(() => compile(text, 'bad.metta')).toThrow("bad.metta:3:3: unbalanced parentheses: '(' is never closed");
    const partial = compile(text, 'bad.metta', { partial: true });
    expect(partial.source).toHaveLength(2);
    const done = run(emptyState(), partial);
    const whole = runWhole(text, 'bad.metta', process.cwd());
    expect(stdoutText(done.output)).toBe(whole.out);
    expect(stderrText(done.output)).toBe(whole.err);
    expect(done.exitCode).toBe(2);
  });
});

describe('run', () => {
  it('follows the seed pattern: empty.run(kb).run(query), output accumulating', () => {
    const kb = compile('(parent Tom Bob)\n(parent Bob Ann)\n(= (grand $x) (match &self (parent $x $y) (match &self (parent $y $z) $z)))');
    const s1 = run(emptyState(), kb);
    expect(s1.output).toEqual([]);
    const s2 = run(s1, compile('!(grand Tom)'));
    const s3 = run(s2, compile('!(match &self (parent $p Ann) $p) !(println! done)'));
    expect(results(s3).map((r) => r.map(formatAtom))).toEqual([['Ann'], ['Bob'], ['()']]);
    expect(stdoutText(s3.output)).toBe('[Ann]\n[Bob]\ndone\n[()]\n');
    expect(s3.source).toBe(s1.source);
  });

  it('streams records in order through onOutput, println! and trace! included', () => {
    const seen: OutputRecord[] = [];
    const s = run(emptyState(), compile('!(println! "a") !(trace! "t" 1) !(+ 1 1)'), { onOutput: (r) => seen.push(r) });
    expect(seen).toEqual(s.output);
    expect(seen.map((r) => r.kind)).toEqual(['stdout', 'results', 'stderr', 'results', 'results']);
  });

  it('keepGoing false stops at the first error result, as the CLI does', () => {
    const text = '!(+ 1 2)\n!(car-atom ())\n!(+ 2 2)\n';
    const stopped = run(emptyState(), compile(text), { keepGoing: false });
    expect(results(stopped)).toHaveLength(2);
    expect(stopped.exitCode).toBe(1);
    expect(results(run(emptyState(), compile(text)))).toHaveLength(3);
  });

  it('applies maxSteps for the run only', () => {
    const loop = '(= (loop $n) (loop (+ $n 1)))\n!(loop 0)\n';
    const s = run(emptyState(), compile(loop), { maxSteps: 2000 });
    expect(stderrText(s.output)).toMatch(/evaluation stopped/);
    expect(s.environment.settings.maxSteps).toBeNull();
  });

  it('a bind! in one run changes how the next compiled text reads', () => {
    const s = run(emptyState(), compile('!(bind! &kb (new-space)) !(add-atom &kb (k 1))'));
    const t = run(s, compile('!(match &kb (k $x) $x)'));
    expect(stdoutText(t.output.slice(-1))).toBe('[1]\n');
  });
});
