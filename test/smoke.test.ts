import { describe, expect, it } from 'vitest';
import { parseProgram, formatAtom, parseAtom, formatResults } from '../src/core/index.js';
import { AtomSpace } from '../src/space/index.js';
import { matchPattern, naiveMatch, query } from '../src/cpu/index.js';

describe('smoke', () => {
  it('parses, stores and matches', () => {
    const items = parseProgram('(edge a b) (edge a c) (edge b c) (foo $x $x) !(match &self (edge a $y) $y) "s\\n" 1.5 1e20 -3 (1 2.0)');
    expect(items.map((i) => formatAtom(i.atom))).toEqual(['(edge a b)', '(edge a c)', '(edge b c)', '(foo $x $x)', '(match &self (edge a $y) $y)', '"s\\n"', '1.5', '1e20', '-3', '(1 2.0)']);
    const space = new AtomSpace();
    for (const i of items.slice(0, 4)) space.add(i.atom);
    const p = parseAtom('(edge a $y)');
    const show = (hits: ReturnType<typeof matchPattern>) => hits.map((h) => h.atomId + ':' + [...h.bindings.entries()].map(([k, v]) => k + '=' + formatAtom(v)).join(','));
    expect(show(matchPattern(space.view(), p))).toEqual(['0:y=b', '1:y=c']);
    expect(show(naiveMatch(space, p))).toEqual(['0:y=b', '1:y=c']);
    space.snapshot();
    expect(show(matchPattern(space.view(), p))).toEqual(['0:y=b', '1:y=c']);
    expect(show(matchPattern(space.view(), parseAtom('(foo 1 $z)')))).toEqual(['3:z=1']);
    expect(show(matchPattern(space.view(), parseAtom('$q'))).length).toBe(4);
    expect(query(space.view(), parseAtom('(, (edge $a $b) (edge $b $c))')).map((b) => formatAtom(b.resolve(parseAtom('($a $b $c)'))))).toEqual(['(a b c)']);
    expect(space.remove(parseAtom('(edge a c)'))).toBe(true);
    expect(show(matchPattern(space.view(), p))).toEqual(['0:y=b']);
    expect(formatResults(space.atoms())).toBe('[(edge a b), (edge b c), (foo $x $x)]');
  });
});
