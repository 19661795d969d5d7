// Plain facts of symbols are read and added without making their atoms (Parser.nextSymbolFact,
// top-level.ts addSymbolFacts): the same space — ids, tokens, atoms, answers — and the same
// positions in later messages as reading every item as an atom and adding it.

import { describe, expect, it } from 'vitest';
import { sym, symById } from '../../src/core/index.js';
import { Parser, TokenRegistry } from '../../src/core/parser.js';
import { formatAtom } from '../../src/core/printer.js';
import { query } from '../../src/cpu/index.js';
import { Program } from '../../src/runner/index.js';
import { AtomSpace } from '../../src/space/index.js';
import { prng } from '../../src/bench/common.js';

/** The space as the loop would build it without the fast path: every item an atom, added. */
function reference(text: string): AtomSpace {
  const space = new AtomSpace();
  const parser = new Parser(text, 'kb.metta');
  for (let item = parser.next(); item !== null; item = parser.next()) if (!item.exec) space.add(item.atom);
  return space;
}

/** `text` run as kb.metta in one Program: what it printed, its exit code and its `&self`. */
function run(text: string, keepGoing: boolean): { out: string; err: string; exitCode: number; space: AtomSpace } {
  let out = '';
  let err = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (err += t) });
  const { exitCode } = program.run(text, 'kb.metta', { keepGoing, writeOut: (l) => (out += l + '\n'), writeErr: (l) => (err += l + '\n') });
  return { out, err, exitCode, space: program.env.self.space };
}

function loaded(text: string): AtomSpace {
  const r = run(text, true);
  expect(r.exitCode).toBe(0);
  return r.space;
}

function tokensOf(space: AtomSpace): number[] {
  const s = space.store.share();
  return [...s.tokens.subarray(0, s.tokenCount), -1, ...s.offsets.subarray(0, s.idCount + 1)];
}

const WORDS = ['edge', 'a', 'b', 'c', 'node-7', 'x_y', 'CamelCase', 'f?', '=', ':', '->', '!', 'T', 'Truthy'];
const OTHERS = ['$v', '1', '-2', '+', '"s"', 'True', 'False', '(p q)', '()', 'ключ', '3.5', '&&x'];

/** A random knowledge base: mostly plain facts of symbols, some items the fast path leaves to the reader. */
function randomKb(seed: number, items: number): string {
  const r = prng(seed);
  const pick = (xs: readonly string[]): string => xs[Math.floor(r() * xs.length)]!;
  const lines: string[] = [];
  for (let k = 0; k < items; k++) {
    const n = 1 + Math.floor(r() * 4);
    const parts = Array.from({ length: n }, () => (r() < 0.06 ? pick(OTHERS) : r() < 0.5 ? `n${Math.floor(r() * 3000)}` : pick(WORDS)));
    const sep = r() < 0.1 ? '\t' : r() < 0.05 ? '  ' : ' ';
    let line = `(${parts.join(sep)})`;
    const x = r();
    if (x < 0.03) line = `${line} ; comment (x y)`;
    else if (x < 0.05) line = `${line}\n\n`;
    else if (x < 0.06) line = `(${parts[0]}\n  ${parts.slice(1).join(' ')})`;
    else if (x < 0.07) line = `  ${line}  ${line}`;
    else if (x < 0.075) line = parts[0]!;
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

describe('plain facts of symbols', () => {
  it('are read by nextSymbolFact; everything else is left to next(), as it stands', () => {
    const tokens = new TokenRegistry();
    tokens.define('&kb', sym('kb-token'));
    const out = new Uint32Array(8);
    const read = (text: string): { n: number; names: string[]; rest: string } => {
      const p = new Parser(text, 't', tokens);
      const n = p.nextSymbolFact(out);
      const item = p.next();
      return { n, names: [...out.subarray(0, Math.max(n, 0))].map((id) => symById(id).name), rest: item === null ? '' : formatAtom(item.atom) };
    };
    expect(read('  (edge a b)\n(next)')).toEqual({ n: 3, names: ['edge', 'a', 'b'], rest: '(next)' });
    expect(read('(f?\ta->b  !)')).toEqual({ n: 3, names: ['f?', 'a->b', '!'], rest: '' });
    for (const text of ['(a (b) c)', '(a "s")', '(a 1)', '(a -b)', '(a +)', '(a $x)', '(a True)', '!(a b)', '(a ; c\n b)', '(a\n b)', '()', '(ключ a)', '(a &kb)', '(a b', 'a', '(a;b)', '(a b c d e f g h i)']) {
      const fast = new Parser(text, 't', tokens);
      expect(fast.nextSymbolFact(out), text).toBe(-1);
      const slow = new Parser(text, 't', tokens);
      let a: string;
      let b: string;
      try {
        a = JSON.stringify(slow.all().map((i) => [formatAtom(i.atom), i.exec, i.position]));
      } catch (e) {
        a = String(e);
      }
      try {
        b = JSON.stringify(fast.all().map((i) => [formatAtom(i.atom), i.exec, i.position]));
      } catch (e) {
        b = String(e);
      }
      expect(b, text).toBe(a);
    }
  });

  for (const seed of [1, 2, 3]) {
    it(`give the same space as adding every atom (random KB, seed ${seed}, token arrays grown)`, () => {
      const text = randomKb(seed, 6000);
      const expected = reference(text);
      const space = loaded(text);
      expect(space.size).toBe(expected.size);
      expect(tokensOf(space)).toEqual(tokensOf(expected));
      expect(space.atoms().map(formatAtom)).toEqual(expected.atoms().map(formatAtom));
      const r = prng(seed + 100);
      for (let k = 0; k < 30; k++) {
        const pattern = new Parser(`(${r() < 0.5 ? 'edge' : '$h'} ${r() < 0.5 ? `n${Math.floor(r() * 3000)}` : '$x'} $y)`).next()!.atom;
        expect(query(space.view(), pattern).map((b) => formatAtom(b.resolve(pattern)))).toEqual(query(expected.view(), pattern).map((b) => formatAtom(b.resolve(pattern))));
      }
    });
  }

  it('leave later positions as they are: a syntax error after facts, and a !form between them', () => {
    const r = run('(a b)\n(c d)  (e f)\n\t(g h)\n!(match &self (c $x) $x)\n(i j)\n   (k l\n', false);
    expect(r.out).toBe('[d]\n');
    expect(r.err).toBe("kb.metta:6:4: unbalanced parentheses: '(' is never closed\n");
    expect(r.exitCode).toBe(2);
    expect(r.space.atoms().map(formatAtom)).toEqual(['(a b)', '(c d)', '(e f)', '(g h)', '(i j)']);
  });

  it('read a word bound by bind! as its atom from then on, not as the symbol read before', () => {
    const r = run('(p tok)\n(p a)\n!(bind! tok 42)\n(p tok)\n(q tok tok)\n!(match &self (p $x) $x)\n!(match &self (q $x $y) ($x $y))\n', false);
    expect(r.out).toBe('[()]\n[tok, a, 42]\n[(42 42)]\n');
  });

  it('are not taken past a type check (pragma! type-check auto rejects an ill-typed fact)', () => {
    const r = run('(: f (-> A B))\n(: a A)\n!(pragma! type-check auto)\n(f a)\n(f f)\n!(collapse (get-atoms &self))\n', true);
    expect(r.out).toBe('[()]\n[(Error (f f) BadType)]\n[((: f (-> A B)) (: a A) (f a))]\n');
  });
});
