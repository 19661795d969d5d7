// The CPU matcher on hand-picked cases: two-sided unification, the occurs check, ordering,
// conjunctive queries, batches, deep atoms.

import { describe, expect, it } from 'vitest';
import { type Atom, atomEquals, Bindings, expr, formatAtom, parseAtom, sym, variable, type VariableAtom } from '../../src/core/index.js';
import {
  CompiledPattern,
  conjuncts,
  type MatchHit,
  matchBatch,
  matchConjunction,
  matchPattern,
  naiveMatch,
  query,
  TokenUnifier,
  TrieMatcher,
} from '../../src/cpu/index.js';
import { AtomSpace, encodeAtom, type SpaceView } from '../../src/space/index.js';

const A = (text: string): Atom => parseAtom(text);

function spaceOf(...texts: string[]): AtomSpace {
  const space = new AtomSpace();
  for (const t of texts) space.add(A(t));
  return space;
}

/** `id:{$v=value ...}` per hit, variables sorted by name. */
function show(hits: readonly MatchHit[]): string[] {
  return hits.map(
    (h) =>
      `${h.atomId}:{` +
      [...h.bindings.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `$${k}=${formatAtom(h.bindings.resolve(v))}`)
        .join(' ') +
      '}',
  );
}

/** The views a space can be matched through: the live index, and a frozen snapshot. */
function bothViews(space: AtomSpace, run: (view: SpaceView, label: string) => void): void {
  run(space.view(), 'index');
  run(space.snapshot(), 'snapshot');
}

/** Matches through both views and the naive matcher; all three must print the same. */
function matchAll(space: AtomSpace, pattern: string): string[] {
  const p = A(pattern);
  const naive = show(naiveMatch(space, p));
  const viewed: string[][] = [];
  const fresh = new AtomSpace();
  for (const a of space.atoms()) fresh.add(a);
  bothViews(fresh, (view) => viewed.push(show(matchPattern(view, p))));
  // Fresh variable names differ between runs; compare with the numbers masked.
  const mask = (xs: string[]): string[] => xs.map((x) => x.replace(/#\d+/g, '#'));
  for (const v of viewed) expect(mask(v)).toEqual(mask(naive));
  return mask(naive);
}

describe('two-sided matching', () => {
  it('knows where each pattern variable first occurs', () => {
    // Prefix order, one token per node: (5 f $a (3 g $b $a) $c (2 h $b)) puts $a at 2, $b at 5, $c at 7.
    const p = new CompiledPattern(A('(f $a (g $b $a) $c (h $b))'));
    expect(p.varNames).toEqual(['a', 'b', 'c']);
    expect([...p.firstOffset]).toEqual([2, 5, 7]);
    expect([...new CompiledPattern(A('$x')).firstOffset]).toEqual([0]);
    expect([...new CompiledPattern(A('(a b)')).firstOffset]).toEqual([]);
  });

  it('binds through a stored variable: (= (f $x) $x) queried with (= (f 3) $r) gives $r = 3', () => {
    const space = spaceOf('(= (f $x) $x)', '(= (g $x) 0)');
    expect(matchAll(space, '(= (f 3) $r)')).toEqual(['0:{$r=3}']);
    expect(matchAll(space, '(= ($h 3) $r)')).toEqual(['0:{$h=f $r=3}', '1:{$h=g $r=0}']);
  });

  it('a stored variable used twice must get equal values', () => {
    const space = spaceOf('(g $x $x)');
    expect(matchAll(space, '(g 1 2)')).toEqual([]);
    expect(matchAll(space, '(g 1 1)')).toEqual(['0:{}']);
    expect(matchAll(space, '(g 1 $y)')).toEqual(['0:{$y=1}']);
    expect(matchAll(space, '(g (a $p) (a b))')).toEqual(['0:{$p=b}']);
    expect(matchAll(space, '(g (a $p) (c b))')).toEqual([]);
  });

  it('a pattern variable used twice must get equal values', () => {
    const space = spaceOf('(h 1 1)', '(h 1 2)', '(h (a b) (a b))', '(h $s 5)', '(h $s $t)');
    expect(matchAll(space, '(h $v $v)')).toEqual(['0:{$v=1}', '2:{$v=(a b)}', '3:{$v=5}', '4:{$v=$t#}']);
  });

  it('applies the occurs check', () => {
    const space = spaceOf('(h $x $x)', '(k $x (f $x))', '(m $x)');
    // $y = $x, then $x = (k $y) = (k $x): cyclic.
    expect(matchAll(space, '(h $y (k $y))')).toEqual([]);
    expect(matchAll(space, '(k $a $a)')).toEqual([]);
    expect(matchAll(space, '(m (f $x))')).toEqual(['2:{}']);
    // Without the cycle the same shapes match.
    expect(matchAll(space, '(h $y (k $z))')).toEqual(['0:{$y=(k $z)}']);
  });

  it('lets a stored variable span a whole pattern sub-term and vice versa', () => {
    const space = spaceOf('(p $x)', '(p (a (b c)))', '$any');
    expect(matchAll(space, '(p (a (b c)))')).toEqual(['0:{}', '1:{}', '2:{}']);
    expect(matchAll(space, '(p $v)')).toEqual(['0:{$v=$x#}', '1:{$v=(a (b c))}', '2:{}']);
    expect(matchAll(space, '(p (a $w))')).toEqual(['0:{}', '1:{$w=(b c)}', '2:{}']);
    expect(matchAll(space, '$q')).toEqual(['0:{$q=(p $x#)}', '1:{$q=(p (a (b c)))}', '2:{$q=$any#}']);
  });

  it('renames stored variables apart from the pattern and gives every hit its own fresh ones', () => {
    const space = spaceOf('(q $x)', '(q $x)');
    space.snapshot();
    const hits = matchPattern(space.view(), A('(q $v)'));
    expect(hits.map((h) => h.atomId)).toEqual([0, 1]);
    const v0 = hits[0]!.bindings.lookup('v')!;
    const v1 = hits[1]!.bindings.lookup('v')!;
    expect(v0.kind).toBe(variable('x').kind);
    // Printing renumbers fresh variables per line, so compare the variables' own names.
    expect((v0 as VariableAtom).name).toMatch(/^x#\d+$/);
    expect((v0 as VariableAtom).name).not.toBe((v1 as VariableAtom).name);
    // The pattern's own $x is a different variable from the stored $x.
    const same = matchPattern(space.view(), A('(q (s $x))'));
    expect(same.map((h) => h.atomId)).toEqual([0, 1]);
    expect(formatAtom(same[0]!.bindings.resolve(A('(q (s $x))')))).toBe('(q (s $x))');
  });

  it('compares grounded values by value and keeps them apart from symbols', () => {
    const space = spaceOf('(v 3)', '(v 3.0)', '(v "3")', '(v "a")', '(v a)', '(v True)');
    expect(matchAll(space, '(v 3)')).toEqual(['0:{}']);
    expect(matchAll(space, '(v 3.0)')).toEqual(['1:{}']);
    expect(matchAll(space, '(v "a")')).toEqual(['3:{}']);
    expect(matchAll(space, '(v a)')).toEqual(['4:{}']);
    expect(matchAll(space, '(v True)')).toEqual(['5:{}']);
  });

  it('distinguishes arities and the empty expression', () => {
    const space = spaceOf('()', '(a)', '(a b)', '(())', 'a');
    expect(matchAll(space, '()')).toEqual(['0:{}']);
    expect(matchAll(space, '($x)')).toEqual(['1:{$x=a}', '3:{$x=()}']);
    expect(matchAll(space, '(a $y)')).toEqual(['2:{$y=b}']);
    expect(matchAll(space, 'a')).toEqual(['4:{}']);
  });

  it('reports duplicates separately, by insertion id across trie and recent atoms', () => {
    const space = spaceOf('(e 1)', '(e 2)', '(e 1)');
    space.snapshot();
    space.add(A('(e 1)'));
    space.add(A('(e $n)'));
    expect(show(matchPattern(space.view(), A('(e 1)')))).toEqual(['0:{}', '2:{}', '3:{}', '4:{}']);
    space.removeId(2);
    expect(show(matchPattern(space.view(), A('(e 1)')))).toEqual(['0:{}', '3:{}', '4:{}']);
  });

  it('reuses one TrieMatcher across views and patterns', () => {
    const matcher = new TrieMatcher();
    const s1 = spaceOf('(a 1)', '(a 2)');
    const s2 = spaceOf('(b (c d))', '(a $z)');
    expect(show(matcher.match(s1.snapshot(), new CompiledPattern(A('(a $x)'))))).toEqual(['0:{$x=1}', '1:{$x=2}']);
    expect(show(matcher.match(s2.snapshot(), new CompiledPattern(A('(b (c $y))'))))).toEqual(['0:{$y=d}']);
    expect(show(matcher.match(s1.snapshot(), new CompiledPattern(A('(a 2)'))))).toEqual(['1:{}']);
  });
});

describe('TokenUnifier', () => {
  const unify = (p: string, s: string): boolean => {
    const pe = encodeAtom(A(p));
    const se = encodeAtom(A(s));
    return new TokenUnifier().unify(pe.tokens, pe.varNames.length, se.tokens, se.varNames.length);
  };
  it('unifies token strings two-sidedly with an occurs check', () => {
    expect(unify('(f $x)', '(f a)')).toBe(true);
    expect(unify('(f $x $x)', '(f a b)')).toBe(false);
    expect(unify('(f a b)', '(f $x $x)')).toBe(false);
    expect(unify('($x $x)', '($y (g $y))')).toBe(false);
    expect(unify('($x (g $x))', '($y $y)')).toBe(false);
    // Same variable names on both sides are different variables.
    expect(unify('($x a)', '(b $x)')).toBe(true);
    expect(unify('($x $x)', '(a $x)')).toBe(true);
  });
});

describe('batches and conjunctions', () => {
  it('matchBatch returns per-pattern results in pattern order', () => {
    const space = spaceOf('(edge a b)', '(edge b c)', '(node a)', '(edge a c)');
    const patterns = ['(node $n)', '(edge a $y)', '(none)', '(edge $x c)'].map(A);
    bothViews(space, (view) => {
      const batch = matchBatch(view, patterns);
      expect(batch.map(show)).toEqual([['2:{$n=a}'], ['0:{$y=b}', '3:{$y=c}'], [], ['1:{$x=b}', '3:{$x=a}']]);
      expect(batch.map(show)).toEqual(patterns.map((p) => show(matchPattern(view, p))));
    });
    expect(matchBatch(space.view(), [])).toEqual([]);
  });

  it('query() joins (, p1 p2) in lexicographic order of the matched insertion ids', () => {
    // e0 (a b), e1 (b c), e2 (a c), e3 (c d), e4 (b d)
    const space = spaceOf('(edge a b)', '(edge b c)', '(edge a c)', '(edge c d)', '(edge b d)');
    const path = A('($a $b $c)');
    bothViews(space, (view) => {
      const results = query(view, A('(, (edge $a $b) (edge $b $c))')).map((b) => formatAtom(b.resolve(path)));
      // Pairs (0,1) (0,4) (1,3) (2,3): the first conjunct varies slowest.
      expect(results).toEqual(['(a b c)', '(a b d)', '(b c d)', '(a c d)']);
    });
  });

  it('query() handles three conjuncts, no results, an empty conjunction and plain patterns', () => {
    const space = spaceOf('(edge a b)', '(edge b c)', '(edge c a)', '(color a red)', '(color c red)');
    space.snapshot();
    const view = space.view();
    const tri = query(view, A('(, (edge $x $y) (edge $y $z) (edge $z $x))'));
    expect(tri.map((b) => formatAtom(b.resolve(A('($x $y $z)'))))).toEqual(['(a b c)', '(b c a)', '(c a b)']);
    const red = query(view, A('(, (edge $x $y) (color $x red) (color $y red))'));
    expect(red.map((b) => formatAtom(b.resolve(A('($x $y)'))))).toEqual(['(c a)']);
    expect(query(view, A('(, (edge $x $y) (color $x blue))'))).toEqual([]);
    const empty = query(view, A('(,)'));
    expect(empty.length).toBe(1);
    expect(empty[0]!.size).toBe(0);
    expect(query(view, A('(color $c red)')).map((b) => formatAtom(b.resolve(variable('c'))))).toEqual(['a', 'c']);
  });

  it('query() joins through stored variables', () => {
    const space = spaceOf('(parent $p (child-of $p))', '(age bob 3)');
    const results = query(space.view(), A('(, (parent bob $c) (age bob $n))'));
    expect(results.map((b) => formatAtom(b.resolve(A('($c $n)'))))).toEqual(['((child-of bob) 3)']);
  });

  it('matchConjunction starts from the given bindings', () => {
    const space = spaceOf('(edge a b)', '(edge b c)');
    const start = new Bindings(new Map([['x', sym('b')]]));
    const out = matchConjunction((p) => matchPattern(space.view(), p), [A('(edge $x $y)')], start);
    expect(out.map((b) => formatAtom(b.resolve(A('($x $y)'))))).toEqual(['(b c)']);
  });

  it('conjuncts() recognises only (, ...)', () => {
    expect(conjuncts(A('(, (a) (b))'))!.map(formatAtom)).toEqual(['(a)', '(b)']);
    expect(conjuncts(A('(a , b)'))).toBeNull();
    expect(conjuncts(A(','))).toBeNull();
    expect(conjuncts(A('()'))).toBeNull();
  });
});

describe('deep atoms', () => {
  const DEPTH = 10_000;
  const deep = (leaf: Atom, depth = DEPTH): Atom => {
    let a = leaf;
    for (let i = 0; i < depth; i++) a = expr([sym('f'), a]);
    return a;
  };

  it('matches a 10,000-deep atom, in the trie and in the recent list, without stack overflow', () => {
    const stored = deep(sym('bottom'));
    const space = new AtomSpace();
    space.add(A('(f a)'));
    space.add(stored);
    const check = (view: SpaceView): void => {
      // A variable at the bottom of an equally deep pattern.
      const bottom = matchPattern(view, deep(variable('v')));
      expect(bottom.map((h) => h.atomId)).toEqual([1]);
      expect(bottom[0]!.bindings.lookup('v')).toBe(sym('bottom'));
      // A variable spanning almost the whole atom.
      const top = matchPattern(view, expr([sym('f'), variable('w')]));
      expect(top.map((h) => h.atomId)).toEqual([0, 1]);
      expect(atomEquals(top[1]!.bindings.lookup('w')!, deep(sym('bottom'), DEPTH - 1))).toBe(true);
      // A mismatch at the very bottom.
      expect(matchPattern(view, deep(sym('other')))).toEqual([]);
      // The whole atom bound to a bare variable.
      const all = matchPattern(view, variable('all'));
      expect(atomEquals(all[1]!.bindings.lookup('all')!, stored)).toBe(true);
    };
    check(space.view());
    check(space.snapshot());
  });

  it('matches a 10,000-deep stored atom with variables against a deep pattern (two-sided)', () => {
    // Stored: (f (f ... (f (pair $x $x)))); pattern: (f (f ... (f (pair 7 $y)))).
    const stored = deep(expr([sym('pair'), variable('x'), variable('x')]));
    const pattern = deep(expr([sym('pair'), parseAtom('7'), variable('y')]));
    const space = new AtomSpace();
    space.add(stored);
    space.snapshot();
    const hits = matchPattern(space.view(), pattern);
    expect(hits.length).toBe(1);
    expect(formatAtom(hits[0]!.bindings.lookup('y')!)).toBe('7');
    const naive = naiveMatch(space, pattern);
    expect(naive.length).toBe(1);
    expect(formatAtom(naive[0]!.bindings.resolve(variable('y')))).toBe('7');
    // And the same through a conjunction.
    const results = query(space.view(), expr([sym(','), pattern]));
    expect(results.length).toBe(1);
  });
});
