// Malformed input: MettaSyntaxError with file:line:column (1-based, code points) and a one-line reason.

import { describe, expect, it } from 'vitest';
import { formatAtom, formatPosition, MettaSyntaxError, Parser, parseProgram } from '../../src/core/index.js';
import { syntaxError } from './helpers.js';

/** The error of parsing the whole of `text` as file `f.metta`, as `line:column`. */
function errorAt(text: string): { where: string; reason: string; message: string } {
  const e = syntaxError(() => parseProgram(text, 'f.metta'));
  expect(e.position.file).toBe('f.metta');
  expect(e.reason).not.toMatch(/\n/);
  expect(e.reason.length).toBeGreaterThan(0);
  expect(e.message).toBe(`f.metta:${e.position.line}:${e.position.column}: ${e.reason}`);
  return { where: `${e.position.line}:${e.position.column}`, reason: e.reason, message: e.message };
}

describe('MettaSyntaxError', () => {
  it('formats as file:line:column: reason', () => {
    const e = new MettaSyntaxError('bad thing', { file: 'x.metta', line: 3, column: 7 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('MettaSyntaxError');
    expect(e.message).toBe('x.metta:3:7: bad thing');
    expect(formatPosition(e.position)).toBe('x.metta:3:7');
  });

  it('uses <input> as the default file name', () => {
    const e = syntaxError(() => new Parser('(a').next());
    expect(e.message).toBe("<input>:1:1: unbalanced parentheses: '(' is never closed");
  });
});

describe('unbalanced parentheses', () => {
  it('reports an unclosed ( at the position of that paren', () => {
    expect(errorAt('(a b')).toMatchObject({ where: '1:1', reason: expect.stringMatching(/never closed/) });
    expect(errorAt('(ok)\n  (a (b c)\n d')).toMatchObject({ where: '2:3' });
    // The innermost unclosed paren.
    expect(errorAt('(a\n (b\n  c')).toMatchObject({ where: '2:2' });
    expect(errorAt('(a (b) ; comment )\n')).toMatchObject({ where: '1:1' });
    expect(errorAt('!(f')).toMatchObject({ where: '1:2' });
  });

  it('reports an unexpected ) at its position', () => {
    expect(errorAt(')')).toMatchObject({ where: '1:1', reason: expect.stringMatching(/unexpected '\)'/) });
    expect(errorAt('(a b))')).toMatchObject({ where: '1:6' });
    expect(errorAt('(a)\n\n   )')).toMatchObject({ where: '3:4' });
    expect(errorAt('! )')).toMatchObject({ where: '1:3' });
  });

  it('counts columns in code points', () => {
    expect(errorAt('(😀 λ) 😀)')).toMatchObject({ where: '1:8' });
    expect(errorAt('"😀😀😀" (')).toMatchObject({ where: '1:7' });
    expect(errorAt('(日本語 "😀")\r\n(x')).toMatchObject({ where: '2:1' });
  });
});

describe('strings', () => {
  it('reports an unterminated string at its opening quote', () => {
    expect(errorAt('"abc')).toMatchObject({ where: '1:1', reason: 'unterminated string literal' });
    expect(errorAt('(a\n  "abc\ndef')).toMatchObject({ where: '2:3', reason: 'unterminated string literal' });
    expect(errorAt('(a "ends with backslash\\')).toMatchObject({ where: '1:4', reason: 'unterminated string literal' });
    expect(errorAt('"x\\"')).toMatchObject({ where: '1:1', reason: 'unterminated string literal' });
  });

  it('reports bad escapes at the backslash', () => {
    expect(errorAt('"ab\\q"')).toMatchObject({ where: '1:4', reason: expect.stringMatching(/escape/) });
    expect(errorAt('(x "\\a")')).toMatchObject({ where: '1:5' });
    expect(errorAt('"\\x4"')).toMatchObject({ where: '1:2', reason: expect.stringMatching(/\\x/) });
    expect(errorAt('"\\xZZ"')).toMatchObject({ where: '1:2' });
    expect(errorAt('"\\x')).toMatchObject({ where: '1:2' });
    expect(errorAt('"😀\\u41"')).toMatchObject({ where: '1:3', reason: expect.stringMatching(/\\u/) });
    expect(errorAt('"\\u{}"')).toMatchObject({ where: '1:2' });
    expect(errorAt('"\\u{110000}"')).toMatchObject({ where: '1:2' });
    expect(errorAt('"\\u{D800}"')).toMatchObject({ where: '1:2' });
    expect(errorAt('"\\u{1234567}"')).toMatchObject({ where: '1:2' });
    expect(errorAt('"\\u{12"')).toMatchObject({ where: '1:2' });
    expect(errorAt('"\\u{xyz}"')).toMatchObject({ where: '1:2' });
  });
});

describe('variables', () => {
  it('rejects $ with no name', () => {
    expect(errorAt('$')).toMatchObject({ where: '1:1', reason: expect.stringMatching(/variable/) });
    expect(errorAt('(f $ x)')).toMatchObject({ where: '1:4' });
    expect(errorAt('(f\n $)')).toMatchObject({ where: '2:2' });
  });

  it('rejects # in a variable name', () => {
    expect(errorAt('$a#b')).toMatchObject({ where: '1:1', reason: expect.stringMatching(/#/) });
    expect(errorAt('(f x $x#1)')).toMatchObject({ where: '1:6' });
    expect(errorAt('$#')).toMatchObject({ where: '1:1' });
  });
});

describe('the exec flag', () => {
  it('rejects ! at the end of input, at the !', () => {
    expect(errorAt('!')).toMatchObject({ where: '1:1', reason: expect.stringMatching(/'!'/) });
    expect(errorAt('(a)\n  !   ; nothing follows\n')).toMatchObject({ where: '2:3' });
  });

  it('rejects ! followed by another !', () => {
    expect(errorAt('! ! (a)')).toMatchObject({ where: '1:3' });
  });
});

describe('nothing is lost before an error', () => {
  it('returns every item before the error from next(), then throws', () => {
    const parser = new Parser('(a 1)\n!(b "x")\nc\n(d (e)', 'g.metta');
    const seen: string[] = [];
    let error: unknown;
    try {
      for (let item = parser.next(); item !== null; item = parser.next()) seen.push((item.exec ? '!' : '') + formatAtom(item.atom));
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual(['(a 1)', '!(b "x")', 'c']);
    expect(error).toBeInstanceOf(MettaSyntaxError);
    expect((error as MettaSyntaxError).message).toBe("g.metta:4:1: unbalanced parentheses: '(' is never closed");
  });

  it('an error in a later item does not affect earlier ones (bad escape, stray paren)', () => {
    for (const [text, where] of [
      ['(ok) "bad \\z"', '1:11'],
      ['(ok) )', '1:6'],
      ['(ok) $', '1:6'],
      ['(ok) !', '1:6'],
    ] as const) {
      const parser = new Parser(text, 'h');
      expect(formatAtom(parser.next()!.atom)).toBe('(ok)');
      const e = syntaxError(() => parser.next());
      expect(`${e.position.line}:${e.position.column}`, text).toBe(where);
    }
  });
});
