// match's states-as-holes (src/eval/state-patterns.ts): each state of a pattern becomes a fresh
// variable, in reading order, at any depth; an answer is kept when the hole unifies with the state.

import { describe, expect, it } from 'vitest';
import { type Atom, AtomKind, Bindings, expr, formatAtom, sym, variable } from '../../src/core/index.js';
import { StateAtom } from '../../src/eval/objects.js';
import { fillStateHoles, mentionsState, withStateHoles } from '../../src/eval/state-patterns.js';

const state = (value: Atom): StateAtom => new StateAtom(value, sym('Symbol'));

describe('states in match patterns', () => {
  it('leaves a pattern without states alone', () => {
    const p = expr([sym('a'), expr([sym('b'), variable('x')])]);
    expect(mentionsState(p)).toBe(false);
    expect(withStateHoles(p)).toBeNull();
  });

  it('replaces every state by a fresh variable, in reading order, keeping the rest as written', () => {
    const s1 = state(sym('one'));
    const s2 = state(sym('two'));
    const p = expr([sym('pair'), s1, expr([sym('in'), s2, variable('x')])]);
    const h = withStateHoles(p)!;
    expect(h.holes.map(([, s]) => s)).toEqual([s1, s2]);
    const [v1, v2] = h.holes.map(([v]) => v.name);
    expect(formatAtom(h.pattern)).toBe(`(pair $${v1} (in $${v2} $x))`);
  });

  it('walks a pattern 100,000 deep without recursion', () => {
    let p: Atom = state(sym('bottom'));
    for (let i = 0; i < 100_000; i++) p = expr([sym('S'), p]);
    const h = withStateHoles(p)!;
    expect(h.holes).toHaveLength(1);
    let a = h.pattern;
    let depth = 0;
    while (a.kind === AtomKind.Expression) {
      a = a.children[1]!;
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(a.kind).toBe(AtomKind.Variable);
  });

  it('keeps an answer whose atom in the hole has the same value, or is a variable, and drops another value', () => {
    const probe = state(sym('active'));
    const h = withStateHoles(expr([sym('status'), probe]))!;
    const [hole] = h.holes[0]!;
    const answer = (value: Atom): Bindings => {
      const b = new Bindings();
      b.bind(hole.name, value);
      return b;
    };
    expect(fillStateHoles(answer(state(sym('active'))), h.holes)).not.toBeNull();
    expect(fillStateHoles(answer(state(sym('inactive'))), h.holes)).toBeNull();
    const stored = fillStateHoles(answer(variable('open')), h.holes)!;
    expect(stored.resolve(variable('open'))).toBe(probe);
  });
});
